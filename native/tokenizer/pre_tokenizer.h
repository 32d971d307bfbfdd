// Pre-tokenizers of tokenizer.json ("pre_tokenizer"): Split (String/Regex pattern, all five
// behaviors, invert), ByteLevel (add_prefix_space, use_regex with GPT-2's pattern), Metaspace
// (replacement, prepend_scheme first/always/never, split), Digits, Sequence.
// ByteLevel's byte->char mapping is not materialized: byte-level models consume raw bytes
// (bpe.h), so ByteLevel must be the last step of a Sequence.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "json.h"
#include "piece.h"

namespace collie::tok {

class PreTokenizer {
 public:
  virtual ~PreTokenizer() = default;
  // Splits/rewrites every piece of `in` into `out` (appended; empty pieces are dropped).
  virtual void Apply(const std::vector<Piece>& in, std::vector<Piece>* out, Arena* arena) const = 0;
};

struct PreTokenizerInfo {
  bool byte_level = false;  // a ByteLevel step is present (the model must be byte-level)
};

// nullptr for absent. Throws LoadError for unsupported types or configurations.
std::unique_ptr<PreTokenizer> MakePreTokenizer(json::Value v, PreTokenizerInfo* info);

// The GPT-2 pattern ByteLevel uses when use_regex is true.
extern const char kGpt2Pattern[];

}  // namespace collie::tok
