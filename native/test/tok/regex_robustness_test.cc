// Robustness tests of native/tokenizer/regex.h: invalid UTF-8 text, 500 KB adversarial inputs
// on a small thread stack, and bounded work on catastrophic backtracking.
#include <pthread.h>

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "regex_test_util.h"

using namespace collie::tok::regex_test;  // NOLINT

TEST(regex_invalid_utf8_text) {
  // Invalid bytes are single characters that belong to no category: only negated classes
  // and '.' match them.
  const std::string t = "ab\xFF" "c\xC3" "d\xE4\xB8 \xF0\x9F\x98\x80\x80";
  CHECK_EQ(Join(Matches("\\p{L}+", t)), std::string("[ab][c][d]"));
  CHECK_EQ(Join(Matches("[^\\p{L}\\s]+", t)),
           std::string("[\xFF][\xC3][\xE4\xB8][\xF0\x9F\x98\x80\x80]"));
  CHECK_EQ(Join(Matches("\\P{L}", "\xFF")), std::string("[\xFF]"));
  CHECK_EQ(Join(Matches("\\S", "\xFF")), std::string("[\xFF]"));
  CHECK_EQ(Join(Matches("\\W", "\xFF")), std::string("[\xFF]"));
  CHECK_EQ(Join(Matches("\\p{C}|\\p{Cn}|\\s|\\w|\\d|\\p{So}", "\xFF\x80")), std::string(""));
  CHECK_EQ(Join(Matches(".", "\xFF\n\x80")), std::string("[\xFF][\x80]"));
  CHECK_EQ(Join(Matches("\xEF\xBF\xBD", "\xFF\xEF\xBF\xBD")), std::string("[\xEF\xBF\xBD]"));
  // Backing off over invalid and multi-byte characters stays on character boundaries.
  CHECK_EQ(Join(Matches("[^a\\s]+(?!\\S)", "\xE4\xB8\xAD\xFF\xC3\xA9\xE4\xB8 x")),
           std::string("[\xE4\xB8\xAD\xFF\xC3\xA9\xE4\xB8][x]"));
  CHECK_EQ(Join(Matches(".*\xC3\xA9", "\xE4\xB8\xAD\xC3\xA9\xC3\xA9\x80")),
           std::string("[\xE4\xB8\xAD\xC3\xA9\xC3\xA9]"));
  CHECK_EQ(Join(Matches(kLlama3, "it\xFF's \xC3")), std::string("[it][\xFF'][s][ \xC3]"));
}

namespace {

struct BigCase {
  const char* name;
  const char* pattern;
  std::string text;
  size_t matches;  // expected count, 0 = don't check
  bool ok = true;
  double seconds = 0;
};

void* RunBig(void* arg) {
  auto* c = static_cast<BigCase*>(arg);
  std::string err;
  auto re = Regex::Compile(c->pattern, &err);
  if (!re) {
    c->ok = false;
    return nullptr;
  }
  auto t0 = std::chrono::steady_clock::now();
  std::vector<std::pair<uint32_t, uint32_t>> m;
  re->FindAll(c->text, &m);
  c->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  // Matches must tile the text for these patterns (every character belongs to some match).
  size_t at = 0;
  for (const auto& p : m) {
    if (p.first != at || p.second <= p.first) c->ok = false;
    at = p.second;
  }
  if (at != c->text.size()) c->ok = false;
  if (c->matches && m.size() != c->matches) {
    std::fprintf(stderr, "%s: %zu matches, expected %zu\n", c->name, m.size(), c->matches);
    c->ok = false;
  }
  return nullptr;
}

std::string Repeat(const std::string& s, size_t bytes) {
  std::string out;
  while (out.size() < bytes) out += s;
  return out;
}

}  // namespace

TEST(regex_large_adversarial_inputs_small_stack) {
  const size_t kN = 500 * 1024;
  std::vector<BigCase> cases = {
      {"spaces/llama3", kLlama3, std::string(kN, ' '), 1},
      {"spaces+x/llama3", kLlama3, std::string(kN, ' ') + "x", 2},
      {"tabs-newline-mix/llama3", kLlama3, Repeat(" \t \r", kN) + "\n", 1},
      {"letters/llama3", kLlama3, std::string(kN, 'a'), 1},
      {"digits/llama3", kLlama3, std::string(kN - kN % 3, '7'), kN / 3},
      {"'s/llama3", kLlama3, Repeat("'s", kN), kN / 2},
      {"punct/llama3", kLlama3, std::string(kN, '!'), 1},
      {"punct-space/llama3", kLlama3, Repeat("! ", kN), kN / 2 + 1},
      {"cjk/llama3", kLlama3, Repeat("\xE4\xB8\xAD", kN), 1},
      {"spaces/gpt2", kGpt2, std::string(kN, ' '), 1},
      {"'s/gpt2", kGpt2, Repeat("'s", kN), kN / 2},
      {"digits/gpt2", kGpt2, std::string(kN, '7'), 1},
      {"spaces/deepseek", kDsMain, std::string(kN, ' ') + "x", 2},
      {"punct/deepseek", kDsMain, std::string(kN, '.'), 1},
      {"cjk/deepseek-cjk", kDsCjk, Repeat("\xE4\xB8\xAD", kN), 1},
      {"upper/o200k", kO200k, std::string(kN, 'A'), 1},
      {"spaces/o200k", kO200k, std::string(kN, ' '), 1},
      {"upper-lower/o200k", kO200k, Repeat("Ab", kN), kN / 2},
      {"newlines/o200k", kO200k, std::string(kN, '\n'), 1},
      {"'s/o200k", kO200k, "a" + Repeat("'s", kN), 0},
      {"group-loop", "(?:ab|a)+", Repeat("aba", kN), 1},
  };
  // Run every case on a thread with a 256 KiB stack: the matcher must not recurse per character.
  for (BigCase& c : cases) {
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 256 * 1024);
    pthread_t th;
    CHECK_EQ(pthread_create(&th, &attr, RunBig, &c), 0);
    pthread_join(th, nullptr);
    pthread_attr_destroy(&attr);
    if (!c.ok || c.seconds > 2.0) std::fprintf(stderr, "%s: ok=%d %.3fs\n", c.name, c.ok, c.seconds);
    CHECK(c.ok);
    CHECK(c.seconds < 2.0);  // linear-ish: a quadratic engine takes minutes here
  }
}

TEST(regex_catastrophic_backtracking_is_bounded) {
  // Nested quantifiers backtrack exponentially; Oniguruma gives up after 10M retries (and HF
  // tokenizers then fails). The engine bounds its work the same way and reports no match there.
  struct Case {
    const char* pattern;
    std::string text;
  };
  const Case cases[] = {
      {"(a+)+b", std::string(40, 'a')},
      {"(?:a|a)*b", std::string(20000, 'a')},
      {"(x+x+)+y", std::string(100000, 'x')},
      {"(?:(?:\\s*)*\\S)+$", std::string(5000, ' ') + "!"},
  };
  for (const Case& c : cases) {
    auto t0 = std::chrono::steady_clock::now();
    std::string err;
    auto re = Regex::Compile(c.pattern, &err);
    CHECK(re != nullptr);
    if (!re) continue;
    std::vector<std::pair<uint32_t, uint32_t>> m;
    re->FindAll(c.text, &m);
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (s >= 3.0) std::fprintf(stderr, "%s: %.2fs\n", c.pattern, s);
    CHECK(s < 3.0);
  }
  // Matches before the pathological region are found; once the call's budget is spent the
  // rest of the text is skipped quickly.
  auto m = Matches("(a+)+b", "aab" + std::string(40, 'a') + "c" + "ab");
  CHECK(!m.empty() && m[0] == "aab");
  CHECK_EQ(Join(Matches("(a+)+b", "aab" + std::string(30, 'a') + "b")),
           "[aab][" + std::string(30, 'a') + "b]");
}
