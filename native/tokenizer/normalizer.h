// Normalizers of tokenizer.json ("normalizer"): NFC/NFKC/NFD/NFKD, Replace, Prepend, Strip,
// Sequence. Each maps a UTF-8 string to its normalized form (offsets are not tracked: the
// engine returns ids only).
#pragma once
#include <memory>
#include <string>
#include <string_view>

#include "json.h"

namespace collie::tok {

class Normalizer {
 public:
  virtual ~Normalizer() = default;
  // Writes the normalized form of `in` to *out (cleared first). `in` never aliases *out.
  virtual void Normalize(std::string_view in, std::string* out) const = 0;
};

// Builds the normalizer described by `v` (null/absent: returns nullptr). Throws LoadError for
// unsupported types ("unsupported normalizer 'X' in tokenizer.json").
std::unique_ptr<Normalizer> MakeNormalizer(json::Value v);

}  // namespace collie::tok
