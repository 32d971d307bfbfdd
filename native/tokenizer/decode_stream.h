// Incremental decoding (HF's DecodeStream): each step returns the text that became final, i.e.
// the decode of the window minus the decode of its already-emitted prefix, held back while it
// ends in U+FFFD (an incomplete UTF-8 sequence). Memory is bounded: the window keeps only the
// ids since the last emission plus the ids of the previous emission's prefix, and a window of
// kMaxWindow ids is emitted even if it still ends in U+FFFD.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace collie::tok {

class Tokenizer;

class DecodeStream {
 public:
  static constexpr size_t kMaxWindow = 64;
  DecodeStream(std::shared_ptr<const Tokenizer> tok, bool skip_special);
  // Feeds one id (< vocab size; the caller checks). Returns "" while nothing is final.
  std::string Step(uint32_t id);
  // Returns whatever is held back (an incomplete tail decodes as U+FFFD) and resets the window.
  std::string Flush();
  // Ids currently held (for tests of the memory bound).
  size_t window() const { return ids_.size(); }

 private:
  std::string Decode() const;
  std::shared_ptr<const Tokenizer> tok_;
  bool skip_special_;
  std::vector<uint32_t> ids_;
  std::string prefix_;       // decode of ids_[0, prefix_index_)
  size_t prefix_index_ = 0;
};

}  // namespace collie::tok
