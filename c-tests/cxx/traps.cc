// Traps from wasm and from host functions: Trap::make, message, origin,
// trace, Frame; start functions (one that runs, one that traps during
// Instance::make).
#include "common.hh"

using namespace wasm;

static Store* the_store = nullptr;

static auto fail_callback(const Val[], Val[]) -> own<Trap> {
  std::string text = "host says no";
  return Trap::make(the_store, Message::make_nt(text));
}

static auto log_callback(void* env, const Val args[], Val[]) -> own<Trap> {
  std::printf("start function logs %d\n", args[0].i32());
  if (env) return Trap::make(the_store, Message::make_nt(std::string("log refuses")));
  return nullptr;
}

static void print_trap(const char* what, const own<Trap>& trap) {
  CHECK(trap);
  auto message = trap->message();
  CHECK(message.size() > 0 && message[message.size() - 1] == '\0');
  std::printf("%s: %s\n", what, message.get());
  auto trace = trap->trace();
  auto origin = trap->origin();
  std::printf("  %zu frame(s), origin %s\n", trace.size(), origin ? "yes" : "none");
  for (size_t i = 0; i < trace.size(); ++i) {
    std::printf("  frame %zu: func %u, instance %s\n", i, trace[i]->func_index(),
                trace[i]->instance() ? "yes" : "no");
    CHECK(trace[i]->module_offset() != SIZE_MAX);
  }
  if (origin) {
    CHECK(origin->func_index() == trace[0]->func_index());
    CHECK(origin->copy()->module_offset() == trace[0]->module_offset());
  }
}

int main(int argc, char** argv) {
  CHECK(argc > 1);
  auto engine = Engine::make();
  auto store_ = Store::make(engine.get());
  auto store = store_.get();
  the_store = store;
  {
    auto module = Module::make(store, read_wasm(argv[1], "traps"));
    auto fail = Func::make(store, FuncType::make().get(), fail_callback);
    const Extern* imports[] = {fail.get()};
    auto instance = Instance::make(store, module.get(), imports);
    CHECK(instance);
    auto exports = instance->exports();
    auto div = exports[0]->func();
    auto nested = exports[1]->func();
    auto call_host = exports[2]->func();

    Val args[] = {Val::i32(7), Val::i32(0)};
    Val results[1];
    print_trap("div(7, 0)", div->call(args, results));
    Val args2[] = {Val::i32(-21), Val::i32(3)};
    CHECK(!div->call(args2, results));
    std::printf("div(-21, 3) = %d\n", results[0].i32());
    print_trap("nested", nested->call());
    print_trap("call_host", call_host->call());

    auto made = Trap::make(store, Message::make_nt(std::string("made by hand")));
    print_trap("made", made);
    auto copy = made->copy();
    CHECK(copy && copy->same(made.get()));

    // Start functions.
    auto start_module = Module::make(store, read_wasm(argv[1], "start"));
    auto log_type = FuncType::make(ownvec<ValType>::make(ValType::make(I32)));
    auto log_ok = Func::make(store, log_type.get(), log_callback, nullptr);
    const Extern* start_imports[] = {log_ok.get()};
    own<Trap> trap;
    auto started = Instance::make(store, start_module.get(), start_imports, &trap);
    CHECK(started && !trap);
    std::printf("ran = %d\n", started->exports()[0]->global()->get().i32());
    static int refuse = 1;
    auto log_refuse = Func::make(store, log_type.get(), log_callback, &refuse);
    const Extern* refusing_imports[] = {log_refuse.get()};
    auto failed = Instance::make(store, start_module.get(), refusing_imports, &trap);
    CHECK(!failed);
    print_trap("start", trap);
    // Missing imports: a trap too.
    auto missing = Instance::make(store, start_module.get(), nullptr, &trap);
    CHECK(!missing && trap);
    std::printf("no imports: trap %s\n", trap->message().size() > 1 ? "with a message" : "empty");
  }
  return 0;
}
