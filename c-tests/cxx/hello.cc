// Engine, Store, Module, Instance, Func: a plain callback and one with an
// environment and finalizer (which runs when the store goes).
#include "common.hh"

static auto hello_callback(const wasm::Val[], wasm::Val[]) -> wasm::own<wasm::Trap> {
  std::printf("hello from C++\n");
  return nullptr;
}

struct Counter {
  int calls;
};

static auto add_callback(void* env, const wasm::Val args[], wasm::Val results[])
    -> wasm::own<wasm::Trap> {
  static_cast<Counter*>(env)->calls++;
  results[0] = wasm::Val::i32(args[0].i32() + args[1].i32());
  return nullptr;
}

static void finalize_counter(void* env) {
  std::printf("finalizer: %d call(s)\n", static_cast<Counter*>(env)->calls);
  delete static_cast<Counter*>(env);
}

int main(int argc, char** argv) {
  CHECK(argc > 1);
  auto engine = wasm::Engine::make();
  auto store_ = wasm::Store::make(engine.get());
  auto store = store_.get();
  {
  auto binary = read_wasm(argv[1], "hello");
  CHECK(wasm::Module::validate(store, binary));
  auto module = wasm::Module::make(store, binary);
  CHECK(module);

  auto hello_type = wasm::FuncType::make();
  auto hello = wasm::Func::make(store, hello_type.get(), hello_callback);
  auto add_type = wasm::FuncType::make(
      wasm::ownvec<wasm::ValType>::make(wasm::ValType::make(wasm::I32),
                                        wasm::ValType::make(wasm::I32)),
      wasm::ownvec<wasm::ValType>::make(wasm::ValType::make(wasm::I32)));
  auto counter = new Counter{0};
  auto add = wasm::Func::make(store, add_type.get(), add_callback, counter, finalize_counter);
  CHECK(hello && add);
  std::printf("add: %zu -> %zu\n", add->param_arity(), add->result_arity());

  const wasm::Extern* imports[] = {hello.get(), add.get()};
  auto instance = wasm::Instance::make(store, module.get(), imports);
  CHECK(instance);
  auto exports = instance->exports();
  CHECK(exports.size() == 1 && exports[0]->kind() == wasm::EXTERN_FUNC);
  auto run = exports[0]->func();
  CHECK(run != nullptr);

  for (int i = 0; i < 2; ++i) {
    wasm::Val results[1];
    auto trap = run->call(nullptr, results);
    CHECK(!trap);
    std::printf("run() = %d\n", results[0].i32());
  }

  // Calling the host function directly.
  wasm::Val args[] = {wasm::Val::i32(7), wasm::Val::i32(8)};
  wasm::Val results[1];
  CHECK(!add->call(args, results));
  std::printf("add(7, 8) = %d\n", results[0].i32());

  }
  std::printf("deleting the store\n");
  store_.reset();
  std::printf("done\n");
  return 0;
}
