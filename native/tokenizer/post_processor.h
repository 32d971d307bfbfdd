// Post-processors of tokenizer.json ("post_processor"), applied to a single sequence when
// add_special_tokens is true: TemplateProcessing ("single" template), RobertaProcessing and
// BertProcessing (cls A sep), ByteLevel (offsets only: no-op on ids), Sequence.
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "json.h"

namespace collie::tok {

class PostProcessor {
 public:
  virtual ~PostProcessor() = default;
  // Rewrites *ids (the encoded single sequence) in place.
  virtual void Process(std::vector<uint32_t>* ids) const = 0;
  // How many ids Process adds (for reserving).
  virtual size_t added() const = 0;
};

// nullptr for absent. Throws LoadError for unsupported types or malformed templates.
std::unique_ptr<PostProcessor> MakePostProcessor(json::Value v);

}  // namespace collie::tok
