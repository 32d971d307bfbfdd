// A backtracking regex engine for the subset of Oniguruma syntax that Hugging Face
// pre-tokenizers use (Split patterns, ByteLevel's GPT-2 pattern, tiktoken patterns), with
// Oniguruma's leftmost-first semantics, over UTF-8 text.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace collie::tok {

class Regex {
 public:
  virtual ~Regex() = default;
  // nullptr when the pattern uses syntax outside the subset; *error then names the construct
  // (e.g. "unsupported regex construct '\\b' at offset 12 in pattern ...").
  static std::unique_ptr<Regex> Compile(std::string_view pattern, std::string* error);
  // Appends [start, end) byte offsets of successive non-overlapping matches, scanning left to
  // right like Oniguruma's search loop (an empty match advances one character). Never throws.
  virtual void FindAll(std::string_view text, std::vector<std::pair<uint32_t, uint32_t>>* out) const = 0;
};

}  // namespace collie::tok
