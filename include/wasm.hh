// WebAssembly C++ API (the `wasm::` namespace of WebAssembly/wasm-c-api's
// wasm.hh) over brisk's C API, header-only.
//
// Written by hand (not generated): every method is an inline call to the C
// function of wasm.h. The C++ objects are never constructed: a `Func*` is
// the `wasm_func_t*` itself, reinterpreted. brisk's C objects make that
// sound: every reference object starts with the same header and
// `wasm_X_as_ref` / `wasm_func_as_extern` / `wasm_functype_as_externtype`
// are pointer casts, so C++'s base-class conversions (which are no-ops here:
// the classes are empty and non-virtual) agree with the C conversions, and
// `delete` through any base (`own<Extern>` holding a function, `own<Ref>`
// holding a foreign object) runs that base's `operator delete`, which calls
// the C delete function that dispatches on the object. Vectors, limits and
// values have the C layouts (`vec<T>` is {size, data}, `Val` is
// {kind, union}), so borrowed C parts are viewed in place; vectors that the
// C API hands over are copied into `new[]` arrays, since `vec` frees its
// data with `delete[]`.
//
// Exceptions are never thrown (allocation failure gives an invalid vector,
// as in the standard header).

#ifndef WASM_HH
#define WASM_HH

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <new>
#include <string>
#include <utility>

#include "wasm.h"

///////////////////////////////////////////////////////////////////////////////
// Auxiliaries

static_assert(sizeof(float) == sizeof(int32_t), "incompatible float type");
static_assert(sizeof(double) == sizeof(int64_t), "incompatible double type");
static_assert(sizeof(intptr_t) == sizeof(int32_t) || sizeof(intptr_t) == sizeof(int64_t),
              "incompatible pointer type");

namespace wasm {

// Vectors

template <class T>
class vec {
  static const size_t invalid_size = SIZE_MAX;

  size_t size_;
  std::unique_ptr<T[]> data_;

  vec(size_t size) : vec(size, size ? new (std::nothrow) T[size] : nullptr) {}
  vec(size_t size, T* data) : size_(size), data_(data) {
    if (size_ != 0 && size_ != invalid_size && !data_) size_ = invalid_size;
  }

 public:
  using elem_type = T;

  vec(vec<T>&& that) : vec(that.size_, that.data_.release()) { that.size_ = invalid_size; }

  ~vec() {}

  operator bool() const { return bool(size_ != invalid_size); }

  auto size() const -> size_t { return size_; }

  auto get() const -> const T* { return data_.get(); }

  auto get() -> T* { return data_.get(); }

  auto release() -> T* {
    size_ = invalid_size;
    return data_.release();
  }

  void reset() {
    size_ = invalid_size;
    data_.reset();
  }

  void reset(vec& that) {
    size_ = that.size_;
    data_.reset(that.data_.release());
    that.size_ = invalid_size;
  }

  auto operator=(vec&& that) -> vec& {
    reset(that);
    return *this;
  }

  auto operator[](size_t i) -> T& {
    assert(i < size_);
    return data_[i];
  }

  auto operator[](size_t i) const -> const T& {
    assert(i < size_);
    return data_[i];
  }

  auto copy() const -> vec {
    auto v = vec(size_);
    if (v)
      for (size_t i = 0; i < size_; ++i) v.data_[i] = data_[i];
    return v;
  }

  auto deep_copy() const -> vec {
    auto v = vec(size_);
    if (v)
      for (size_t i = 0; i < size_; ++i) v.data_[i] = data_[i]->copy();
    return v;
  }

  static auto make_uninitialized(size_t size = 0) -> vec { return vec(size); }

  static auto make(size_t size, T init[]) -> vec {
    auto v = vec(size);
    if (v)
      for (size_t i = 0; i < size; ++i) v.data_[i] = std::move(init[i]);
    return v;
  }

  // The string's characters, without a NUL (a name).
  static auto make(std::string s) -> vec<char> {
    auto v = vec(s.length());
    if (v && s.length()) std::memcpy(v.get(), s.data(), s.length());
    return v;
  }

  // The string's characters and a NUL (a message).
  static auto make_nt(std::string s) -> vec<char> {
    auto v = vec(s.length() + 1);
    if (v) std::memcpy(v.get(), s.c_str(), s.length() + 1);
    return v;
  }

  static auto make() -> vec { return vec(0); }

  template <class... Ts>
  static auto make(Ts&&... args) -> vec {
    T data[] = {std::forward<Ts>(args)...};
    return make(sizeof...(Ts), data);
  }

  static auto adopt(size_t size, T data[]) -> vec { return vec(size, data); }

  static auto invalid() -> vec { return vec(invalid_size, nullptr); }
};

// Ownership: `own<T>` deletes with `destroyer`, which calls the object's
// `destroy()`, the C function `wasm_X_delete` of the pointer's static type
// (brisk's deletions dispatch on the object, so deleting a function through
// `own<Extern>` or `own<Ref>` is right).

class destroyer {
 public:
  template <typename T>
  void operator()(T* ptr) {
    ptr->destroy();
  }
};

template <class T>
using own = std::unique_ptr<T, destroyer>;
template <class T>
using ownvec = vec<own<T>>;

template <class T>
auto make_own(T* x) -> own<T> {
  return own<T>(x);
}

namespace detail {
// A C vector's view as the C++ vector of the same layout.
template <class V, class C>
inline auto as_vec(const C* c) -> const V& {
  static_assert(sizeof(V) == sizeof(C), "vector layout");
  return *reinterpret_cast<const V*>(c);
}
// The C view of a C++ vector, borrowed.
template <class C, class V>
inline auto c_vec(const V& v) -> C {
  C c;
  c.size = v ? v.size() : 0;
  c.data = c.size ? reinterpret_cast<decltype(c.data)>(const_cast<typename V::elem_type*>(v.get()))
                  : nullptr;
  return c;
}
// Takes the elements of a C vector of owned objects into a C++ one, then
// frees the C vector's array (its elements are now null).
template <class T, class C, class D>
inline auto take_vec(C& c, D c_delete) -> ownvec<T> {
  auto v = ownvec<T>::make_uninitialized(c.size);
  for (size_t i = 0; i < c.size; ++i) {
    if (v) v[i].reset(reinterpret_cast<T*>(c.data[i]));
    else c_delete(c.data[i]);  // no C++ vector to take it
    c.data[i] = nullptr;
  }
  return v;
}
// Copies a C byte vector into a C++ one and deletes it.
inline auto take_bytes(wasm_byte_vec_t& c) -> vec<char> {
  auto v = vec<char>::make_uninitialized(c.size);
  if (v && c.size) std::memcpy(v.get(), c.data, c.size);
  wasm_byte_vec_delete(&c);
  return v;
}
}  // namespace detail

///////////////////////////////////////////////////////////////////////////////
// Runtime Environment

// Each class stands for its C object: `c()` is the C pointer (for brisk.h's
// extensions), `destroy()` deletes the handle.
#define WASM_HH_OBJECT(Class, c_type)                                                   \
  friend class destroyer;                                                             \
  void destroy() { c_type##_delete(c()); }                                            \
                                                                                      \
 protected:                                                                           \
  Class() = default;                                                                  \
  ~Class() = default;                                                                 \
                                                                                      \
 public:                                                                              \
  auto c() -> c_type##_t* { return reinterpret_cast<c_type##_t*>(this); }             \
  auto c() const -> const c_type##_t* { return reinterpret_cast<const c_type##_t*>(this); }

class Config {
  WASM_HH_OBJECT(Config, wasm_config)
  static auto make() -> own<Config> { return make_own(reinterpret_cast<Config*>(wasm_config_new())); }
  // brisk's extensions (brisk.h) take `c()`.
};

class Engine {
  WASM_HH_OBJECT(Engine, wasm_engine)
  static auto make(own<Config>&& config = Config::make()) -> own<Engine> {
    return make_own(reinterpret_cast<Engine*>(wasm_engine_new_with_config(config.release()->c())));
  }
};

class Store {
  WASM_HH_OBJECT(Store, wasm_store)
  static auto make(Engine* engine) -> own<Store> {
    return make_own(reinterpret_cast<Store*>(wasm_store_new(engine ? engine->c() : nullptr)));
  }
};

///////////////////////////////////////////////////////////////////////////////
// Type Representations

enum class Mutability : uint8_t { CONST, VAR };

struct Limits {
  uint32_t min;
  uint32_t max;

  Limits(uint32_t min, uint32_t max = std::numeric_limits<uint32_t>::max()) : min(min), max(max) {}
};
static_assert(sizeof(Limits) == sizeof(wasm_limits_t), "limits layout");

enum class ValKind : uint8_t {
  I32,
  I64,
  F32,
  F64,
  EXTERNREF = 128,
  FUNCREF,
  ANYREF = EXTERNREF,  // the name in the standard's earlier revisions
};

inline bool is_num(ValKind k) { return k < ValKind::EXTERNREF; }
inline bool is_ref(ValKind k) { return k >= ValKind::EXTERNREF; }

class ValType {
  WASM_HH_OBJECT(ValType, wasm_valtype)
  static auto make(ValKind k) -> own<ValType> {
    return make_own(reinterpret_cast<ValType*>(wasm_valtype_new(static_cast<wasm_valkind_t>(k))));
  }
  auto copy() const -> own<ValType> {
    return make_own(reinterpret_cast<ValType*>(wasm_valtype_copy(c())));
  }
  auto kind() const -> ValKind { return static_cast<ValKind>(wasm_valtype_kind(c())); }
  auto is_num() const -> bool { return wasm::is_num(kind()); }
  auto is_ref() const -> bool { return wasm::is_ref(kind()); }
};

enum class ExternKind : uint8_t { FUNC, GLOBAL, TABLE, MEMORY };

// The unscoped names of the earlier revision of the standard header (plain
// enums, `ANYREF`), so that hosts written against it compile too.
constexpr Mutability CONST = Mutability::CONST;
constexpr Mutability VAR = Mutability::VAR;
constexpr ValKind I32 = ValKind::I32;
constexpr ValKind I64 = ValKind::I64;
constexpr ValKind F32 = ValKind::F32;
constexpr ValKind F64 = ValKind::F64;
constexpr ValKind ANYREF = ValKind::EXTERNREF;
constexpr ValKind EXTERNREF = ValKind::EXTERNREF;
constexpr ValKind FUNCREF = ValKind::FUNCREF;
constexpr ExternKind EXTERN_FUNC = ExternKind::FUNC;
constexpr ExternKind EXTERN_GLOBAL = ExternKind::GLOBAL;
constexpr ExternKind EXTERN_TABLE = ExternKind::TABLE;
constexpr ExternKind EXTERN_MEMORY = ExternKind::MEMORY;

class FuncType;
class GlobalType;
class TableType;
class MemoryType;

class ExternType {
  WASM_HH_OBJECT(ExternType, wasm_externtype)
  auto copy() const -> own<ExternType> {
    return make_own(reinterpret_cast<ExternType*>(wasm_externtype_copy(c())));
  }
  auto kind() const -> ExternKind { return static_cast<ExternKind>(wasm_externtype_kind(c())); }

  inline auto func() -> FuncType*;
  inline auto global() -> GlobalType*;
  inline auto table() -> TableType*;
  inline auto memory() -> MemoryType*;

  inline auto func() const -> const FuncType*;
  inline auto global() const -> const GlobalType*;
  inline auto table() const -> const TableType*;
  inline auto memory() const -> const MemoryType*;
};

class FuncType : public ExternType {
  WASM_HH_OBJECT(FuncType, wasm_functype)
  static auto make(ownvec<ValType>&& params = ownvec<ValType>::make(),
                   ownvec<ValType>&& results = ownvec<ValType>::make()) -> own<FuncType> {
    wasm_valtype_vec_t ps, rs;
    wasm_valtype_vec_new_uninitialized(&ps, params ? params.size() : 0);
    for (size_t i = 0; i < ps.size; ++i) ps.data[i] = params[i].release()->c();
    wasm_valtype_vec_new_uninitialized(&rs, results ? results.size() : 0);
    for (size_t i = 0; i < rs.size; ++i) rs.data[i] = results[i].release()->c();
    return make_own(reinterpret_cast<FuncType*>(wasm_functype_new(&ps, &rs)));
  }
  auto copy() const -> own<FuncType> {
    return make_own(reinterpret_cast<FuncType*>(wasm_functype_copy(c())));
  }
  auto params() const -> const ownvec<ValType>& {
    return detail::as_vec<ownvec<ValType>>(wasm_functype_params(c()));
  }
  auto results() const -> const ownvec<ValType>& {
    return detail::as_vec<ownvec<ValType>>(wasm_functype_results(c()));
  }
};

class GlobalType : public ExternType {
  WASM_HH_OBJECT(GlobalType, wasm_globaltype)
  static auto make(own<ValType>&& content, Mutability m) -> own<GlobalType> {
    return make_own(reinterpret_cast<GlobalType*>(wasm_globaltype_new(content.release()->c(), static_cast<wasm_mutability_t>(m))));
  }
  auto copy() const -> own<GlobalType> {
    return make_own(reinterpret_cast<GlobalType*>(wasm_globaltype_copy(c())));
  }
  auto content() const -> const ValType* {
    return reinterpret_cast<const ValType*>(wasm_globaltype_content(c()));
  }
  auto mutability() const -> Mutability {
    return static_cast<Mutability>(wasm_globaltype_mutability(c()));
  }
};

class TableType : public ExternType {
  WASM_HH_OBJECT(TableType, wasm_tabletype)
  static auto make(own<ValType>&& element, Limits limits) -> own<TableType> {
    wasm_limits_t l = {limits.min, limits.max};
    return make_own(reinterpret_cast<TableType*>(wasm_tabletype_new(element.release()->c(), &l)));
  }
  auto copy() const -> own<TableType> {
    return make_own(reinterpret_cast<TableType*>(wasm_tabletype_copy(c())));
  }
  auto element() const -> const ValType* {
    return reinterpret_cast<const ValType*>(wasm_tabletype_element(c()));
  }
  auto limits() const -> const Limits& {
    return *reinterpret_cast<const Limits*>(wasm_tabletype_limits(c()));
  }
};

class MemoryType : public ExternType {
  WASM_HH_OBJECT(MemoryType, wasm_memorytype)
  static auto make(Limits limits) -> own<MemoryType> {
    wasm_limits_t l = {limits.min, limits.max};
    return make_own(reinterpret_cast<MemoryType*>(wasm_memorytype_new(&l)));
  }
  auto copy() const -> own<MemoryType> {
    return make_own(reinterpret_cast<MemoryType*>(wasm_memorytype_copy(c())));
  }
  auto limits() const -> const Limits& {
    return *reinterpret_cast<const Limits*>(wasm_memorytype_limits(c()));
  }
};

inline auto ExternType::func() -> FuncType* {
  return kind() == ExternKind::FUNC ? static_cast<FuncType*>(this) : nullptr;
}
inline auto ExternType::global() -> GlobalType* {
  return kind() == ExternKind::GLOBAL ? static_cast<GlobalType*>(this) : nullptr;
}
inline auto ExternType::table() -> TableType* {
  return kind() == ExternKind::TABLE ? static_cast<TableType*>(this) : nullptr;
}
inline auto ExternType::memory() -> MemoryType* {
  return kind() == ExternKind::MEMORY ? static_cast<MemoryType*>(this) : nullptr;
}
inline auto ExternType::func() const -> const FuncType* {
  return kind() == ExternKind::FUNC ? static_cast<const FuncType*>(this) : nullptr;
}
inline auto ExternType::global() const -> const GlobalType* {
  return kind() == ExternKind::GLOBAL ? static_cast<const GlobalType*>(this) : nullptr;
}
inline auto ExternType::table() const -> const TableType* {
  return kind() == ExternKind::TABLE ? static_cast<const TableType*>(this) : nullptr;
}
inline auto ExternType::memory() const -> const MemoryType* {
  return kind() == ExternKind::MEMORY ? static_cast<const MemoryType*>(this) : nullptr;
}

using Name = vec<byte_t>;
static_assert(sizeof(Name) == sizeof(wasm_name_t), "name layout");

namespace detail {
inline auto c_name(const Name& n) -> wasm_name_t {
  wasm_name_t out;
  wasm_byte_vec_new(&out, n ? n.size() : 0, n ? n.get() : nullptr);
  return out;
}
}  // namespace detail

class ImportType {
  WASM_HH_OBJECT(ImportType, wasm_importtype)
  static auto make(Name&& module, Name&& name, own<ExternType>&& type) -> own<ImportType> {
    wasm_name_t m = detail::c_name(module), n = detail::c_name(name);
    module.reset();
    name.reset();
    return make_own(
        reinterpret_cast<ImportType*>(wasm_importtype_new(&m, &n, type.release()->c())));
  }
  auto copy() const -> own<ImportType> {
    return make_own(reinterpret_cast<ImportType*>(wasm_importtype_copy(c())));
  }
  auto module() const -> const Name& { return detail::as_vec<Name>(wasm_importtype_module(c())); }
  auto name() const -> const Name& { return detail::as_vec<Name>(wasm_importtype_name(c())); }
  auto type() const -> const ExternType* {
    return reinterpret_cast<const ExternType*>(wasm_importtype_type(c()));
  }
};

class ExportType {
  WASM_HH_OBJECT(ExportType, wasm_exporttype)
  static auto make(Name&& name, own<ExternType>&& type) -> own<ExportType> {
    wasm_name_t n = detail::c_name(name);
    name.reset();
    return make_own(reinterpret_cast<ExportType*>(wasm_exporttype_new(&n, type.release()->c())));
  }
  auto copy() const -> own<ExportType> {
    return make_own(reinterpret_cast<ExportType*>(wasm_exporttype_copy(c())));
  }
  auto name() const -> const Name& { return detail::as_vec<Name>(wasm_exporttype_name(c())); }
  auto type() const -> const ExternType* {
    return reinterpret_cast<const ExternType*>(wasm_exporttype_type(c()));
  }
};

///////////////////////////////////////////////////////////////////////////////
// Runtime Objects

class Ref {
  WASM_HH_OBJECT(Ref, wasm_ref)
  auto copy() const -> own<Ref> { return make_own(reinterpret_cast<Ref*>(wasm_ref_copy(c()))); }
  auto same(const Ref* that) const -> bool {
    return wasm_ref_same(c(), that ? that->c() : nullptr);
  }
  auto get_host_info() const -> void* { return wasm_ref_get_host_info(c()); }
  void set_host_info(void* info, void (*finalizer)(void*) = nullptr) {
    wasm_ref_set_host_info_with_finalizer(c(), info, finalizer);
  }
};

// Values

class Val {
  ValKind kind_;
  union impl {
    int32_t i32;
    int64_t i64;
    float32_t f32;
    float64_t f64;
    Ref* ref;
  } impl_;

  Val(ValKind kind, impl impl) : kind_(kind), impl_(impl) {}

 public:
  Val() : kind_(ValKind::EXTERNREF) { impl_.ref = nullptr; }
  Val(int32_t i) : kind_(ValKind::I32) { impl_.i32 = i; }
  Val(int64_t i) : kind_(ValKind::I64) { impl_.i64 = i; }
  Val(float32_t z) : kind_(ValKind::F32) { impl_.f32 = z; }
  Val(float64_t z) : kind_(ValKind::F64) { impl_.f64 = z; }
  Val(own<Ref>&& r) : kind_(ValKind::EXTERNREF) { impl_.ref = r.release(); }

  Val(Val&& that) : kind_(that.kind_), impl_(that.impl_) {
    if (is_ref()) that.impl_.ref = nullptr;
  }

  ~Val() { reset(); }

  auto is_num() const -> bool { return wasm::is_num(kind_); }
  auto is_ref() const -> bool { return wasm::is_ref(kind_); }

  static auto i32(int32_t x) -> Val { return Val(x); }
  static auto i64(int64_t x) -> Val { return Val(x); }
  static auto f32(float32_t x) -> Val { return Val(x); }
  static auto f64(float64_t x) -> Val { return Val(x); }
  static auto ref(own<Ref>&& x) -> Val { return Val(std::move(x)); }
  template <class T>
  inline static auto make(T x) -> Val;
  template <class T>
  inline static auto make(own<T>&& x) -> Val;

  void reset() {
    if (is_ref() && impl_.ref) {
      destroyer()(impl_.ref);
      impl_.ref = nullptr;
    }
  }

  void reset(Val& that) {
    reset();
    kind_ = that.kind_;
    impl_ = that.impl_;
    if (is_ref()) that.impl_.ref = nullptr;
  }

  auto operator=(Val&& that) -> Val& {
    reset(that);
    return *this;
  }

  auto kind() const -> ValKind { return kind_; }
  auto i32() const -> int32_t {
    assert(kind_ == ValKind::I32);
    return impl_.i32;
  }
  auto i64() const -> int64_t {
    assert(kind_ == ValKind::I64);
    return impl_.i64;
  }
  auto f32() const -> float32_t {
    assert(kind_ == ValKind::F32);
    return impl_.f32;
  }
  auto f64() const -> float64_t {
    assert(kind_ == ValKind::F64);
    return impl_.f64;
  }
  auto ref() const -> Ref* {
    assert(is_ref());
    return impl_.ref;
  }
  template <class T>
  inline auto get() const -> T;

  auto release_ref() -> own<Ref> {
    assert(is_ref());
    auto ref = impl_.ref;
    impl_.ref = nullptr;
    return own<Ref>(ref);
  }

  auto copy() const -> Val {
    if (is_ref() && impl_.ref != nullptr) {
      impl i;
      i.ref = impl_.ref->copy().release();
      return Val(kind_, i);
    }
    return Val(kind_, impl_);
  }
};
static_assert(sizeof(Val) == sizeof(wasm_val_t), "value layout");

template <>
inline auto Val::make<int32_t>(int32_t x) -> Val {
  return Val(x);
}
template <>
inline auto Val::make<int64_t>(int64_t x) -> Val {
  return Val(x);
}
template <>
inline auto Val::make<float32_t>(float32_t x) -> Val {
  return Val(x);
}
template <>
inline auto Val::make<float64_t>(float64_t x) -> Val {
  return Val(x);
}
template <>
inline auto Val::make<Ref>(own<Ref>&& x) -> Val {
  return Val(std::move(x));
}
template <>
inline auto Val::make<uint32_t>(uint32_t x) -> Val {
  return Val(static_cast<int32_t>(x));
}
template <>
inline auto Val::make<uint64_t>(uint64_t x) -> Val {
  return Val(static_cast<int64_t>(x));
}
template <>
inline auto Val::get<int32_t>() const -> int32_t {
  return i32();
}
template <>
inline auto Val::get<int64_t>() const -> int64_t {
  return i64();
}
template <>
inline auto Val::get<float32_t>() const -> float32_t {
  return f32();
}
template <>
inline auto Val::get<float64_t>() const -> float64_t {
  return f64();
}
template <>
inline auto Val::get<Ref*>() const -> Ref* {
  return ref();
}
template <>
inline auto Val::get<uint32_t>() const -> uint32_t {
  return static_cast<uint32_t>(i32());
}
template <>
inline auto Val::get<uint64_t>() const -> uint64_t {
  return static_cast<uint64_t>(i64());
}

// Traps

using Message = vec<byte_t>;  // null terminated

class Instance;

class Frame {
  WASM_HH_OBJECT(Frame, wasm_frame)
  auto copy() const -> own<Frame> {
    return make_own(reinterpret_cast<Frame*>(wasm_frame_copy(c())));
  }
  inline auto instance() const -> Instance*;
  auto func_index() const -> uint32_t { return wasm_frame_func_index(c()); }
  auto func_offset() const -> size_t { return wasm_frame_func_offset(c()); }
  auto module_offset() const -> size_t { return wasm_frame_module_offset(c()); }
};

class Trap : public Ref {
  WASM_HH_OBJECT(Trap, wasm_trap)
  static auto make(Store* store, const Message& msg) -> own<Trap> {
    wasm_message_t m = detail::c_vec<wasm_message_t>(msg);
    return make_own(reinterpret_cast<Trap*>(wasm_trap_new(store ? store->c() : nullptr, &m)));
  }
  auto copy() const -> own<Trap> { return make_own(reinterpret_cast<Trap*>(wasm_trap_copy(c()))); }
  auto message() const -> Message {
    wasm_message_t m;
    wasm_trap_message(c(), &m);
    return detail::take_bytes(m);
  }
  auto origin() const -> own<Frame> {
    return make_own(reinterpret_cast<Frame*>(wasm_trap_origin(c())));
  }
  auto trace() const -> ownvec<Frame> {
    wasm_frame_vec_t t;
    wasm_trap_trace(c(), &t);
    auto v = detail::take_vec<Frame>(t, wasm_frame_delete);
    wasm_frame_vec_delete(&t);
    return v;
  }
};

// Shared objects

template <class T>
class Shared;

// Modules

class Module : public Ref {
  WASM_HH_OBJECT(Module, wasm_module)
  static auto validate(Store* store, const vec<byte_t>& binary) -> bool {
    wasm_byte_vec_t b = detail::c_vec<wasm_byte_vec_t>(binary);
    return wasm_module_validate(store ? store->c() : nullptr, &b);
  }
  static auto make(Store* store, const vec<byte_t>& binary) -> own<Module> {
    wasm_byte_vec_t b = detail::c_vec<wasm_byte_vec_t>(binary);
    return make_own(reinterpret_cast<Module*>(wasm_module_new(store ? store->c() : nullptr, &b)));
  }
  auto copy() const -> own<Module> {
    return make_own(reinterpret_cast<Module*>(wasm_module_copy(c())));
  }
  auto imports() const -> ownvec<ImportType> {
    wasm_importtype_vec_t v;
    wasm_module_imports(c(), &v);
    auto out = detail::take_vec<ImportType>(v, wasm_importtype_delete);
    wasm_importtype_vec_delete(&v);
    return out;
  }
  auto exports() const -> ownvec<ExportType> {
    wasm_exporttype_vec_t v;
    wasm_module_exports(c(), &v);
    auto out = detail::take_vec<ExportType>(v, wasm_exporttype_delete);
    wasm_exporttype_vec_delete(&v);
    return out;
  }
  inline auto share() const -> own<Shared<Module>>;
  inline static auto obtain(Store* store, const Shared<Module>* shared) -> own<Module>;
  auto serialize() const -> vec<byte_t> {
    wasm_byte_vec_t b;
    wasm_module_serialize(c(), &b);
    return detail::take_bytes(b);
  }
  static auto deserialize(Store* store, const vec<byte_t>& serialized) -> own<Module> {
    wasm_byte_vec_t b = detail::c_vec<wasm_byte_vec_t>(serialized);
    return make_own(
        reinterpret_cast<Module*>(wasm_module_deserialize(store ? store->c() : nullptr, &b)));
  }
};

template <>
class Shared<Module> {
  WASM_HH_OBJECT(Shared, wasm_shared_module)
};

inline auto Module::share() const -> own<Shared<Module>> {
  return make_own(reinterpret_cast<Shared<Module>*>(wasm_module_share(c())));
}

inline auto Module::obtain(Store* store, const Shared<Module>* shared) -> own<Module> {
  return make_own(reinterpret_cast<Module*>(
      wasm_module_obtain(store ? store->c() : nullptr,
                         reinterpret_cast<const wasm_shared_module_t*>(shared))));
}

// Foreign Objects

class Foreign : public Ref {
  WASM_HH_OBJECT(Foreign, wasm_foreign)
  static auto make(Store* store) -> own<Foreign> {
    return make_own(reinterpret_cast<Foreign*>(wasm_foreign_new(store ? store->c() : nullptr)));
  }
  auto copy() const -> own<Foreign> {
    return make_own(reinterpret_cast<Foreign*>(wasm_foreign_copy(c())));
  }
};

// Externals

class Func;
class Global;
class Table;
class Memory;

class Extern : public Ref {
  WASM_HH_OBJECT(Extern, wasm_extern)
  auto copy() const -> own<Extern> {
    return make_own(reinterpret_cast<Extern*>(wasm_extern_copy(c())));
  }
  auto kind() const -> ExternKind { return static_cast<ExternKind>(wasm_extern_kind(c())); }
  auto type() const -> own<ExternType> {
    return make_own(reinterpret_cast<ExternType*>(wasm_extern_type(c())));
  }

  inline auto func() -> Func*;
  inline auto global() -> Global*;
  inline auto table() -> Table*;
  inline auto memory() -> Memory*;

  inline auto func() const -> const Func*;
  inline auto global() const -> const Global*;
  inline auto table() const -> const Table*;
  inline auto memory() const -> const Memory*;
};

// Function Instances

class Func : public Extern {
  WASM_HH_OBJECT(Func, wasm_func)
  // The standard's callbacks take vectors; those of its earlier revision,
  // arrays. Both are accepted, and both forms of `call`.
  using callback = auto (*)(const vec<Val>&, vec<Val>&) -> own<Trap>;
  using callback_with_env = auto (*)(void*, const vec<Val>&, vec<Val>&) -> own<Trap>;
  using array_callback = auto (*)(const Val[], Val[]) -> own<Trap>;
  using array_callback_with_env = auto (*)(void*, const Val[], Val[]) -> own<Trap>;

 private:
  // What the C trampoline gets as its environment: one of the callbacks.
  struct Env {
    callback vec_plain;
    callback_with_env vec_env;
    array_callback array_plain;
    array_callback_with_env array_env;
    void* env;
    void (*finalizer)(void*);
  };

  static auto trampoline(void* e, const wasm_val_vec_t* args, wasm_val_vec_t* results)
      -> wasm_trap_t* {
    auto env = static_cast<Env*>(e);
    // The results start as null references, so that assigning them frees
    // nothing; what the callback leaves there belongs to the caller. The C
    // vectors are viewed as `vec<Val>` in place (the same layout): a
    // callback may assign their elements, not the vectors.
    Val* res = reinterpret_cast<Val*>(results->data);
    for (size_t i = 0; i < results->size; ++i) new (&res[i]) Val();
    const Val* as = reinterpret_cast<const Val*>(args->data);
    auto& args_vec = *reinterpret_cast<const vec<Val>*>(args);
    auto& results_vec = *reinterpret_cast<vec<Val>*>(results);
    own<Trap> trap = env->vec_plain  ? env->vec_plain(args_vec, results_vec)
                     : env->vec_env  ? env->vec_env(env->env, args_vec, results_vec)
                     : env->array_plain ? env->array_plain(as, res)
                                     : env->array_env(env->env, as, res);
    return trap ? trap.release()->c() : nullptr;
  }

  static void finalize(void* e) {
    auto env = static_cast<Env*>(e);
    if (env->finalizer) env->finalizer(env->env);
    delete env;
  }

  static auto make_env(Store* store, const FuncType* type, Env env) -> own<Func> {
    if (!env.vec_plain && !env.vec_env && !env.array_plain && !env.array_env) {
      if (env.finalizer) env.finalizer(env.env);
      return own<Func>();
    }
    Env* e = new (std::nothrow) Env(env);
    if (!e) {
      if (env.finalizer) env.finalizer(env.env);
      return own<Func>();
    }
    return make_own(reinterpret_cast<Func*>(wasm_func_new_with_env(
        store ? store->c() : nullptr, type ? type->c() : nullptr, trampoline, e, finalize)));
  }

 public:
  static auto make(Store* store, const FuncType* type, callback cb) -> own<Func> {
    return make_env(store, type, Env{cb, nullptr, nullptr, nullptr, nullptr, nullptr});
  }
  static auto make(Store* store, const FuncType* type, callback_with_env cb, void* env,
                   void (*finalizer)(void*) = nullptr) -> own<Func> {
    return make_env(store, type, Env{nullptr, cb, nullptr, nullptr, env, finalizer});
  }
  static auto make(Store* store, const FuncType* type, array_callback cb) -> own<Func> {
    return make_env(store, type, Env{nullptr, nullptr, cb, nullptr, nullptr, nullptr});
  }
  static auto make(Store* store, const FuncType* type, array_callback_with_env cb, void* env,
                   void (*finalizer)(void*) = nullptr) -> own<Func> {
    return make_env(store, type, Env{nullptr, nullptr, nullptr, cb, env, finalizer});
  }
  auto copy() const -> own<Func> { return make_own(reinterpret_cast<Func*>(wasm_func_copy(c()))); }
  auto type() const -> own<FuncType> {
    return make_own(reinterpret_cast<FuncType*>(wasm_func_type(c())));
  }
  auto param_arity() const -> size_t { return wasm_func_param_arity(c()); }
  auto result_arity() const -> size_t { return wasm_func_result_arity(c()); }

  // `results` must hold result_arity() values; what they held is released.
  auto call(const Val args[] = nullptr, Val results[] = nullptr) const -> own<Trap> {
    size_t nargs = param_arity(), nresults = result_arity();
    wasm_val_vec_t as = {args ? nargs : 0,
                         reinterpret_cast<wasm_val_t*>(const_cast<Val*>(args))};
    for (size_t i = 0; results && i < nresults; ++i) results[i].reset();
    wasm_val_vec_t rs = {results ? nresults : 0, reinterpret_cast<wasm_val_t*>(results)};
    return make_own(reinterpret_cast<Trap*>(wasm_func_call(c(), &as, &rs)));
  }

  // `results` must be sized (`vec<Val>::make_uninitialized(result_arity())`);
  // what its elements held is released. brisk checks both sizes against
  // the function's type (a mismatch is a trap).
  auto call(const vec<Val>& args, vec<Val>& results) const -> own<Trap> {
    wasm_val_vec_t as = detail::c_vec<wasm_val_vec_t>(args);
    for (size_t i = 0; results && i < results.size(); ++i) results[i].reset();
    wasm_val_vec_t rs = detail::c_vec<wasm_val_vec_t>(results);
    return make_own(reinterpret_cast<Trap*>(wasm_func_call(c(), &as, &rs)));
  }
};

// Global Instances

class Global : public Extern {
  WASM_HH_OBJECT(Global, wasm_global)
  static auto make(Store* store, const GlobalType* type, const Val& val) -> own<Global> {
    return make_own(reinterpret_cast<Global*>(
        wasm_global_new(store ? store->c() : nullptr, type ? type->c() : nullptr,
                        reinterpret_cast<const wasm_val_t*>(&val))));
  }
  auto copy() const -> own<Global> {
    return make_own(reinterpret_cast<Global*>(wasm_global_copy(c())));
  }
  auto type() const -> own<GlobalType> {
    return make_own(reinterpret_cast<GlobalType*>(wasm_global_type(c())));
  }
  auto get() const -> Val {
    Val v;
    wasm_global_get(c(), reinterpret_cast<wasm_val_t*>(&v));
    return v;
  }
  void set(const Val& val) { wasm_global_set(c(), reinterpret_cast<const wasm_val_t*>(&val)); }
};

// Table Instances

class Table : public Extern {
  WASM_HH_OBJECT(Table, wasm_table)
  using size_t = uint32_t;

  static auto make(Store* store, const TableType* type, const Ref* init = nullptr) -> own<Table> {
    return make_own(reinterpret_cast<Table*>(
        wasm_table_new(store ? store->c() : nullptr, type ? type->c() : nullptr,
                       init ? const_cast<wasm_ref_t*>(init->c()) : nullptr)));
  }
  auto copy() const -> own<Table> {
    return make_own(reinterpret_cast<Table*>(wasm_table_copy(c())));
  }
  auto type() const -> own<TableType> {
    return make_own(reinterpret_cast<TableType*>(wasm_table_type(c())));
  }
  auto get(size_t index) const -> own<Ref> {
    return make_own(reinterpret_cast<Ref*>(wasm_table_get(c(), index)));
  }
  auto set(size_t index, const Ref* r) -> bool {
    return wasm_table_set(c(), index, r ? const_cast<wasm_ref_t*>(r->c()) : nullptr);
  }
  auto size() const -> size_t { return wasm_table_size(c()); }
  auto grow(size_t delta, const Ref* init = nullptr) -> bool {
    return wasm_table_grow(c(), delta, init ? const_cast<wasm_ref_t*>(init->c()) : nullptr);
  }
};

// Memory Instances

class Memory : public Extern {
  WASM_HH_OBJECT(Memory, wasm_memory)
  static auto make(Store* store, const MemoryType* type) -> own<Memory> {
    return make_own(reinterpret_cast<Memory*>(
        wasm_memory_new(store ? store->c() : nullptr, type ? type->c() : nullptr)));
  }
  auto copy() const -> own<Memory> {
    return make_own(reinterpret_cast<Memory*>(wasm_memory_copy(c())));
  }

  using pages_t = uint32_t;

  static const size_t page_size = 0x10000;

  auto type() const -> own<MemoryType> {
    return make_own(reinterpret_cast<MemoryType*>(wasm_memory_type(c())));
  }
  auto data() const -> byte_t* { return wasm_memory_data(const_cast<wasm_memory_t*>(c())); }
  auto data_size() const -> size_t { return wasm_memory_data_size(c()); }
  auto size() const -> pages_t { return wasm_memory_size(c()); }
  auto grow(pages_t delta) -> bool { return wasm_memory_grow(c(), delta); }
};

// Module Instances

class Instance : public Ref {
  WASM_HH_OBJECT(Instance, wasm_instance)
  // As many imports as the module declares (the standard's earlier form).
  static auto make(Store* store, const Module* module, const Extern* const imports[],
                   own<Trap>* trap = nullptr) -> own<Instance> {
    size_t n = 0;
    if (module && imports) {
      wasm_importtype_vec_t it;
      wasm_module_imports(module->c(), &it);
      n = it.size;
      wasm_importtype_vec_delete(&it);
    }
    return make_n(store, module, n, imports, trap);
  }

 private:
  static auto make_n(Store* store, const Module* module, size_t n, const Extern* const* imports,
                     own<Trap>* trap) -> own<Instance> {
    wasm_extern_vec_t is = {n, reinterpret_cast<wasm_extern_t**>(const_cast<Extern**>(imports))};
    wasm_trap_t* t = nullptr;
    auto inst = wasm_instance_new(store ? store->c() : nullptr, module ? module->c() : nullptr,
                                  &is, trap ? &t : nullptr);
    if (trap) trap->reset(reinterpret_cast<Trap*>(t));
    return make_own(reinterpret_cast<Instance*>(inst));
  }

 public:
  static auto make(Store* store, const Module* module, const vec<Extern*>& imports,
                   own<Trap>* trap = nullptr) -> own<Instance> {
    return make_n(store, module, imports ? imports.size() : 0, imports.get(), trap);
  }
  static auto make(Store* store, const Module* module, const ownvec<Extern>& imports,
                   own<Trap>* trap = nullptr) -> own<Instance> {
    static_assert(sizeof(own<Extern>) == sizeof(Extern*), "own<Extern> is a pointer");
    return make_n(store, module, imports ? imports.size() : 0,
                  reinterpret_cast<Extern* const*>(imports.get()), trap);
  }
  auto copy() const -> own<Instance> {
    return make_own(reinterpret_cast<Instance*>(wasm_instance_copy(c())));
  }
  auto exports() const -> ownvec<Extern> {
    wasm_extern_vec_t v;
    wasm_instance_exports(c(), &v);
    auto out = detail::take_vec<Extern>(v, wasm_extern_delete);
    wasm_extern_vec_delete(&v);
    return out;
  }
};

inline auto Frame::instance() const -> Instance* {
  return reinterpret_cast<Instance*>(wasm_frame_instance(c()));
}

inline auto Extern::func() -> Func* {
  return kind() == ExternKind::FUNC ? static_cast<Func*>(this) : nullptr;
}
inline auto Extern::global() -> Global* {
  return kind() == ExternKind::GLOBAL ? static_cast<Global*>(this) : nullptr;
}
inline auto Extern::table() -> Table* {
  return kind() == ExternKind::TABLE ? static_cast<Table*>(this) : nullptr;
}
inline auto Extern::memory() -> Memory* {
  return kind() == ExternKind::MEMORY ? static_cast<Memory*>(this) : nullptr;
}
inline auto Extern::func() const -> const Func* {
  return kind() == ExternKind::FUNC ? static_cast<const Func*>(this) : nullptr;
}
inline auto Extern::global() const -> const Global* {
  return kind() == ExternKind::GLOBAL ? static_cast<const Global*>(this) : nullptr;
}
inline auto Extern::table() const -> const Table* {
  return kind() == ExternKind::TABLE ? static_cast<const Table*>(this) : nullptr;
}
inline auto Extern::memory() const -> const Memory* {
  return kind() == ExternKind::MEMORY ? static_cast<const Memory*>(this) : nullptr;
}

#undef WASM_HH_OBJECT

}  // namespace wasm

#endif  // WASM_HH
