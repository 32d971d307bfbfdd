// Hand-written splitters for the pre-tokenizer regexes that matter for speed (GPT-2, Llama 3 /
// cl100k, Qwen 2/3, o200k). Each one reproduces the regex's leftmost-first matches exactly
// (engine_fast_split_test compares them with regex.h on generated text); a pattern without a
// fast splitter goes through regex.h.
#pragma once
#include <string_view>
#include <vector>

#include "piece.h"

namespace collie::tok {

class FastSplitter {
 public:
  virtual ~FastSplitter() = default;
  // Appends the non-empty matches and gaps of the pattern over piece.text, in order (the
  // Isolated behavior).
  virtual void Split(const Piece& piece, std::vector<Piece>* out) const = 0;
};

// The splitter for exactly this pattern text, or nullptr. Static lifetime.
const FastSplitter* FindFastSplitter(std::string_view pattern);

}  // namespace collie::tok
