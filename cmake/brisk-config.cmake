# CMake package file for brisk: `find_package(brisk)` then link `brisk::brisk`
# (the static library) or `brisk::brisk_shared` (the shared one).
#
# Two layouts are recognised, relative to this file:
#   - an installed prefix (scripts/install.sh): <prefix>/lib/cmake/brisk/
#     with <prefix>/include and <prefix>/lib;
#   - the source tree: <repo>/cmake/ with <repo>/include and the libraries
#     cargo built in <repo>/target/release (or BRISK_TARGET_DIR, or the
#     CARGO_TARGET_DIR environment variable).
# BRISK_INCLUDE_DIR, BRISK_STATIC_LIBRARY and BRISK_SHARED_LIBRARY override
# what is found.

cmake_minimum_required(VERSION 3.10)

get_filename_component(_brisk_here "${CMAKE_CURRENT_LIST_DIR}" REALPATH)

if(EXISTS "${_brisk_here}/../../../include/wasm.h")
  get_filename_component(_brisk_prefix "${_brisk_here}/../../.." ABSOLUTE)
  set(_brisk_include_guess "${_brisk_prefix}/include")
  set(_brisk_lib_guess "${_brisk_prefix}/lib")
elseif(EXISTS "${_brisk_here}/../include/wasm.h")
  get_filename_component(_brisk_root "${_brisk_here}/.." ABSOLUTE)
  set(_brisk_include_guess "${_brisk_root}/include")
  if(BRISK_TARGET_DIR)
    set(_brisk_target "${BRISK_TARGET_DIR}")
  elseif(DEFINED ENV{CARGO_TARGET_DIR})
    set(_brisk_target "$ENV{CARGO_TARGET_DIR}")
  else()
    set(_brisk_target "${_brisk_root}/target")
  endif()
  set(_brisk_lib_guess "${_brisk_target}/release")
else()
  set(brisk_FOUND FALSE)
  set(brisk_NOT_FOUND_MESSAGE "brisk: no include/wasm.h next to ${_brisk_here}")
  return()
endif()

set(BRISK_INCLUDE_DIR "${_brisk_include_guess}" CACHE PATH "Directory holding wasm.h")
find_library(BRISK_STATIC_LIBRARY NAMES libbrisk.a PATHS "${_brisk_lib_guess}" NO_DEFAULT_PATH)
find_library(BRISK_SHARED_LIBRARY NAMES libbrisk.so brisk PATHS "${_brisk_lib_guess}"
             NO_DEFAULT_PATH)

if(NOT BRISK_STATIC_LIBRARY AND NOT BRISK_SHARED_LIBRARY)
  set(brisk_FOUND FALSE)
  set(brisk_NOT_FOUND_MESSAGE
      "brisk: no libbrisk in ${_brisk_lib_guess} (build it with `cargo build --release`)")
  return()
endif()

find_package(Threads REQUIRED)

if(BRISK_STATIC_LIBRARY AND NOT TARGET brisk::brisk)
  add_library(brisk::brisk STATIC IMPORTED)
  set_target_properties(brisk::brisk PROPERTIES
    IMPORTED_LOCATION "${BRISK_STATIC_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${BRISK_INCLUDE_DIR}"
    INTERFACE_COMPILE_DEFINITIONS "LIBWASM_STATIC"
    # What the Rust standard library needs from the system.
    INTERFACE_LINK_LIBRARIES "Threads::Threads;${CMAKE_DL_LIBS};m")
endif()

if(BRISK_SHARED_LIBRARY AND NOT TARGET brisk::brisk_shared)
  add_library(brisk::brisk_shared SHARED IMPORTED)
  set_target_properties(brisk::brisk_shared PROPERTIES
    IMPORTED_LOCATION "${BRISK_SHARED_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${BRISK_INCLUDE_DIR}")
endif()

# With only the shared library, brisk::brisk is that.
if(NOT TARGET brisk::brisk)
  add_library(brisk::brisk INTERFACE IMPORTED)
  set_target_properties(brisk::brisk PROPERTIES INTERFACE_LINK_LIBRARIES brisk::brisk_shared)
endif()

set(brisk_INCLUDE_DIRS "${BRISK_INCLUDE_DIR}")
set(brisk_LIBRARIES brisk::brisk)
set(brisk_FOUND TRUE)
