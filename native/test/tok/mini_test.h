// Minimal test registry for the tokenizer's C++ tests (build/Release/tokenizer_test).
// TEST(name) { ... } registers a case; CHECK/CHECK_EQ fail the case and keep going.
// Arguments to the binary: optional substring filters on test names.
// Environment: COLLIE_TOK_FIXTURES = directory holding real tokenizer files (test/unit/native sets it).
#pragma once
#include <cstdio>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

namespace minitest {

struct Case {
  const char* name;
  std::function<void()> fn;
};

inline std::vector<Case>& Registry() {
  static std::vector<Case> cases;
  return cases;
}

inline int& Failures() {
  static int n = 0;
  return n;
}

struct Registrar {
  Registrar(const char* name, std::function<void()> fn) { Registry().push_back({name, std::move(fn)}); }
};

}  // namespace minitest

#define MT_CAT2(a, b) a##b
#define MT_CAT(a, b) MT_CAT2(a, b)
#define TEST(name)                                                                  \
  static void MT_CAT(mt_test_, name)();                                             \
  static ::minitest::Registrar MT_CAT(mt_reg_, name)(#name, &MT_CAT(mt_test_, name)); \
  static void MT_CAT(mt_test_, name)()

#define CHECK(cond)                                                                   \
  do {                                                                                \
    if (!(cond)) {                                                                    \
      std::fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);   \
      ++::minitest::Failures();                                                       \
    }                                                                                 \
  } while (0)

#define CHECK_EQ(a, b)                                                                \
  do {                                                                                \
    auto&& mt_a = (a);                                                                \
    auto&& mt_b = (b);                                                                \
    if (!(mt_a == mt_b)) {                                                            \
      std::ostringstream mt_os;                                                       \
      mt_os << mt_a << " != " << mt_b;                                                \
      std::fprintf(stderr, "%s:%d: CHECK_EQ failed: %s == %s (%s)\n", __FILE__, __LINE__, \
                   #a, #b, mt_os.str().c_str());                                      \
      ++::minitest::Failures();                                                       \
    }                                                                                 \
  } while (0)
