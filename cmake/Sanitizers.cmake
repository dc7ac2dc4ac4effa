# AGORA_SANITIZE=ON (ops/test --sanitize, folder build-asan): AddressSanitizer and
# UndefinedBehaviorSanitizer on every target, plugins included. Set before any target is
# defined, so the core, the tests and every MODULE plugin get the same flags: a plugin built
# without them would still load, but its heap and its undefined behaviour would go unchecked.
#
# GCC links the sanitizer runtimes as shared libraries (libasan.so, libubsan.so), so a plugin
# that is dlopen'ed with RTLD_LOCAL resolves __asan_* from the runtime the executable already
# loaded, and agora_add_plugin's -Wl,--no-undefined still holds. (clang's default static
# runtime would leave those symbols undefined in a plugin: use -shared-libsan there.)
#
# -O1 keeps the run fast enough for CI; -g1 gives file:line in reports at a fraction of -g's
# cost; no NDEBUG, so assertions run too. Findings are recoverable at build time; ops/test
# makes them fatal at run time (halt_on_error), which lets a developer collect every finding
# of one run with UBSAN_OPTIONS=halt_on_error=0.
option(AGORA_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
if(AGORA_SANITIZE)
  set(agora_sanitize_flags -fsanitize=address,undefined -fno-omit-frame-pointer)
  if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    list(APPEND agora_sanitize_flags -shared-libsan)
  endif()
  add_compile_options(${agora_sanitize_flags})
  add_link_options(${agora_sanitize_flags})
  foreach(lang C CXX)
    set(CMAKE_${lang}_FLAGS_DEBUG "-O1 -g1")
  endforeach()
endif()
