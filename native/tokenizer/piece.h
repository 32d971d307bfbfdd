// Pieces of text flowing through the encode pipeline, and the per-thread scratch arena that
// holds text created on the way (normalized pieces, prepended spaces/metaspaces).
#pragma once
#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

namespace collie::tok {

struct Piece {
  std::string_view text;
  // The piece starts at offset 0 of the original input (HF offsets_original().0 == 0); the
  // Metaspace pre-tokenizer's prepend_scheme "first" depends on it.
  bool at_start = false;
};

// Bump allocator; Reset keeps the first chunk so steady-state encodes do not allocate.
class Arena {
 public:
  char* Alloc(size_t n) {
    if (n > cap_ - used_) NewChunk(n);
    char* p = cur_ + used_;
    used_ += n;
    return p;
  }
  std::string_view Copy(std::string_view a, std::string_view b = {}) {
    char* p = Alloc(a.size() + b.size());
    if (!a.empty()) std::memcpy(p, a.data(), a.size());
    if (!b.empty()) std::memcpy(p + a.size(), b.data(), b.size());
    return {p, a.size() + b.size()};
  }
  void Reset() {
    if (chunks_.size() > 1) {
      // Keep only the largest chunk.
      std::unique_ptr<char[]> keep = std::move(chunks_.back());
      size_t cap = last_cap_;
      chunks_.clear();
      chunks_.push_back(std::move(keep));
      cap_ = cap;
      cur_ = chunks_.back().get();
    }
    used_ = 0;
  }

 private:
  void NewChunk(size_t n) {
    size_t cap = std::max<size_t>(n, std::max<size_t>(64 * 1024, last_cap_ * 2));
    chunks_.emplace_back(new char[cap]);
    cur_ = chunks_.back().get();
    cap_ = cap;
    last_cap_ = cap;
    used_ = 0;
  }
  std::vector<std::unique_ptr<char[]>> chunks_;
  char* cur_ = nullptr;
  size_t cap_ = 0;
  size_t used_ = 0;
  size_t last_cap_ = 0;
};

}  // namespace collie::tok
