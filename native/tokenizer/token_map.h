// Open-addressing hash tables for the hot paths: byte string -> id (vocab), and
// (id, id) -> (rank, id) (BPE merges). Immutable after construction; safe to read from many
// threads.
#pragma once
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace collie::tok {

// "No token" in id arrays and lookups.
constexpr uint32_t kNoId = 0xFFFFFFFFu;

// Fast hash for short byte strings (8-byte words, multiply-mix; short tails by overlapping
// loads instead of a byte loop).
inline uint64_t HashBytes(const char* p, size_t n) {
  constexpr uint64_t kMul = 0x9E3779B97F4A7C15ull;
  uint64_t h = 0x243F6A8885A308D3ull ^ (n * kMul);
  while (n > 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    h = (h ^ w) * kMul;
    h ^= h >> 29;
    p += 8;
    n -= 8;
  }
  uint64_t w;
  if (n >= 4) {
    uint32_t a, b;
    std::memcpy(&a, p, 4);
    std::memcpy(&b, p + n - 4, 4);
    w = (static_cast<uint64_t>(a) << 32) | b;
  } else if (n > 0) {
    w = (static_cast<uint64_t>(static_cast<unsigned char>(p[0])) << 16) |
        (static_cast<uint64_t>(static_cast<unsigned char>(p[n >> 1])) << 8) | static_cast<unsigned char>(p[n - 1]);
  } else {
    w = 0;
  }
  h = (h ^ w) * kMul;
  h ^= h >> 32;
  h *= 0xD6E8FEB86659FD93ull;
  h ^= h >> 32;
  return h;
}

inline uint64_t HashBytes(std::string_view s) { return HashBytes(s.data(), s.size()); }

// Byte string -> uint32 id. Keys up to 16 bytes live inside the slot (one cache miss per
// lookup); longer ones keep a 12-byte prefix inline and the rest in an arena. Insert
// overwrites.
class TokenMap {
 public:
  void Reserve(size_t n);
  void Insert(std::string_view key, uint32_t id);
  // True and *id set when present.
  bool Find(std::string_view key, uint32_t* id) const {
    if (slots_.empty()) return false;
    const uint32_t len = static_cast<uint32_t>(key.size());
    size_t i = static_cast<size_t>(HashBytes(key)) & mask_;
    for (;;) {
      const Slot& s = slots_[i];
      if (s.len == len && Equal(s, key)) {
        *id = s.id;
        return true;
      }
      if (s.len == kEmpty) return false;
      i = (i + 1) & mask_;
    }
  }
  size_t size() const { return count_; }

 private:
  static constexpr uint32_t kEmpty = 0xFFFFFFFFu;
  static constexpr size_t kInline = 16;
  static constexpr size_t kPrefix = 12;
  struct Slot {
    uint32_t id = 0;
    uint32_t len = kEmpty;
    char key[kInline];  // whole key, or kPrefix bytes + uint32 arena offset
  };
  bool Equal(const Slot& s, std::string_view key) const {
    if (key.size() <= kInline) return std::memcmp(s.key, key.data(), key.size()) == 0;
    uint32_t off;
    std::memcpy(&off, s.key + kPrefix, 4);
    return std::memcmp(s.key, key.data(), kPrefix) == 0 &&
           std::memcmp(arena_.data() + off, key.data() + kPrefix, key.size() - kPrefix) == 0;
  }
  std::string_view KeyOf(const Slot& s) const;
  void Place(const Slot& s, uint64_t hash);
  std::vector<Slot> slots_;
  std::string arena_;
  size_t mask_ = 0;
  size_t count_ = 0;
};

// (left id, right id) -> (rank, merged id). Insert overwrites (a later duplicate merge wins,
// like HF's HashMap collect).
class MergeMap {
 public:
  void Reserve(size_t n);
  void Insert(uint32_t a, uint32_t b, uint32_t rank, uint32_t merged);
  // Returns false when the pair has no merge.
  bool Find(uint32_t a, uint32_t b, uint32_t* rank, uint32_t* merged) const {
    if (slots_.empty()) return false;
    uint64_t key = (static_cast<uint64_t>(a) << 32) | b;
    size_t i = Mix(key) & mask_;
    for (;;) {
      const Slot& s = slots_[i];
      if (s.key == key) {
        *rank = s.rank;
        *merged = s.merged;
        return true;
      }
      if (s.key == kEmptyKey) return false;
      i = (i + 1) & mask_;
    }
  }
  size_t size() const { return count_; }

 private:
  static constexpr uint64_t kEmptyKey = ~0ull;
  static size_t Mix(uint64_t k) {
    k ^= k >> 33;
    k *= 0xFF51AFD7ED558CCDull;
    k ^= k >> 33;
    return static_cast<size_t>(k);
  }
  struct Slot {
    uint64_t key = kEmptyKey;
    uint32_t rank = 0;
    uint32_t merged = 0;
  };
  void Grow();
  std::vector<Slot> slots_;
  size_t mask_ = 0;
  size_t count_ = 0;
};

}  // namespace collie::tok
