// The "pattern" of Split pre-tokenizers and Replace normalizers/decoders: {"String": s} is a
// literal, {"Regex": r} an Oniguruma-style regex (regex.h). FindMatches covers the whole input
// with alternating (range, is_match) entries like HF's Pattern::find_matches.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "json.h"
#include "regex.h"

namespace collie::tok {

struct Span {
  uint32_t begin, end;
  bool match;
};

class Pattern {
 public:
  // Throws LoadError naming `owner` (e.g. "pre_tokenizer 'Split'") when the pattern is malformed
  // or uses regex syntax the engine does not support.
  Pattern(json::Value v, const std::string& owner);
  // Literal pattern.
  explicit Pattern(std::string literal) : literal_(std::move(literal)) {}

  // HF semantics: empty input -> [(0,0,false)]; gaps and matches in order; matches may be
  // empty (regex) and are then kept as zero-width entries.
  void FindMatches(std::string_view text, std::vector<Span>* out) const;
  // Replaces every match with `with` (HF NormalizedString::replace semantics).
  void ReplaceAll(std::string_view text, std::string_view with, std::string* out) const;
  bool is_regex() const { return regex_ != nullptr; }
  const std::string& literal() const { return literal_; }

 private:
  std::string literal_;
  std::unique_ptr<Regex> regex_;
};

}  // namespace collie::tok
