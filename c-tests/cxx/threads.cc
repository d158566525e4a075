// Threads: a module compiled once, shared (Module::share) and obtained
// (Module::obtain) by a store per thread; each thread calls back into the
// host.
#include <atomic>
#include <thread>
#include <vector>

#include "common.hh"

using namespace wasm;

static std::atomic<int> calls(0);

static auto add_callback(void* env, const Val args[], Val results[]) -> own<Trap> {
  calls++;
  results[0] = Val::i32(args[0].i32() + args[1].i32() + *static_cast<int*>(env));
  return nullptr;
}

static const int kThreads = 4;
static const int kIterations = 50;

static void run(Engine* engine, const Shared<Module>* shared, int id, int* sum) {
  auto store = Store::make(engine);
  auto module = Module::obtain(store.get(), shared);
  CHECK(module);
  auto add_type = FuncType::make(
      ownvec<ValType>::make(ValType::make(I32), ValType::make(I32)),
      ownvec<ValType>::make(ValType::make(I32)));
  static int zero = 0;
  auto add = Func::make(store.get(), add_type.get(), add_callback, &zero);
  auto hello = Func::make(store.get(), FuncType::make().get(),
                          [](const Val[], Val[]) -> own<Trap> { return nullptr; });
  const Extern* imports[] = {hello.get(), add.get()};
  auto instance = Instance::make(store.get(), module.get(), imports);
  CHECK(instance);
  auto exports = instance->exports();
  auto f = exports[0]->func();
  int total = id;
  for (int i = 0; i < kIterations; ++i) {
    Val results[1];
    CHECK(!f->call(nullptr, results));
    total += results[0].i32();
  }
  *sum = total;
}

int main(int argc, char** argv) {
  CHECK(argc > 1);
  auto engine = Engine::make();
  own<Shared<Module>> shared;
  {
    auto store = Store::make(engine.get());
    auto module = Module::make(store.get(), read_wasm(argv[1], "hello"));
    CHECK(module);
    shared = module->share();
    CHECK(shared);
  }
  int sums[kThreads];
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i)
    threads.emplace_back(run, engine.get(), shared.get(), i, &sums[i]);
  for (auto& t : threads) t.join();
  for (int i = 0; i < kThreads; ++i) std::printf("thread %d: %d\n", i, sums[i]);
  std::printf("%d host calls\n", calls.load());
  return 0;
}
