// Reflection (Module::imports/exports, ImportType, ExportType, ExternType
// and its subclasses, Extern::type), type constructors and copies,
// serialization (Module::serialize/deserialize), Module::validate.
#include "common.hh"

using namespace wasm;

static void print_valtype(const ValType* t) {
  switch (t->kind()) {
    case I32: std::printf("i32"); break;
    case I64: std::printf("i64"); break;
    case F32: std::printf("f32"); break;
    case F64: std::printf("f64"); break;
    case ANYREF: std::printf("externref"); break;
    case FUNCREF: std::printf("funcref"); break;
    default: std::printf("?"); break;
  }
}

static void print_valtypes(const ownvec<ValType>& ts) {
  std::printf("[");
  for (size_t i = 0; i < ts.size(); ++i) {
    if (i) std::printf(" ");
    print_valtype(ts[i].get());
  }
  std::printf("]");
}

static void print_limits(const Limits& l) {
  if (l.max == std::numeric_limits<uint32_t>::max()) std::printf("%u..", l.min);
  else std::printf("%u..%u", l.min, l.max);
}

static void print_externtype(const ExternType* t) {
  switch (t->kind()) {
    case EXTERN_FUNC:
      std::printf("func ");
      print_valtypes(t->func()->params());
      std::printf(" -> ");
      print_valtypes(t->func()->results());
      break;
    case EXTERN_GLOBAL:
      std::printf("global %s ", t->global()->mutability() == VAR ? "var" : "const");
      print_valtype(t->global()->content());
      break;
    case EXTERN_TABLE:
      std::printf("table ");
      print_limits(t->table()->limits());
      std::printf(" ");
      print_valtype(t->table()->element());
      break;
    case EXTERN_MEMORY:
      std::printf("memory ");
      print_limits(t->memory()->limits());
      break;
  }
  CHECK(t->func() == nullptr || t->kind() == EXTERN_FUNC);
  CHECK(t->memory() == nullptr || t->kind() == EXTERN_MEMORY);
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
    auto imports = module->imports();
    for (size_t i = 0; i < imports.size(); ++i) {
      std::printf("import ");
      print_name(imports[i]->module());
      std::printf(".");
      print_name(imports[i]->name());
      std::printf(": ");
      print_externtype(imports[i]->type());
      std::printf("\n");
    }
    auto exports = module->exports();
    for (size_t i = 0; i < exports.size(); ++i) {
      std::printf("export ");
      print_name(exports[i]->name());
      std::printf(": ");
      print_externtype(exports[i]->type());
      std::printf("\n");
    }

    // Types made by hand, and their copies.
    auto it = ImportType::make(Name::make(std::string("m")), Name::make(std::string("mem")),
                               MemoryType::make(Limits(1, 2)));
    auto it2 = it->copy();
    std::printf("made import ");
    print_name(it2->module());
    std::printf(".");
    print_name(it2->name());
    std::printf(": ");
    print_externtype(it2->type());
    std::printf("\n");
    auto et = ExportType::make(Name::make(std::string("t")),
                               TableType::make(ValType::make(ANYREF), Limits(0)));
    std::printf("made export ");
    print_name(et->copy()->name());
    std::printf(": ");
    print_externtype(et->type());
    std::printf("\n");
    own<ExternType> ft = FuncType::make(ownvec<ValType>::make(ValType::make(F32)),
                                        ownvec<ValType>::make(ValType::make(FUNCREF)))
                             ->copy();
    auto gt = GlobalType::make(ValType::make(I64), CONST);
    std::printf("made ");
    print_externtype(ft->copy().get());
    std::printf(", ");
    print_externtype(gt->copy().get());
    std::printf("\n");
    CHECK(ValType::make(FUNCREF)->is_ref() && ValType::make(F64)->copy()->is_num());

    // The types of instantiated externals.
    auto counter = Global::make(store, GlobalType::make(ValType::make(I32), VAR).get(),
                                Val::i32(0));
    auto swap_type = FuncType::make(
        ownvec<ValType>::make(ValType::make(I32), ValType::make(I64)),
        ownvec<ValType>::make(ValType::make(I64), ValType::make(I32)));
    auto swap = Func::make(store, swap_type.get(),
                           [](const Val[], Val[]) -> own<Trap> { return nullptr; });
    const Extern* imps[] = {counter.get(), swap.get()};
    auto instance = Instance::make(store, module.get(), imps);
    CHECK(instance);
    auto exts = instance->exports();
    for (size_t i = 0; i < exts.size(); ++i) {
      std::printf("extern %zu: ", i);
      print_externtype(exts[i]->type().get());
      std::printf("\n");
    }

    // Serialization.
    auto serialized = module->serialize();
    CHECK(serialized.size() > 0);
    auto deserialized = Module::deserialize(store, serialized);
    CHECK(deserialized);
    std::printf("deserialized: %zu imports, %zu exports\n", deserialized->imports().size(),
                deserialized->exports().size());
    auto instance2 = Instance::make(store, deserialized.get(), imps);
    CHECK(instance2);
    Val args[] = {Val::i32(1), Val::i64(2), Val::f32(3), Val::f64(4)};
    Val results[4];
    CHECK(!instance2->exports()[6]->func()->call(args, results));
    std::printf("multi from the deserialized module: %d\n", results[3].i32());
    auto garbage = vec<byte_t>::make(std::string("not a module"));
    CHECK(!Module::deserialize(store, garbage));
    CHECK(!Module::validate(store, garbage));
    CHECK(!Module::make(store, garbage));
    std::printf("garbage rejected\n");
    auto module_copy = module->copy();
    CHECK(module_copy && module_copy->same(module.get()));
  }
  return 0;
}
