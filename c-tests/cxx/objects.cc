// Global, Table, Memory, multi-value calls (wasm and host), ValType kinds,
// Limits, Extern::kind.
#include "common.hh"

using namespace wasm;

static auto swap_callback(const Val args[], Val results[]) -> own<Trap> {
  results[0] = Val::i64(args[1].i64());
  results[1] = Val::i32(args[0].i32());
  return nullptr;
}

static auto call_i32(const Func* f, int32_t a) -> int32_t {
  Val args[] = {Val::i32(a)};
  Val results[1];
  CHECK(!f->call(args, results));
  return results[0].i32();
}

int main(int argc, char** argv) {
  CHECK(argc > 1);
  auto engine = Engine::make();
  auto store_ = Store::make(engine.get());
  auto store = store_.get();
  {
    auto binary = read_wasm(argv[1], "objects");
    auto module = Module::make(store, binary);
    CHECK(module);

    auto counter_type = GlobalType::make(ValType::make(I32), VAR);
    auto counter = Global::make(store, counter_type.get(), Val::i32(10));
    auto swap_type = FuncType::make(
        ownvec<ValType>::make(ValType::make(I32), ValType::make(I64)),
        ownvec<ValType>::make(ValType::make(I64), ValType::make(I32)));
    auto swap = Func::make(store, swap_type.get(), swap_callback);
    const Extern* imports[] = {counter.get(), swap.get()};
    auto instance = Instance::make(store, module.get(), imports);
    CHECK(instance);
    auto exports = instance->exports();
    CHECK(exports.size() == 8);
    for (size_t i = 0; i < exports.size(); ++i) std::printf("%d ", static_cast<int>(exports[i]->kind()));
    std::printf("\n");
    auto pi = exports[0]->global();
    auto table = exports[1]->table();
    auto memory = exports[2]->memory();
    auto bump = exports[3]->func();
    auto call_at = exports[4]->func();
    auto load = exports[5]->func();
    auto multi = exports[6]->func();
    auto roundtrip = exports[7]->func();
    CHECK(pi && table && memory && bump && call_at && load && multi && roundtrip);
    CHECK(exports[0]->func() == nullptr && exports[3]->global() == nullptr);

    // Globals.
    Val result[1];
    CHECK(!bump->call(nullptr, result));
    std::printf("bump() = %d, counter = %d\n", result[0].i32(), counter->get().i32());
    counter->set(Val::i32(100));
    CHECK(!bump->call(nullptr, result));
    std::printf("bump() = %d\n", result[0].i32());
    auto pi_type = pi->type();
    std::printf("pi: kind %d, mutability %d, value %g\n", static_cast<int>(pi_type->content()->kind()),
                static_cast<int>(pi_type->mutability()), pi->get().f64());
    pi->set(Val::f64(2.25));
    std::printf("pi = %g\n", pi->get().f64());

    // Tables.
    auto table_type = table->type();
    std::printf("table: size %u, limits %u..%u, element %d\n", table->size(),
                table_type->limits().min, table_type->limits().max,
                static_cast<int>(table_type->element()->kind()));
    CHECK(!table->get(0));
    auto triple = table->get(1);
    CHECK(triple);
    Val args[] = {Val::i32(1), Val::i32(14)};
    CHECK(!call_at->call(args, result));
    std::printf("call_at(1, 14) = %d\n", result[0].i32());
    CHECK(table->grow(3, triple.get()));
    CHECK(table->set(0, triple.get()));
    std::printf("table: size %u, [4] %s\n", table->size(), table->get(4) ? "set" : "null");
    Val args0[] = {Val::i32(0), Val::i32(5)};
    CHECK(!call_at->call(args0, result));
    std::printf("call_at(0, 5) = %d\n", result[0].i32());
    CHECK(!table->grow(100));
    CHECK(!table->set(99, nullptr));
    auto host_table_type = TableType::make(ValType::make(FUNCREF), Limits(1));
    auto host_table = Table::make(store, host_table_type.get());
    CHECK(host_table && host_table->size() == 1 && !host_table->get(0));
    std::printf("host table max %u\n", host_table->type()->limits().max);

    // Memories.
    auto memory_type = memory->type();
    std::printf("memory: %u page(s), %zu bytes, limits %u..%u\n", memory->size(),
                memory->data_size(), memory_type->limits().min, memory_type->limits().max);
    std::printf("bytes: %d %d %d %d\n", memory->data()[0], memory->data()[1], memory->data()[2],
                memory->data()[3]);
    CHECK(memory->grow(1));
    memory->data()[70000] = 42;
    std::printf("load(70000) = %d, %u pages\n", call_i32(load, 70000), memory->size());
    CHECK(!memory->grow(5));
    auto host_memory_type = MemoryType::make(Limits(2, 4));
    auto host_memory = Memory::make(store, host_memory_type.get());
    CHECK(host_memory && host_memory->size() == 2 &&
          host_memory->data_size() == 2 * Memory::page_size);

    // Multi-value.
    Val margs[] = {Val::i32(1), Val::i64(2), Val::f32(3.5f), Val::f64(4.25)};
    Val mresults[4];
    CHECK(!multi->call(margs, mresults));
    std::printf("multi = %g %g %lld %d\n", mresults[0].f64(), mresults[1].f32(),
                static_cast<long long>(mresults[2].i64()), mresults[3].i32());
    Val rargs[] = {Val::i32(7), Val::i64(-8)};
    Val rresults[2];
    CHECK(!roundtrip->call(rargs, rresults));
    std::printf("roundtrip = %lld %d\n", static_cast<long long>(rresults[0].i64()),
                rresults[1].i32());
    auto multi_type = multi->type();
    std::printf("multi type: %zu params, %zu results, result 0 kind %d\n",
                multi_type->params().size(), multi_type->results().size(),
                static_cast<int>(multi_type->results()[0]->kind()));

    // A wrong argument kind is a trap, not a crash.
    Val bad[] = {Val::i64(1), Val::i32(1)};
    auto trap = call_at->call(bad, result);
    CHECK(trap);
    std::printf("bad call: %s\n", trap->message().get());
  }
  return 0;
}
