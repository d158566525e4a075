// Type objects: construction, accessors, copies, vectors, extern type views,
// import and export types. Every object made here is deleted (memcheck).

#include "common.h"

static void valtypes(void) {
  wasm_valkind_t kinds[] = {WASM_I32, WASM_I64, WASM_F32, WASM_F64, WASM_EXTERNREF, WASM_FUNCREF};
  for (size_t i = 0; i < sizeof kinds; i++) {
    wasm_valtype_t* t = wasm_valtype_new(kinds[i]);
    CHECK(t != NULL);
    CHECK_EQ_INT(wasm_valtype_kind(t), kinds[i]);
    CHECK(wasm_valtype_is_ref(t) == (kinds[i] >= WASM_EXTERNREF));
    wasm_valtype_t* c = wasm_valtype_copy(t);
    CHECK(c != t && wasm_valtype_kind(c) == kinds[i]);
    wasm_valtype_delete(t);
    wasm_valtype_delete(c);
  }
  CHECK(wasm_valtype_new(77) == NULL);
  wasm_valtype_delete(NULL);
  printf("valtypes ok\n");
}

static void functypes(void) {
  wasm_functype_t* f = wasm_functype_new_3_2(wasm_valtype_new_i32(), wasm_valtype_new_f64(),
                                             wasm_valtype_new_externref(), wasm_valtype_new_i64(),
                                             wasm_valtype_new_funcref());
  const wasm_valtype_vec_t* params = wasm_functype_params(f);
  const wasm_valtype_vec_t* results = wasm_functype_results(f);
  CHECK_EQ_INT(params->size, 3);
  CHECK_EQ_INT(results->size, 2);
  CHECK_EQ_INT(wasm_valtype_kind(params->data[0]), WASM_I32);
  CHECK_EQ_INT(wasm_valtype_kind(params->data[1]), WASM_F64);
  CHECK_EQ_INT(wasm_valtype_kind(params->data[2]), WASM_EXTERNREF);
  CHECK_EQ_INT(wasm_valtype_kind(results->data[0]), WASM_I64);
  CHECK_EQ_INT(wasm_valtype_kind(results->data[1]), WASM_FUNCREF);

  wasm_functype_t* copy = wasm_functype_copy(f);
  CHECK_EQ_INT(wasm_functype_params(copy)->size, 3);
  CHECK(wasm_functype_params(copy)->data[0] != params->data[0]);
  wasm_functype_delete(f);
  CHECK_EQ_INT(wasm_valtype_kind(wasm_functype_results(copy)->data[1]), WASM_FUNCREF);

  // A function type is an extern type and back.
  wasm_externtype_t* ext = wasm_functype_as_externtype(copy);
  CHECK_EQ_INT(wasm_externtype_kind(ext), WASM_EXTERN_FUNC);
  CHECK(wasm_externtype_as_functype(ext) == copy);
  CHECK(wasm_externtype_as_globaltype(ext) == NULL);
  CHECK(wasm_externtype_as_functype_const(wasm_functype_as_externtype_const(copy)) == copy);
  wasm_externtype_t* ext_copy = wasm_externtype_copy(ext);
  CHECK_EQ_INT(wasm_functype_results(wasm_externtype_as_functype(ext_copy))->size, 2);
  wasm_externtype_delete(ext_copy);
  wasm_externtype_delete(ext);  // deletes `copy` through its extern view

  wasm_functype_t* empty = wasm_functype_new_0_0();
  CHECK_EQ_INT(wasm_functype_params(empty)->size, 0);
  CHECK_EQ_INT(wasm_functype_results(empty)->size, 0);
  wasm_functype_delete(empty);

  // From explicit vectors.
  wasm_valtype_t* ps[2] = {wasm_valtype_new_i32(), wasm_valtype_new_i32()};
  wasm_valtype_vec_t pv, rv;
  wasm_valtype_vec_new(&pv, 2, ps);
  wasm_valtype_vec_new_empty(&rv);
  wasm_functype_t* g = wasm_functype_new(&pv, &rv);
  CHECK_EQ_INT(wasm_functype_params(g)->size, 2);
  wasm_functype_delete(g);
  printf("functypes ok\n");
}

static void globaltypes(void) {
  wasm_globaltype_t* g = wasm_globaltype_new(wasm_valtype_new_f32(), WASM_VAR);
  CHECK_EQ_INT(wasm_valtype_kind(wasm_globaltype_content(g)), WASM_F32);
  CHECK_EQ_INT(wasm_globaltype_mutability(g), WASM_VAR);
  wasm_globaltype_t* c = wasm_globaltype_copy(g);
  CHECK_EQ_INT(wasm_globaltype_mutability(c), WASM_VAR);
  const wasm_externtype_t* e = wasm_globaltype_as_externtype_const(c);
  CHECK_EQ_INT(wasm_externtype_kind(e), WASM_EXTERN_GLOBAL);
  CHECK(wasm_externtype_as_globaltype_const(e) == c);
  CHECK(wasm_externtype_as_tabletype_const(e) == NULL);
  wasm_globaltype_delete(g);
  wasm_globaltype_delete(c);
  printf("globaltypes ok\n");
}

static void tabletypes_and_memorytypes(void) {
  wasm_limits_t limits = {2, 10};
  wasm_tabletype_t* t = wasm_tabletype_new(wasm_valtype_new_funcref(), &limits);
  CHECK_EQ_INT(wasm_valtype_kind(wasm_tabletype_element(t)), WASM_FUNCREF);
  CHECK_EQ_INT(wasm_tabletype_limits(t)->min, 2);
  CHECK_EQ_INT(wasm_tabletype_limits(t)->max, 10);
  wasm_externtype_t* te = wasm_tabletype_as_externtype(t);
  CHECK_EQ_INT(wasm_externtype_kind(te), WASM_EXTERN_TABLE);
  CHECK(wasm_externtype_as_tabletype(te) == t);
  wasm_tabletype_t* tc = wasm_tabletype_copy(t);
  wasm_tabletype_delete(t);
  CHECK_EQ_INT(wasm_tabletype_limits(tc)->max, 10);
  wasm_tabletype_delete(tc);
  // A table of numbers is not a table type.
  CHECK(wasm_tabletype_new(wasm_valtype_new_i32(), &limits) == NULL);

  wasm_limits_t unbounded = {1, wasm_limits_max_default};
  wasm_memorytype_t* m = wasm_memorytype_new(&unbounded);
  CHECK_EQ_INT(wasm_memorytype_limits(m)->min, 1);
  CHECK_EQ_INT(wasm_memorytype_limits(m)->max, wasm_limits_max_default);
  wasm_externtype_t* me = wasm_memorytype_as_externtype(m);
  CHECK_EQ_INT(wasm_externtype_kind(me), WASM_EXTERN_MEMORY);
  CHECK(wasm_externtype_as_memorytype(me) == m);
  CHECK(wasm_externtype_as_memorytype_const(me) == m);
  wasm_memorytype_t* mc = wasm_memorytype_copy(m);
  wasm_memorytype_delete(m);
  CHECK_EQ_INT(wasm_memorytype_limits(mc)->max, wasm_limits_max_default);
  wasm_memorytype_delete(mc);

  wasm_tagtype_t* tag = wasm_tagtype_new(wasm_functype_new_1_0(wasm_valtype_new_i32()));
  CHECK_EQ_INT(wasm_functype_params(wasm_tagtype_functype(tag))->size, 1);
  wasm_externtype_t* tage = wasm_tagtype_as_externtype(tag);
  CHECK_EQ_INT(wasm_externtype_kind(tage), WASM_EXTERN_TAG);
  CHECK(wasm_externtype_as_tagtype(tage) == tag);
  wasm_tagtype_t* tagc = wasm_tagtype_copy(tag);
  wasm_tagtype_delete(tag);
  CHECK_EQ_INT(wasm_functype_params(wasm_tagtype_functype(tagc))->size, 1);
  wasm_tagtype_delete(tagc);
  printf("tabletypes memorytypes tagtypes ok\n");
}

static void import_export_types(void) {
  wasm_name_t module, name;
  wasm_name_new_from_string(&module, "env");
  wasm_name_new_from_string(&name, "f");
  wasm_importtype_t* it = wasm_importtype_new(
      &module, &name, wasm_functype_as_externtype(wasm_functype_new_0_0()));
  CHECK_EQ_INT(wasm_importtype_module(it)->size, 3);
  CHECK(memcmp(wasm_importtype_module(it)->data, "env", 3) == 0);
  CHECK_EQ_INT(wasm_importtype_name(it)->size, 1);
  CHECK_EQ_INT(wasm_externtype_kind(wasm_importtype_type(it)), WASM_EXTERN_FUNC);

  wasm_name_t ename;
  wasm_name_new_from_string(&ename, "mem");
  wasm_limits_t limits = {1, 2};
  wasm_exporttype_t* et =
      wasm_exporttype_new(&ename, wasm_memorytype_as_externtype(wasm_memorytype_new(&limits)));
  CHECK_EQ_INT(wasm_exporttype_name(et)->size, 3);
  CHECK_EQ_INT(wasm_externtype_kind(wasm_exporttype_type(et)), WASM_EXTERN_MEMORY);

  // Vectors own their elements; copies are deep.
  wasm_importtype_t* its[1] = {it};
  wasm_importtype_vec_t iv, ivc;
  wasm_importtype_vec_new(&iv, 1, its);
  wasm_importtype_vec_copy(&ivc, &iv);
  CHECK(ivc.data[0] != iv.data[0]);
  CHECK(memcmp(wasm_importtype_name(ivc.data[0])->data, "f", 1) == 0);
  wasm_importtype_vec_delete(&iv);
  CHECK(iv.size == 0 && iv.data == NULL);
  wasm_importtype_vec_delete(&ivc);

  wasm_exporttype_t* etc = wasm_exporttype_copy(et);
  wasm_exporttype_delete(et);
  CHECK_EQ_INT(wasm_memorytype_limits(wasm_externtype_as_memorytype_const(
                   wasm_exporttype_type(etc)))->max, 2);
  wasm_exporttype_vec_t ev;
  wasm_exporttype_vec_new_uninitialized(&ev, 2);
  ev.data[0] = etc;  // the second slot stays null: deleting must cope
  wasm_exporttype_vec_delete(&ev);
  printf("import export types ok\n");
}

static void vectors(void) {
  wasm_byte_vec_t b, bc;
  wasm_byte_vec_new(&b, 5, "hello");
  wasm_byte_vec_copy(&bc, &b);
  CHECK(bc.size == 5 && bc.data != b.data && memcmp(bc.data, "hello", 5) == 0);
  wasm_byte_vec_delete(&b);
  wasm_byte_vec_delete(&bc);

  wasm_name_t nt;
  wasm_name_new_from_string_nt(&nt, "abc");
  CHECK_EQ_INT(nt.size, 4);
  CHECK_EQ_INT(nt.data[3], 0);
  wasm_name_delete(&nt);

  wasm_byte_vec_t e;
  wasm_byte_vec_new_empty(&e);
  CHECK(e.size == 0);
  wasm_byte_vec_delete(&e);

  wasm_val_vec_t vals;
  wasm_val_vec_new_uninitialized(&vals, 3);
  CHECK_EQ_INT(vals.size, 3);
  vals.data[0].kind = WASM_I32;
  vals.data[0].of.i32 = 5;
  wasm_val_vec_t valsc;
  wasm_val_vec_copy(&valsc, &vals);
  CHECK_EQ_INT(valsc.data[0].of.i32, 5);
  wasm_val_vec_delete(&vals);
  wasm_val_vec_delete(&valsc);

  wasm_valtype_vec_t vts;
  wasm_valtype_vec_new_uninitialized(&vts, 2);
  vts.data[0] = wasm_valtype_new_i64();
  vts.data[1] = wasm_valtype_new_f32();
  wasm_valtype_vec_t vtsc;
  wasm_valtype_vec_copy(&vtsc, &vts);
  CHECK_EQ_INT(wasm_valtype_kind(vtsc.data[1]), WASM_F32);
  wasm_valtype_vec_delete(&vts);
  wasm_valtype_vec_delete(&vtsc);

  wasm_externtype_vec_t xs;
  wasm_externtype_vec_new_empty(&xs);
  wasm_externtype_vec_delete(&xs);
  wasm_functype_vec_t fs;
  wasm_functype_t* f1 = wasm_functype_new_0_0();
  wasm_functype_vec_new(&fs, 1, &f1);
  wasm_functype_vec_delete(&fs);
  wasm_globaltype_vec_t gs;
  wasm_globaltype_vec_new_uninitialized(&gs, 1);
  gs.data[0] = wasm_globaltype_new(wasm_valtype_new_i32(), WASM_CONST);
  wasm_globaltype_vec_delete(&gs);
  wasm_tabletype_vec_t ts;
  wasm_tabletype_vec_new_empty(&ts);
  wasm_tabletype_vec_delete(&ts);
  wasm_memorytype_vec_t ms;
  wasm_memorytype_vec_new_empty(&ms);
  wasm_memorytype_vec_delete(&ms);
  wasm_tagtype_vec_t tgs;
  wasm_tagtype_vec_new_empty(&tgs);
  wasm_tagtype_vec_delete(&tgs);
  wasm_frame_vec_t frs;
  wasm_frame_vec_new_empty(&frs);
  wasm_frame_vec_delete(&frs);
  wasm_extern_vec_t exs;
  wasm_extern_vec_new_uninitialized(&exs, 4);
  wasm_extern_vec_delete(&exs);
  printf("vectors ok\n");
}

int main(int argc, char** argv) {
  init_test(argc, argv);
  valtypes();
  functypes();
  globaltypes();
  tabletypes_and_memorytypes();
  import_export_types();
  vectors();
  return 0;
}
