// References: foreign objects, traps made by the host, identity (`same`),
// host info with finalizers, and the `as_ref`/`ref_as` conversions of every
// reference type.

#include "common.h"

static int finalized[8];

static void finalize(void* data) { finalized[(int)(intptr_t)data]++; }

static wasm_trap_t* nop(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)args;
  (void)results;
  return NULL;
}

static void foreign_objects(wasm_store_t* store) {
  wasm_foreign_t* a = wasm_foreign_new(store);
  wasm_foreign_t* b = wasm_foreign_new(store);
  CHECK(a && b);
  CHECK(wasm_foreign_same(a, a));
  CHECK(!wasm_foreign_same(a, b));
  wasm_foreign_t* a2 = wasm_foreign_copy(a);
  CHECK(a2 != a && wasm_foreign_same(a, a2));

  // Host info belongs to the object: copies see it.
  CHECK(wasm_foreign_get_host_info(a) == NULL);
  wasm_foreign_set_host_info_with_finalizer(a, (void*)(intptr_t)1, finalize);
  CHECK(wasm_foreign_get_host_info(a2) == (void*)(intptr_t)1);
  // Replacing it finalizes the old info.
  wasm_foreign_set_host_info_with_finalizer(a2, (void*)(intptr_t)2, finalize);
  CHECK_EQ_INT(finalized[1], 1);
  wasm_foreign_set_host_info(b, (void*)(intptr_t)3);
  CHECK(wasm_foreign_get_host_info(b) == (void*)(intptr_t)3);

  // As references.
  wasm_ref_t* r = wasm_foreign_as_ref(a);
  CHECK(wasm_ref_as_foreign(r) == a);
  CHECK(wasm_ref_as_foreign_const(wasm_foreign_as_ref_const(a)) == a);
  CHECK(wasm_ref_as_trap(r) == NULL && wasm_ref_as_func(r) == NULL);
  CHECK(wasm_ref_as_module(r) == NULL && wasm_ref_as_instance(r) == NULL);
  CHECK(wasm_ref_as_extern(r) == NULL && wasm_ref_as_global(r) == NULL);
  CHECK(wasm_ref_as_table(r) == NULL && wasm_ref_as_memory(r) == NULL);
  CHECK(wasm_ref_get_host_info(r) == (void*)(intptr_t)2);
  wasm_ref_t* rc = wasm_ref_copy(r);
  CHECK(wasm_ref_same(r, rc));
  CHECK(!wasm_ref_same(r, wasm_foreign_as_ref(b)));
  wasm_foreign_t* fc = wasm_ref_as_foreign(rc);
  CHECK(fc != NULL && wasm_foreign_same(fc, a));
  wasm_ref_set_host_info(rc, (void*)(intptr_t)5);
  CHECK(wasm_foreign_get_host_info(a) == (void*)(intptr_t)5);
  CHECK_EQ_INT(finalized[2], 1);
  wasm_ref_set_host_info_with_finalizer(rc, (void*)(intptr_t)4, finalize);
  wasm_ref_delete(rc);

  // Value vectors own the references in them: copies are new handles to
  // the same objects, and deleting a vector deletes its handles.
  wasm_val_t vals[2] = {WASM_REF_VAL(wasm_ref_copy(wasm_foreign_as_ref(a))), WASM_I32_VAL(3)};
  wasm_val_vec_t vv, vvc;
  wasm_val_vec_new(&vv, 2, vals);
  wasm_val_vec_copy(&vvc, &vv);
  CHECK(vvc.data[0].of.ref != vv.data[0].of.ref);
  CHECK(wasm_ref_same(vvc.data[0].of.ref, wasm_foreign_as_ref(a)));
  CHECK_EQ_INT(vvc.data[1].of.i32, 3);
  wasm_val_vec_delete(&vv);
  wasm_val_t single;
  wasm_val_copy(&single, &vvc.data[0]);
  wasm_val_vec_delete(&vvc);
  CHECK(wasm_ref_get_host_info(single.of.ref) == (void*)(intptr_t)4);
  wasm_val_delete(&single);
  CHECK_EQ_INT(finalized[4], 0);

  // The object (and its host info) goes when the last handle goes.
  wasm_foreign_delete(a);
  CHECK_EQ_INT(finalized[4], 0);
  wasm_foreign_delete(a2);
  CHECK_EQ_INT(finalized[4], 1);
  wasm_foreign_delete(b);
  wasm_foreign_delete(NULL);
  wasm_ref_delete(NULL);
  printf("foreign ok\n");
}

static void host_traps(wasm_store_t* store) {
  wasm_message_t msg;
  wasm_name_new_from_string_nt(&msg, "boom");
  wasm_trap_t* t = wasm_trap_new(store, &msg);
  wasm_name_delete(&msg);
  CHECK(t != NULL);
  wasm_message_t out;
  wasm_trap_message(t, &out);
  CHECK_EQ_INT(out.size, 5);  // NUL-terminated
  CHECK(memcmp(out.data, "boom", 5) == 0);
  wasm_byte_vec_delete(&out);
  CHECK(wasm_trap_origin(t) == NULL);
  wasm_frame_vec_t trace;
  wasm_trap_trace(t, &trace);
  CHECK_EQ_INT(trace.size, 0);
  wasm_frame_vec_delete(&trace);

  wasm_trap_t* c = wasm_trap_copy(t);
  CHECK(wasm_trap_same(t, c));
  wasm_trap_set_host_info_with_finalizer(t, (void*)(intptr_t)6, finalize);
  CHECK(wasm_trap_get_host_info(c) == (void*)(intptr_t)6);
  wasm_ref_t* r = wasm_trap_as_ref(c);
  CHECK(wasm_ref_as_trap(r) == c);
  CHECK(wasm_ref_as_trap_const(wasm_trap_as_ref_const(c)) == c);
  CHECK(wasm_ref_as_foreign(r) == NULL);
  wasm_trap_delete(t);
  CHECK_EQ_INT(finalized[6], 0);
  wasm_trap_delete(c);
  CHECK_EQ_INT(finalized[6], 1);

  // Without the NUL, the message is the same.
  wasm_name_new_from_string(&msg, "plain");
  t = wasm_trap_new(store, &msg);
  wasm_name_delete(&msg);
  printf("trap message: %s\n", trap_message(t));
  wasm_trap_delete(t);
  printf("traps ok\n");
}

static void store_objects(wasm_store_t* store) {
  wasm_functype_t* ft = wasm_functype_new_0_0();
  wasm_func_t* f = wasm_func_new(store, ft, nop);
  wasm_functype_delete(ft);
  CHECK(f != NULL);
  wasm_func_t* f2 = wasm_func_copy(f);
  CHECK(wasm_func_same(f, f2));
  wasm_func_set_host_info_with_finalizer(f, (void*)(intptr_t)7, finalize);
  CHECK(wasm_func_get_host_info(f2) == (void*)(intptr_t)7);
  wasm_ref_t* r = wasm_func_as_ref(f);
  CHECK(wasm_ref_as_func(r) == f);
  CHECK(wasm_ref_as_func_const(wasm_func_as_ref_const(f)) == f);
  CHECK(wasm_ref_as_extern(r) == wasm_func_as_extern(f));
  CHECK(wasm_ref_as_global(r) == NULL);
  wasm_ref_t* rc = wasm_ref_copy(r);
  CHECK(wasm_ref_same(rc, r));
  CHECK(wasm_ref_get_host_info(rc) == (void*)(intptr_t)7);
  wasm_ref_delete(rc);

  wasm_extern_t* e = wasm_func_as_extern(f2);
  CHECK(wasm_extern_as_func(e) == f2);
  CHECK(wasm_extern_get_host_info(e) == (void*)(intptr_t)7);
  CHECK(wasm_ref_as_extern_const(wasm_extern_as_ref_const(e)) == e);
  wasm_extern_t* ec = wasm_extern_copy(e);
  CHECK(wasm_extern_same(ec, e));
  wasm_extern_delete(ec);

  wasm_val_t one = WASM_I32_VAL(1);
  wasm_globaltype_t* gt = wasm_globaltype_new(wasm_valtype_new_i32(), WASM_CONST);
  wasm_global_t* g = wasm_global_new(store, gt, &one);
  wasm_globaltype_delete(gt);
  wasm_ref_t* gr = wasm_global_as_ref(g);
  CHECK(wasm_ref_as_global(gr) == g && wasm_ref_as_func(gr) == NULL);
  CHECK(wasm_ref_as_global_const(wasm_global_as_ref_const(g)) == g);
  CHECK(!wasm_ref_same(gr, r));
  wasm_global_set_host_info(g, (void*)(intptr_t)9);
  wasm_global_t* g2 = wasm_global_copy(g);
  CHECK(wasm_global_same(g, g2));
  CHECK(wasm_global_get_host_info(g2) == (void*)(intptr_t)9);
  wasm_global_set_host_info_with_finalizer(g2, NULL, NULL);
  wasm_global_delete(g2);

  wasm_limits_t limits = {1, 2};
  wasm_memorytype_t* mt = wasm_memorytype_new(&limits);
  wasm_memory_t* m = wasm_memory_new(store, mt);
  wasm_memorytype_delete(mt);
  CHECK(m != NULL);
  wasm_ref_t* mr = wasm_memory_as_ref(m);
  CHECK(wasm_ref_as_memory(mr) == m && wasm_ref_as_table(mr) == NULL);
  CHECK(wasm_ref_as_memory_const(wasm_memory_as_ref_const(m)) == m);
  wasm_memory_t* m2 = wasm_memory_copy(m);
  CHECK(wasm_memory_same(m, m2));
  wasm_memory_set_host_info_with_finalizer(m, (void*)(intptr_t)3, finalize);
  CHECK(wasm_memory_get_host_info(m2) == (void*)(intptr_t)3);
  wasm_memory_set_host_info(m2, NULL);
  CHECK_EQ_INT(finalized[3], 1);
  wasm_memory_delete(m2);

  wasm_tabletype_t* tt = wasm_tabletype_new(wasm_valtype_new_externref(), &limits);
  wasm_table_t* t = wasm_table_new(store, tt, NULL);
  wasm_tabletype_delete(tt);
  CHECK(t != NULL);
  wasm_ref_t* tr = wasm_table_as_ref(t);
  CHECK(wasm_ref_as_table(tr) == t && wasm_ref_as_memory(tr) == NULL);
  CHECK(wasm_ref_as_table_const(wasm_table_as_ref_const(t)) == t);
  wasm_table_t* t2 = wasm_table_copy(t);
  CHECK(wasm_table_same(t, t2));
  wasm_table_set_host_info(t, (void*)(intptr_t)11);
  CHECK(wasm_table_get_host_info(t2) == (void*)(intptr_t)11);
  wasm_table_set_host_info_with_finalizer(t2, NULL, NULL);
  wasm_table_delete(t2);

  // Deleting handles does not run the store-owned objects' finalizers.
  wasm_func_delete(f);
  wasm_func_delete(f2);
  wasm_global_delete(g);
  wasm_memory_delete(m);
  wasm_table_delete(t);
  CHECK_EQ_INT(finalized[7], 0);
  printf("store objects ok\n");
}

int main(int argc, char** argv) {
  init_test(argc, argv);
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  CHECK(engine && store);
  foreign_objects(store);
  host_traps(store);
  store_objects(store);
  wasm_store_delete(store);
  // The store's objects' host info is finalized with the store.
  CHECK_EQ_INT(finalized[7], 1);
  wasm_engine_delete(engine);

  wasm_config_t* config = wasm_config_new();
  engine = wasm_engine_new_with_config(config);
  CHECK(engine != NULL);
  wasm_engine_delete(engine);
  wasm_config_delete(NULL);
  wasm_engine_delete(NULL);
  wasm_store_delete(NULL);
  printf("refs ok\n");
  return 0;
}
