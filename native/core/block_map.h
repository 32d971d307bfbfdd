// Open-addressing hash map: uint64 block hash -> Block (where the block's holder array
// lives in the HolderArena). Linear probing with backward-shift deletion (no tombstones),
// so probes stay short after heavy eviction churn. Keys are already well-mixed 64-bit
// hashes but are re-mixed anyway, so small or sequential keys (tests) behave too.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace collie {

struct Block {
  static constexpr uint32_t kEmpty = 0xffffffffu;    // slot unused
  static constexpr uint32_t kPending = 0xfffffffeu;  // inserted, chunk not yet assigned
  uint32_t off = kEmpty;  // first holder in the arena
  uint32_t size : 27;     // number of holders
  uint32_t cls : 5;       // the chunk holds 1 << cls holders
  Block() : size(0), cls(0) {}
};

class BlockMap {
 public:
  BlockMap() : slots_(kMinCapacity) { SetCapacity(kMinCapacity); }

  size_t size() const { return size_; }
  size_t capacity() const { return slots_.size(); }
  size_t bytes() const { return slots_.capacity() * sizeof(Slot); }

  Block* Find(uint64_t key) {
    for (size_t i = Home(key);; i = (i + 1) & mask_) {
      Slot& s = slots_[i];
      if (s.block.off == Block::kEmpty) return nullptr;
      if (s.key == key) return &s.block;
    }
  }
  const Block* Find(uint64_t key) const { return const_cast<BlockMap*>(this)->Find(key); }

  // Hints the CPU to fetch the home slot of `key` (used to overlap lookups in Match).
  void Prefetch(uint64_t key) const { __builtin_prefetch(&slots_[Home(key)]); }

  // Returns the block for `key`, inserting a kPending one if absent (*inserted). The caller
  // must assign a chunk to a new block or Erase(key) before any other call. The reference
  // is invalidated by any later FindOrInsert/Erase. Throws only before modifying anything.
  Block& FindOrInsert(uint64_t key, bool* inserted) {
    if ((size_ + 1) * 4 > slots_.size() * 3) Rehash(slots_.size() * 2);
    for (size_t i = Home(key);; i = (i + 1) & mask_) {
      Slot& s = slots_[i];
      if (s.block.off == Block::kEmpty) {
        s.key = key;
        s.block = Block();
        s.block.off = Block::kPending;
        ++size_;
        *inserted = true;
        return s.block;
      }
      if (s.key == key) {
        *inserted = false;
        return s.block;
      }
    }
  }

  // Removes `key` if present; shrinks the table when it falls below 1/8 full. Never throws.
  void Erase(uint64_t key) {
    size_t i = Home(key);
    for (;; i = (i + 1) & mask_) {
      if (slots_[i].block.off == Block::kEmpty) return;
      if (slots_[i].key == key) break;
    }
    // Backward-shift: pull later entries of the probe run into the hole.
    for (size_t j = (i + 1) & mask_;; j = (j + 1) & mask_) {
      const Slot& s = slots_[j];
      if (s.block.off == Block::kEmpty) break;
      size_t home = Home(s.key);
      // s may move into the hole unless its home lies cyclically in (i, j].
      bool stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
      if (!stays) {
        slots_[i] = s;
        i = j;
      }
    }
    slots_[i].block.off = Block::kEmpty;
    --size_;
    if (slots_.size() > kMinCapacity && size_ * 8 < slots_.size()) {
      try {
        Rehash(slots_.size() / 2);
      } catch (...) {
        // Shrinking is optional; on allocation failure keep the larger table.
      }
    }
  }

  // Visits every (key, block); the map must not be modified during the walk.
  template <typename F>
  void ForEach(F&& f) const {
    for (const Slot& s : slots_) {
      if (s.block.off != Block::kEmpty) f(s.key, s.block);
    }
  }

 private:
  struct Slot {
    uint64_t key = 0;
    Block block;
  };
  static_assert(sizeof(Slot) == 16, "a slot is two words");
  static constexpr size_t kMinCapacity = 16;

  size_t Home(uint64_t key) const {
    return static_cast<size_t>((key * 0x9e3779b97f4a7c15ull) >> shift_);  // Fibonacci hashing
  }

  void SetCapacity(size_t capacity) {
    mask_ = capacity - 1;
    shift_ = 64;
    for (size_t c = capacity; c > 1; c >>= 1) --shift_;
  }

  // Strong guarantee: the new table is allocated before anything is replaced.
  void Rehash(size_t capacity) {
    std::vector<Slot> fresh(capacity);
    fresh.swap(slots_);
    SetCapacity(capacity);
    for (const Slot& s : fresh) {
      if (s.block.off == Block::kEmpty) continue;
      size_t i = Home(s.key);
      while (slots_[i].block.off != Block::kEmpty) i = (i + 1) & mask_;
      slots_[i] = s;
    }
  }

  std::vector<Slot> slots_;
  size_t mask_ = 0;
  unsigned shift_ = 64;
  size_t size_ = 0;
};

}  // namespace collie
