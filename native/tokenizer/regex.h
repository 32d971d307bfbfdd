// A backtracking regex engine for the subset of Oniguruma syntax that Hugging Face
// pre-tokenizers use (Split patterns, ByteLevel's GPT-2 pattern, tiktoken patterns), with
// Oniguruma's leftmost-first semantics, over UTF-8 text.
//
// Supported (Oniguruma's Ruby syntax; general categories and case folding of Unicode 16.0, as
// the oracle's Oniguruma): literals, escapes (\t \n \r \f \v \a \e \xHH \x{H..} \uHHHH,
// escaped punctuation), . (not \n), ^ $ (line anchors: \n only), \s \S \d \D \w \W,
// \p{..} \P{..} \p{^..} with general categories and their groups (short or long names),
// bracket classes with ranges and negation, (?:..), (..) as non-capturing, (?i:..) (?-i:..)
// (?i) (?-i) with simple case folding, |, greedy ? * + {n} {n,} {n,m} {,m},
// lookahead (?=..) (?!..). Everything else is refused by Compile with its name and offset, and
// so are the cases where Oniguruma's behavior is not reproduced: (?i) constructs that involve
// multi-character case folding (ß/ss, ﬁ/fi...) and counted repeats of groups that can match
// empty. Invalid UTF-8 bytes in the text are single characters of no category. Matching never
// recurses per character; pathological patterns (nested quantifiers, where Oniguruma gives up
// after 10M retries and HF tokenizers fails) stop after a bounded amount of work and report no
// match where the budget ran out.
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
