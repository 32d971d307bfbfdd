// Runs every registered tokenizer test (see mini_test.h); exit status 1 if any check failed.
#include <cstring>

#include "mini_test.h"

int main(int argc, char** argv) {
  int ran = 0;
  for (const auto& c : minitest::Registry()) {
    bool selected = argc < 2;
    for (int i = 1; i < argc; ++i) selected = selected || std::strstr(c.name, argv[i]) != nullptr;
    if (!selected) continue;
    int before = minitest::Failures();
    c.fn();
    ++ran;
    std::fprintf(stderr, "%s %s\n", minitest::Failures() == before ? "ok  " : "FAIL", c.name);
  }
  std::fprintf(stderr, "%d tests, %d failed checks\n", ran, minitest::Failures());
  return minitest::Failures() == 0 && ran > 0 ? 0 : 1;
}
