// Finalizers: host info on instances, functions, globals, foreign objects
// and modules, and function environments, over several stores; each runs
// exactly once, when its object's store goes (or, for modules, which
// belong to no store, when the last handle goes).
#include "common.hh"

using namespace wasm;

static int finalized[5] = {0, 0, 0, 0, 0};

static void finalize(void* kind) { finalized[*static_cast<int*>(kind)]++; }

static int kinds[5] = {0, 1, 2, 3, 4};

static auto add_callback(void*, const Val args[], Val results[]) -> own<Trap> {
  results[0] = Val::i32(args[0].i32() + args[1].i32());
  return nullptr;
}

static const int kStores = 3;
static const int kRounds = 10;

int main(int argc, char** argv) {
  CHECK(argc > 1);
  auto engine = Engine::make();
  auto binary = read_wasm(argv[1], "hello");
  for (int s = 0; s < kStores; ++s) {
    auto store = Store::make(engine.get());
    auto module = Module::make(store.get(), binary);
    module->set_host_info(&kinds[4], finalize);
    auto hello = Func::make(store.get(), FuncType::make().get(),
                            [](const Val[], Val[]) -> own<Trap> { return nullptr; });
    auto add_type = FuncType::make(
        ownvec<ValType>::make(ValType::make(I32), ValType::make(I32)),
        ownvec<ValType>::make(ValType::make(I32)));
    for (int i = 0; i < kRounds; ++i) {
      auto add = Func::make(store.get(), add_type.get(), add_callback, &kinds[1], finalize);
      add->set_host_info(&kinds[1], finalize);
      const Extern* imports[] = {hello.get(), add.get()};
      auto instance = Instance::make(store.get(), module.get(), imports);
      CHECK(instance);
      instance->set_host_info(&kinds[0], finalize);
      auto foreign = Foreign::make(store.get());
      foreign->set_host_info(&kinds[2], finalize);
      auto global = Global::make(store.get(),
                                 GlobalType::make(ValType::make(ANYREF), CONST).get(),
                                 Val::ref(foreign->copy()));
      global->set_host_info(&kinds[3], finalize);
      // Replacing host info finalizes the old one.
      global->set_host_info(&kinds[3], finalize);
      Val results[1];
      CHECK(!instance->exports()[0]->func()->call(nullptr, results) && results[0].i32() == 42);
    }
    std::printf("store %d before deletion: %d %d %d %d\n", s, finalized[0], finalized[1],
                finalized[2], finalized[3]);
  }
  std::printf("instances %d, functions %d, foreign %d, globals %d, modules %d\n", finalized[0],
              finalized[1], finalized[2], finalized[3], finalized[4]);
  return 0;
}
