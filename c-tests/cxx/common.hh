// Shared by the C++ tests: loading a module compiled from c-tests/cxx/*.wat
// into the directory given as the program's first argument.
#ifndef CXX_TESTS_COMMON_HH
#define CXX_TESTS_COMMON_HH

#include <cstdio>
#include <cstdlib>
#include <string>

#include "wasm.hh"

#define CHECK(cond)                                                            \
  do {                                                                         \
    if (!(cond)) {                                                             \
      std::printf("%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);     \
      std::exit(1);                                                            \
    }                                                                          \
  } while (0)

inline auto read_wasm(const char* dir, const char* name) -> wasm::vec<byte_t> {
  std::string path = std::string(dir) + "/" + name + ".wasm";
  std::FILE* f = std::fopen(path.c_str(), "rb");
  CHECK(f != nullptr);
  std::fseek(f, 0, SEEK_END);
  size_t size = static_cast<size_t>(std::ftell(f));
  std::fseek(f, 0, SEEK_SET);
  auto binary = wasm::vec<byte_t>::make_uninitialized(size);
  CHECK(std::fread(binary.get(), 1, size, f) == size);
  std::fclose(f);
  return binary;
}

inline void print_name(const wasm::Name& name) {
  std::printf("%.*s", static_cast<int>(name.size()), name.get());
}

#endif
