// The standard's current style: vector callbacks and calls, scoped kinds,
// Instance::make with a vec<Extern*>, std::cout.
#include <iostream>

#include "common.hh"

auto operator<<(std::ostream& out, const wasm::Val& val) -> std::ostream& {
  switch (val.kind()) {
    case wasm::ValKind::I32: out << val.i32(); break;
    case wasm::ValKind::I64: out << val.i64(); break;
    case wasm::ValKind::F32: out << val.f32(); break;
    case wasm::ValKind::F64: out << val.f64(); break;
    case wasm::ValKind::EXTERNREF:
    case wasm::ValKind::FUNCREF: out << (val.ref() ? "ref" : "null"); break;
  }
  return out;
}

auto print_callback(const wasm::vec<wasm::Val>& args, wasm::vec<wasm::Val>& results)
    -> wasm::own<wasm::Trap> {
  std::cout << "Calling back..." << std::endl << "> " << args[0] << std::endl;
  results[0] = args[0].copy();
  return nullptr;
}

auto closure_callback(void* env, const wasm::vec<wasm::Val>& args,
                      wasm::vec<wasm::Val>& results) -> wasm::own<wasm::Trap> {
  auto i = *reinterpret_cast<int*>(env);
  std::cout << "Calling back closure (" << args.size() << " args)..." << std::endl;
  results[0] = wasm::Val::i32(static_cast<int32_t>(i));
  return nullptr;
}

int main(int argc, char** argv) {
  CHECK(argc > 1);
  auto engine = wasm::Engine::make();
  auto store_ = wasm::Store::make(engine.get());
  auto store = store_.get();
  auto module = wasm::Module::make(store, read_wasm(argv[1], "callback"));
  CHECK(module);

  auto print_type = wasm::FuncType::make(
      wasm::ownvec<wasm::ValType>::make(wasm::ValType::make(wasm::ValKind::I32)),
      wasm::ownvec<wasm::ValType>::make(wasm::ValType::make(wasm::ValKind::I32)));
  auto print_func = wasm::Func::make(store, print_type.get(), print_callback);
  int i = 42;
  auto closure_type = wasm::FuncType::make(
      wasm::ownvec<wasm::ValType>::make(),
      wasm::ownvec<wasm::ValType>::make(wasm::ValType::make(wasm::ValKind::I32)));
  auto closure_func = wasm::Func::make(store, closure_type.get(), closure_callback, &i);

  auto imports = wasm::vec<wasm::Extern*>::make(print_func.get(), closure_func.get());
  auto instance = wasm::Instance::make(store, module.get(), imports);
  CHECK(instance);
  auto exports = instance->exports();
  CHECK(exports.size() == 1 && exports[0]->kind() == wasm::ExternKind::FUNC);
  auto run_func = exports[0]->func();

  auto args = wasm::vec<wasm::Val>::make(wasm::Val::i32(3), wasm::Val::i32(4));
  auto results = wasm::vec<wasm::Val>::make_uninitialized(1);
  CHECK(!run_func->call(args, results));
  std::cout << "> " << results[0] << std::endl;

  // Owned imports work too, and a wrong result count is a trap.
  auto owned = wasm::ownvec<wasm::Extern>::make(print_func->copy(), closure_func->copy());
  auto instance2 = wasm::Instance::make(store, module.get(), owned);
  CHECK(instance2);
  auto too_many = wasm::vec<wasm::Val>::make_uninitialized(2);
  auto trap = instance2->exports()[0]->func()->call(args, too_many);
  CHECK(trap);
  std::cout << "too many results: " << trap->message().get() << std::endl;
  wasm::own<wasm::Ref> ref = print_func->copy();
  wasm::Val v(std::move(ref));
  std::cout << "a function as a value: " << v << std::endl;
  return 0;
}
