// The one exception type of the engine's load path. Messages are user-facing: they name the
// file component (e.g. "unsupported normalizer 'BertNormalizer' in tokenizer.json").
#pragma once
#include <stdexcept>
#include <string>

namespace collie::tok {

class LoadError : public std::runtime_error {
 public:
  explicit LoadError(const std::string& what) : std::runtime_error(what) {}
};

}  // namespace collie::tok
