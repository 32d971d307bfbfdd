// Backtracking regex engine for the Oniguruma subset used by pre-tokenizers (see regex.h).
//
// Pipeline: pattern -> AST (Parser) -> flat instruction program (Compiler) -> matcher (Vm).
// The matcher keeps its backtrack state on a heap stack, so no C++ recursion happens per
// character: only lookaheads recurse, bounded by the pattern's nesting. Greedy repeats of a
// single-character matcher run as a counting loop and back off one character at a time.
//
// Files: regex_internal.h (shared declarations and the inline per-character helpers),
// regex_class.cc (character classes), regex_parse.cc and regex_parse_escape.cc (Parser),
// regex_compile.cc (Compiler), regex_vm.h / regex_vm.cc (Vm) and this file (search loop and
// Regex::Compile).
#include "regex.h"

#include <algorithm>

#include "regex_internal.h"
#include "regex_vm.h"

namespace collie::tok {
namespace regex_detail {
namespace {

class BacktrackRegex final : public Regex {
 public:
  explicit BacktrackRegex(Program prog) : prog_(std::move(prog)) {}

  void FindAll(std::string_view text,
               std::vector<std::pair<uint32_t, uint32_t>>* out) const override {
    const uint8_t* s = reinterpret_cast<const uint8_t*>(text.data());
    const size_t n = text.size();
    if (n >= 0xFFFFFFFFu) return;  // offsets are 32-bit
    Vm vm(prog_, s, n);
    // Work limits, for pathological patterns only (nested quantifiers, where HF's Oniguruma
    // fails the whole call after 10M retries of one match attempt). Steps are instructions run
    // plus bytes scanned by repeats: an attempt may take 10M + 64 per remaining byte, the call
    // 10M + 1024 per byte; an attempt over budget counts as no match. The pre-tokenizer
    // patterns take a few steps per byte.
    constexpr int64_t kBaseSteps = 10'000'000;
    int64_t call_left = kBaseSteps + 1024 * static_cast<int64_t>(n);
    const FirstSet& fs = prog_.first;
    size_t pos = 0;
    while (pos <= n) {
      size_t start = pos, end = 0;
      bool found = false;
      while (true) {
        if (!fs.always) {
          // Skip ASCII bytes that cannot start a match.
          while (start < n && s[start] < 0x80 &&
                 !((fs.ascii[s[start] >> 6] >> (s[start] & 63)) & 1)) {
            ++start;
          }
        }
        bool admit;
        char32_t cp = 0;
        size_t len = 1;
        if (start >= n) {
          admit = fs.always;
        } else if (s[start] < 0x80) {
          cp = s[start];
          admit = fs.always || ((fs.ascii[cp >> 6] >> (cp & 63)) & 1);
        } else {
          len = Decode(s, n, start, &cp);
          admit = FirstAdmits(prog_, fs, cp);
        }
        if (admit) {
          int64_t budget = std::min(kBaseSteps + 64 * static_cast<int64_t>(n - start), call_left);
          vm.SetBudget(budget);
          bool matched = vm.Run(0, start, &end);
          call_left -= budget - std::max<int64_t>(vm.budget(), 0);
          if (matched) {
            found = true;
            break;
          }
        }
        if (start >= n) break;
        start += len;
      }
      if (!found) break;
      out->emplace_back(static_cast<uint32_t>(start), static_cast<uint32_t>(end));
      if (end > start) {
        pos = end;
      } else {
        if (start >= n) break;
        char32_t cp;
        pos = start + Decode(s, n, start, &cp);
      }
    }
  }

 private:
  Program prog_;
};

}  // namespace
}  // namespace regex_detail

std::unique_ptr<Regex> Regex::Compile(std::string_view pattern, std::string* error) {
  using namespace regex_detail;
  std::string local;
  std::string* err = error ? error : &local;
  err->clear();
  Program prog;
  Parser parser(pattern, &prog.classes, err);
  NodeP root = parser.Parse();
  if (!root) {
    if (err->empty()) *err = "invalid pattern";
    return nullptr;
  }
  if (!CompileProgram(*root, &prog, err)) {
    if (err->empty()) *err = "cannot compile pattern";
    return nullptr;
  }
  return std::make_unique<BacktrackRegex>(std::move(prog));
}

}  // namespace collie::tok
