// Host references: Foreign objects passed through wasm as externref and
// kept in tables and globals, Ref::same/copy, host info with finalizers,
// Val holding references (copy, release_ref).
#include "common.hh"

using namespace wasm;

static int finalized = 0;

static void finalize_info(void* info) {
  std::printf("finalize %s\n", static_cast<const char*>(info));
  finalized++;
}

static auto check_callback(const Val args[], Val results[]) -> own<Trap> {
  auto ref = args[0].ref();
  std::printf("host got %s\n",
              ref ? static_cast<const char*>(ref->get_host_info()) : "null");
  results[0] = ref ? Val::ref(ref->copy()) : Val::ref(own<Ref>());
  return nullptr;
}

int main(int argc, char** argv) {
  CHECK(argc > 1);
  auto engine = Engine::make();
  auto store_ = Store::make(engine.get());
  auto store = store_.get();
  {
    auto binary = read_wasm(argv[1], "refs");
    auto module = Module::make(store, binary);
    auto check_type = FuncType::make(ownvec<ValType>::make(ValType::make(ANYREF)),
                                     ownvec<ValType>::make(ValType::make(ANYREF)));
    auto check = Func::make(store, check_type.get(), check_callback);
    const Extern* imports[] = {check.get()};
    auto instance = Instance::make(store, module.get(), imports);
    CHECK(instance);
    auto exports = instance->exports();
    auto table = exports[0]->table();
    auto global = exports[1]->global();
    auto id = exports[2]->func();
    auto store_fn = exports[3]->func();
    auto is_null = exports[4]->func();
    CHECK(table && global && id && store_fn && is_null);

    auto foreign = Foreign::make(store);
    static char name[] = "foreign#1";
    foreign->set_host_info(name, finalize_info);
    std::printf("host info: %s\n", static_cast<const char*>(foreign->get_host_info()));
    auto copy = foreign->copy();
    CHECK(copy->same(foreign.get()) && copy->get_host_info() == name);

    // Through wasm and back.
    Val args[] = {Val::ref(foreign->copy())};
    Val results[1];
    CHECK(!id->call(args, results));
    CHECK(results[0].ref() != nullptr && results[0].ref()->same(foreign.get()));
    std::printf("came back: %s\n", static_cast<const char*>(results[0].ref()->get_host_info()));
    Val copied = results[0].copy();
    own<Ref> released = results[0].release_ref();
    CHECK(results[0].ref() == nullptr && released->same(copied.ref()));

    Val null_args[] = {Val::ref(own<Ref>())};
    CHECK(!id->call(null_args, results));
    CHECK(results[0].ref() == nullptr);
    CHECK(!is_null->call(null_args, results));
    std::printf("is_null(null) = %d\n", results[0].i32());
    CHECK(!is_null->call(args, results));
    std::printf("is_null(foreign) = %d\n", results[0].i32());

    // Tables and globals.
    CHECK(!store_fn->call(args));
    CHECK(!table->get(0));
    auto in_table = table->get(1);
    CHECK(in_table && in_table->same(foreign.get()));
    CHECK(global->get().ref()->same(foreign.get()));
    auto other = Foreign::make(store);
    static char other_name[] = "foreign#2";
    other->set_host_info(other_name, finalize_info);
    CHECK(table->set(0, other.get()));
    CHECK(table->get(0)->same(other.get()) && !table->get(0)->same(foreign.get()));
    global->set(Val::ref(other->copy()));
    std::printf("global holds %s\n",
                static_cast<const char*>(global->get().ref()->get_host_info()));
    auto host_global_type = GlobalType::make(ValType::make(ANYREF), CONST);
    auto host_global = Global::make(store, host_global_type.get(), Val::ref(foreign->copy()));
    CHECK(host_global->get().ref()->same(foreign.get()));

    // Functions are references too.
    auto func_ref = Val::ref(id->copy());
    CHECK(func_ref.ref()->same(id));
    CHECK(!func_ref.ref()->same(foreign.get()));
    std::printf("finalized before the store goes: %d\n", finalized);
  }
  store_.reset();
  std::printf("finalized after: %d\n", finalized);
  return 0;
}
