#include "decode_stream.h"

#include "tokenizer.h"

namespace collie::tok {

namespace {
bool EndsWithReplacement(const std::string& s) { return s.size() >= 3 && s.compare(s.size() - 3, 3, "\xEF\xBF\xBD") == 0; }

// text minus the already-emitted prefix. HF errors when the decoded prefix changed
// (ByteFallback turning a run of bytes into U+FFFDs, a trailing Strip); we cut at the same
// offset, moved back to a char boundary, so the output stays valid UTF-8.
std::string NewText(const std::string& text, const std::string& prefix) {
  if (text.size() <= prefix.size()) return std::string();
  size_t from = prefix.size();
  if (text.compare(0, from, prefix) != 0) {
    while (from > 0 && (static_cast<unsigned char>(text[from]) & 0xC0) == 0x80) --from;
  }
  return text.substr(from);
}
}  // namespace

DecodeStream::DecodeStream(std::shared_ptr<const Tokenizer> tok, bool skip_special)
    : tok_(std::move(tok)), skip_special_(skip_special) {}

std::string DecodeStream::Decode() const { return tok_->Decode(ids_.data(), ids_.size(), skip_special_); }

std::string DecodeStream::Step(uint32_t id) {
  if (prefix_.empty() && !ids_.empty()) {
    std::string p = Decode();
    if (!EndsWithReplacement(p)) {
      prefix_ = std::move(p);
      prefix_index_ = ids_.size();
    }
  }
  ids_.push_back(id);
  std::string text = Decode();
  // A full window is emitted (and compacted) even if it is incomplete or empty, which bounds
  // memory when ids decode to nothing (skipped specials) or to endless invalid bytes.
  bool full = ids_.size() >= kMaxWindow;
  if (!full && (text.size() <= prefix_.size() || EndsWithReplacement(text))) return "";
  std::string fresh = NewText(text, prefix_);
  size_t new_prefix_index = ids_.size() - prefix_index_;
  ids_.erase(ids_.begin(), ids_.begin() + static_cast<std::ptrdiff_t>(prefix_index_));
  prefix_ = Decode();
  prefix_index_ = new_prefix_index;
  return fresh;
}

std::string DecodeStream::Flush() {
  std::string text = Decode();
  std::string rest = NewText(text, prefix_);
  // Keep the last id as context (like after an emission) so a later step decodes its leading
  // space the same way; drop it when it ended in an incomplete sequence (already emitted).
  if (EndsWithReplacement(text) || ids_.empty()) {
    ids_.clear();
  } else {
    ids_.erase(ids_.begin(), ids_.end() - 1);
  }
  prefix_ = Decode();
  prefix_index_ = ids_.size();
  return rest;
}

}  // namespace collie::tok
