// The layout of the public structs and the values of the enums, checked
// against the numbers the standard wasm.h fixes (x86-64, LP64).

#include <stddef.h>

#include "common.h"

_Static_assert(sizeof(wasm_val_t) == 16, "wasm_val_t is 16 bytes");
_Static_assert(offsetof(wasm_val_t, kind) == 0, "kind at 0");
_Static_assert(offsetof(wasm_val_t, of) == 8, "of at 8");
_Static_assert(sizeof(((wasm_val_t*)0)->kind) == 1, "wasm_valkind_t is uint8_t");
_Static_assert(sizeof(((wasm_val_t*)0)->of) == 8, "the union is 8 bytes");
_Static_assert(offsetof(wasm_val_t, of.i32) == 8 && offsetof(wasm_val_t, of.i64) == 8 &&
                   offsetof(wasm_val_t, of.f32) == 8 && offsetof(wasm_val_t, of.f64) == 8 &&
                   offsetof(wasm_val_t, of.ref) == 8,
               "every member of the union at 8");

_Static_assert(sizeof(wasm_byte_vec_t) == 16, "byte vec is 16 bytes");
_Static_assert(offsetof(wasm_byte_vec_t, size) == 0, "size at 0");
_Static_assert(offsetof(wasm_byte_vec_t, data) == 8, "data at 8");
_Static_assert(sizeof(wasm_byte_t) == 1, "wasm_byte_t is a char");
_Static_assert(sizeof(wasm_name_t) == 16, "wasm_name_t is a byte vec");
_Static_assert(sizeof(wasm_message_t) == 16, "wasm_message_t is a byte vec");

#define CHECK_VEC(name)                                                    \
  _Static_assert(sizeof(wasm_##name##_vec_t) == 16, #name " vec size");    \
  _Static_assert(offsetof(wasm_##name##_vec_t, size) == 0, #name " size"); \
  _Static_assert(offsetof(wasm_##name##_vec_t, data) == 8, #name " data");

CHECK_VEC(byte)
CHECK_VEC(val)
CHECK_VEC(valtype)
CHECK_VEC(functype)
CHECK_VEC(globaltype)
CHECK_VEC(tabletype)
CHECK_VEC(memorytype)
CHECK_VEC(tagtype)
CHECK_VEC(externtype)
CHECK_VEC(importtype)
CHECK_VEC(exporttype)
CHECK_VEC(frame)
CHECK_VEC(extern)

_Static_assert(sizeof(wasm_limits_t) == 8, "limits are two uint32_t");
_Static_assert(offsetof(wasm_limits_t, min) == 0, "min at 0");
_Static_assert(offsetof(wasm_limits_t, max) == 4, "max at 4");

_Static_assert(sizeof(wasm_valkind_t) == 1, "wasm_valkind_t");
_Static_assert(sizeof(wasm_mutability_t) == 1, "wasm_mutability_t");
_Static_assert(sizeof(wasm_externkind_t) == 1, "wasm_externkind_t");
_Static_assert(sizeof(wasm_table_size_t) == 4, "wasm_table_size_t");
_Static_assert(sizeof(wasm_memory_pages_t) == 4, "wasm_memory_pages_t");
_Static_assert(sizeof(float32_t) == 4 && sizeof(float64_t) == 8, "float types");

_Static_assert(WASM_I32 == 0 && WASM_I64 == 1 && WASM_F32 == 2 && WASM_F64 == 3,
               "numeric kinds");
_Static_assert(WASM_EXTERNREF == 128 && WASM_FUNCREF == 129, "reference kinds");
_Static_assert(WASM_CONST == 0 && WASM_VAR == 1, "mutability");
_Static_assert(WASM_EXTERN_FUNC == 0 && WASM_EXTERN_GLOBAL == 1 && WASM_EXTERN_TABLE == 2 &&
                   WASM_EXTERN_MEMORY == 3 && WASM_EXTERN_TAG == 4,
               "extern kinds");

// The callback types are ABI too: assigning a function of the standard's
// signature must compile without a cast.
static wasm_trap_t* cb(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)args;
  (void)results;
  return NULL;
}
static wasm_trap_t* cb_env(void* env, const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)env;
  (void)args;
  (void)results;
  return NULL;
}

int main(int argc, char** argv) {
  init_test(argc, argv);
  wasm_func_callback_t f = cb;
  wasm_func_callback_with_env_t g = cb_env;
  CHECK(f != NULL && g != NULL);

  CHECK_EQ_INT(wasm_limits_max_default, 0xffffffffu);
  CHECK_EQ_INT(MEMORY_PAGE_SIZE, 65536);

  wasm_val_t v = WASM_I32_VAL(-7);
  CHECK_EQ_INT(v.kind, WASM_I32);
  CHECK_EQ_INT(v.of.i32, -7);
  wasm_val_t w = WASM_INIT_VAL;
  CHECK_EQ_INT(w.kind, WASM_EXTERNREF);
  CHECK(w.of.ref == NULL);
  wasm_val_t p;
  wasm_val_init_ptr(&p, &v);
  CHECK(wasm_val_ptr(&p) == &v);
  CHECK(wasm_valkind_is_num(WASM_F64) && !wasm_valkind_is_ref(WASM_F64));
  CHECK(wasm_valkind_is_ref(WASM_FUNCREF) && !wasm_valkind_is_num(WASM_EXTERNREF));

  wasm_byte_vec_t empty = WASM_EMPTY_VEC;
  CHECK(empty.size == 0 && empty.data == NULL);
  wasm_val_t arr[3] = {WASM_I32_VAL(1), WASM_I64_VAL(2), WASM_F64_VAL(3.0)};
  wasm_val_vec_t arr_vec = WASM_ARRAY_VEC(arr);
  CHECK_EQ_INT(arr_vec.size, 3);
  CHECK(arr_vec.data == arr);

  printf("abi ok\n");
  return 0;
}
