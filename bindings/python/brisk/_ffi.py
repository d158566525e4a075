"""ctypes declarations of the wasm.h and wasi.h functions the package uses."""
# flake8: noqa
import ctypes as C

from ._native import lib as _lib

EXTERN_FUNC, EXTERN_GLOBAL, EXTERN_TABLE, EXTERN_MEMORY = 0, 1, 2, 3


class _ByteVec(C.Structure):
    _fields_ = [("size", C.c_size_t), ("data", C.POINTER(C.c_char))]


class _ValUnion(C.Union):
    _fields_ = [("i32", C.c_int32), ("i64", C.c_int64), ("f32", C.c_float),
                ("f64", C.c_double), ("ref", C.c_void_p)]


class _Val(C.Structure):
    _fields_ = [("kind", C.c_uint8), ("of", _ValUnion)]


class _ValVec(C.Structure):
    _fields_ = [("size", C.c_size_t), ("data", C.POINTER(_Val))]


class _PtrVec(C.Structure):
    _fields_ = [("size", C.c_size_t), ("data", C.POINTER(C.c_void_p))]


_CALLBACK = C.CFUNCTYPE(C.c_void_p, C.c_void_p, C.POINTER(_ValVec), C.POINTER(_ValVec))
_FINALIZER = C.CFUNCTYPE(None, C.c_void_p)


def _fn(name, restype, *argtypes):
    f = getattr(_lib, name)
    f.restype = restype
    f.argtypes = list(argtypes)
    return f


_p = C.c_void_p
_engine_new = _fn("wasm_engine_new", _p)
_engine_delete = _fn("wasm_engine_delete", None, _p)
_store_new = _fn("wasm_store_new", _p, _p)
_store_delete = _fn("wasm_store_delete", None, _p)
_byte_vec_new = _fn("wasm_byte_vec_new", None, C.POINTER(_ByteVec), C.c_size_t, C.c_char_p)
_byte_vec_delete = _fn("wasm_byte_vec_delete", None, C.POINTER(_ByteVec))
_module_new = _fn("wasm_module_new", _p, _p, C.POINTER(_ByteVec))
_module_delete = _fn("wasm_module_delete", None, _p)
_module_validate = _fn("wasm_module_validate", C.c_bool, _p, C.POINTER(_ByteVec))
_module_exports = _fn("wasm_module_exports", None, _p, C.POINTER(_PtrVec))
_exporttype_vec_delete = _fn("wasm_exporttype_vec_delete", None, C.POINTER(_PtrVec))
_exporttype_name = _fn("wasm_exporttype_name", C.POINTER(_ByteVec), _p)
_valtype_new = _fn("wasm_valtype_new", _p, C.c_uint8)
_valtype_kind = _fn("wasm_valtype_kind", C.c_uint8, _p)
_valtype_vec_new = _fn("wasm_valtype_vec_new", None, C.POINTER(_PtrVec), C.c_size_t,
                       C.POINTER(C.c_void_p))
_functype_new = _fn("wasm_functype_new", _p, C.POINTER(_PtrVec), C.POINTER(_PtrVec))
_functype_delete = _fn("wasm_functype_delete", None, _p)
_functype_params = _fn("wasm_functype_params", C.POINTER(_PtrVec), _p)
_functype_results = _fn("wasm_functype_results", C.POINTER(_PtrVec), _p)
_func_new_with_env = _fn("wasm_func_new_with_env", _p, _p, _p, _CALLBACK, _p, _FINALIZER)
_func_type = _fn("wasm_func_type", _p, _p)
_func_call = _fn("wasm_func_call", _p, _p, C.POINTER(_ValVec), C.POINTER(_ValVec))
_func_as_extern = _fn("wasm_func_as_extern", _p, _p)
_func_delete = _fn("wasm_func_delete", None, _p)
_instance_new = _fn("wasm_instance_new", _p, _p, _p, C.POINTER(_PtrVec), C.POINTER(_p))
_instance_delete = _fn("wasm_instance_delete", None, _p)
_instance_exports = _fn("wasm_instance_exports", None, _p, C.POINTER(_PtrVec))
_extern_vec_delete = _fn("wasm_extern_vec_delete", None, C.POINTER(_PtrVec))
_extern_kind = _fn("wasm_extern_kind", C.c_uint8, _p)
_extern_copy = _fn("wasm_extern_copy", _p, _p)
_extern_as_func = _fn("wasm_extern_as_func", _p, _p)
_extern_as_memory = _fn("wasm_extern_as_memory", _p, _p)
_extern_delete = _fn("wasm_extern_delete", None, _p)
_memory_data = _fn("wasm_memory_data", C.c_void_p, _p)
_memory_data_size = _fn("wasm_memory_data_size", C.c_size_t, _p)
_memory_grow = _fn("wasm_memory_grow", C.c_bool, _p, C.c_uint32)
_trap_new = _fn("wasm_trap_new", _p, _p, C.POINTER(_ByteVec))
_trap_message = _fn("wasm_trap_message", None, _p, C.POINTER(_ByteVec))
_trap_delete = _fn("wasm_trap_delete", None, _p)

# wasi.h
_wasi_config_new = _fn("wasi_config_new", _p)
_wasi_config_delete = _fn("wasi_config_delete", None, _p)
_wasi_config_set_argv = _fn("wasi_config_set_argv", C.c_bool, _p, C.c_size_t,
                            C.POINTER(C.c_char_p))
_wasi_config_set_env = _fn("wasi_config_set_env", C.c_bool, _p, C.c_size_t,
                           C.POINTER(C.c_char_p), C.POINTER(C.c_char_p))
_wasi_config_set_stdin_bytes = _fn("wasi_config_set_stdin_bytes", None, _p, C.POINTER(_ByteVec))
_wasi_config_set_file = {
    name: _fn("wasi_config_set_%s_file" % name, C.c_bool, _p, C.c_char_p)
    for name in ("stdin", "stdout", "stderr")}
_wasi_config_inherit = {
    name: _fn("wasi_config_inherit_%s" % name, None, _p)
    for name in ("argv", "env", "stdin", "stdout", "stderr")}
_wasi_config_capture = {
    name: _fn("wasi_config_capture_%s" % name, None, _p) for name in ("stdout", "stderr")}
_wasi_config_preopen_dir = _fn("wasi_config_preopen_dir", C.c_bool, _p, C.c_char_p, C.c_char_p)
_wasi_env_new = _fn("wasi_env_new", _p, _p, _p)
_wasi_env_delete = _fn("wasi_env_delete", None, _p)
_wasi_env_get_imports = _fn("wasi_env_get_imports", C.c_bool, _p, _p, C.POINTER(_PtrVec),
                            C.POINTER(_p))
_wasi_env_set_instance = _fn("wasi_env_set_instance", C.c_bool, _p, _p)
_wasi_env_output = {
    name: _fn("wasi_env_%s" % name, None, _p, C.POINTER(_ByteVec))
    for name in ("stdout", "stderr")}
_wasi_trap_exit_code = _fn("wasi_trap_exit_code", C.c_bool, _p, C.POINTER(C.c_int))



_module_imports = _fn("wasm_module_imports", None, _p, C.POINTER(_PtrVec))
_importtype_vec_delete = _fn("wasm_importtype_vec_delete", None, C.POINTER(_PtrVec))
_importtype_module = _fn("wasm_importtype_module", C.POINTER(_ByteVec), _p)
_importtype_name = _fn("wasm_importtype_name", C.POINTER(_ByteVec), _p)
_importtype_type = _fn("wasm_importtype_type", _p, _p)
_exporttype_type = _fn("wasm_exporttype_type", _p, _p)
_externtype_kind = _fn("wasm_externtype_kind", C.c_uint8, _p)
_externtype_as_functype = _fn("wasm_externtype_as_functype_const", _p, _p)
_externtype_as_globaltype = _fn("wasm_externtype_as_globaltype_const", _p, _p)
_externtype_as_tabletype = _fn("wasm_externtype_as_tabletype_const", _p, _p)
_externtype_as_memorytype = _fn("wasm_externtype_as_memorytype_const", _p, _p)
_module_serialize = _fn("wasm_module_serialize", None, _p, C.POINTER(_ByteVec))
_module_deserialize = _fn("wasm_module_deserialize", _p, _p, C.POINTER(_ByteVec))


class _Limits(C.Structure):
    _fields_ = [("min", C.c_uint32), ("max", C.c_uint32)]


_globaltype_new = _fn("wasm_globaltype_new", _p, _p, C.c_uint8)
_globaltype_content = _fn("wasm_globaltype_content", _p, _p)
_globaltype_mutability = _fn("wasm_globaltype_mutability", C.c_uint8, _p)
_globaltype_delete = _fn("wasm_globaltype_delete", None, _p)
_tabletype_new = _fn("wasm_tabletype_new", _p, _p, C.POINTER(_Limits))
_tabletype_element = _fn("wasm_tabletype_element", _p, _p)
_tabletype_limits = _fn("wasm_tabletype_limits", C.POINTER(_Limits), _p)
_tabletype_delete = _fn("wasm_tabletype_delete", None, _p)
_memorytype_new = _fn("wasm_memorytype_new", _p, C.POINTER(_Limits))
_memorytype_limits = _fn("wasm_memorytype_limits", C.POINTER(_Limits), _p)
_memorytype_delete = _fn("wasm_memorytype_delete", None, _p)
_global_new = _fn("wasm_global_new", _p, _p, _p, C.POINTER(_Val))
_global_type = _fn("wasm_global_type", _p, _p)
_global_get = _fn("wasm_global_get", None, _p, C.POINTER(_Val))
_global_set = _fn("wasm_global_set", None, _p, C.POINTER(_Val))
_global_as_extern = _fn("wasm_global_as_extern", _p, _p)
_table_new = _fn("wasm_table_new", _p, _p, _p, _p)
_table_type = _fn("wasm_table_type", _p, _p)
_table_get = _fn("wasm_table_get", _p, _p, C.c_uint32)
_table_set = _fn("wasm_table_set", C.c_bool, _p, C.c_uint32, _p)
_table_size = _fn("wasm_table_size", C.c_uint32, _p)
_table_grow = _fn("wasm_table_grow", C.c_bool, _p, C.c_uint32, _p)
_table_as_extern = _fn("wasm_table_as_extern", _p, _p)
_memory_new = _fn("wasm_memory_new", _p, _p, _p)
_memory_type = _fn("wasm_memory_type", _p, _p)
_memory_size = _fn("wasm_memory_size", C.c_uint32, _p)
_memory_as_extern = _fn("wasm_memory_as_extern", _p, _p)
_extern_as_global = _fn("wasm_extern_as_global", _p, _p)
_extern_as_table = _fn("wasm_extern_as_table", _p, _p)
_foreign_new = _fn("wasm_foreign_new", _p, _p)
_foreign_delete = _fn("wasm_foreign_delete", None, _p)
_foreign_as_ref = _fn("wasm_foreign_as_ref", _p, _p)
_ref_as_foreign = _fn("wasm_ref_as_foreign", _p, _p)
_ref_as_func = _fn("wasm_ref_as_func", _p, _p)
_func_as_ref = _fn("wasm_func_as_ref", _p, _p)
_ref_copy = _fn("wasm_ref_copy", _p, _p)
_ref_delete = _fn("wasm_ref_delete", None, _p)
_foreign_set_host_info_with_finalizer = _fn("wasm_foreign_set_host_info_with_finalizer",
                                            None, _p, _p, _FINALIZER)
_ref_get_host_info = _fn("wasm_ref_get_host_info", _p, _p)
_trap_trace = _fn("wasm_trap_trace", None, _p, C.POINTER(_PtrVec))
_frame_vec_delete = _fn("wasm_frame_vec_delete", None, C.POINTER(_PtrVec))
_frame_func_index = _fn("wasm_frame_func_index", C.c_uint32, _p)
_frame_func_offset = _fn("wasm_frame_func_offset", C.c_size_t, _p)
_frame_module_offset = _fn("wasm_frame_module_offset", C.c_size_t, _p)
_valtype_delete = _fn("wasm_valtype_delete", None, _p)
