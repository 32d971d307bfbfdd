// Open-addressing hash map uint64 block hash -> uint32 value, used by the prefix index.
// Linear probing with backward-shift deletion (no tombstones), so lookups stay short
// after heavy eviction churn. Keys are already well-mixed 64-bit hashes, but they are
// re-mixed anyway so that tests (and any caller) may use small or sequential keys.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace collie {

class BlockMap {
 public:
  static constexpr uint32_t kEmpty = 0xffffffffu;  // a value never stored by the caller

  BlockMap() { Reset(kMinCapacity); }

  size_t size() const { return size_; }
  size_t capacity() const { return slots_.size(); }
  size_t bytes() const { return slots_.capacity() * sizeof(Slot); }

  // Returns the value stored for `key`, or kEmpty.
  uint32_t Find(uint64_t key) const {
    for (size_t i = Home(key);; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.value == kEmpty) return kEmpty;
      if (s.key == key) return s.value;
    }
  }

  // Returns a reference to the value slot for `key`, inserting kEmpty if absent. The caller
  // must store a real value (not kEmpty) before the next call that may grow the table, or
  // Erase(key). The reference is invalidated by any later FindOrInsert/Erase.
  uint32_t& FindOrInsert(uint64_t key, bool* inserted) {
    if ((size_ + 1) * 4 > slots_.size() * 3) Rehash(slots_.size() * 2);
    for (size_t i = Home(key);; i = (i + 1) & mask_) {
      Slot& s = slots_[i];
      if (s.value == kEmpty) {
        s.key = key;
        ++size_;
        *inserted = true;
        return s.value;
      }
      if (s.key == key) {
        *inserted = false;
        return s.value;
      }
    }
  }

  // Overwrites the value of an existing key (no-op if absent).
  void Set(uint64_t key, uint32_t value) {
    for (size_t i = Home(key);; i = (i + 1) & mask_) {
      Slot& s = slots_[i];
      if (s.value == kEmpty) return;
      if (s.key == key) {
        s.value = value;
        return;
      }
    }
  }

  // Removes `key` if present; shrinks the table when it falls below 1/8 full.
  void Erase(uint64_t key) {
    size_t i = Home(key);
    for (;; i = (i + 1) & mask_) {
      if (slots_[i].value == kEmpty) return;
      if (slots_[i].key == key) break;
    }
    // Backward-shift: pull later entries of the probe run into the hole.
    for (size_t j = (i + 1) & mask_;; j = (j + 1) & mask_) {
      const Slot& s = slots_[j];
      if (s.value == kEmpty) break;
      size_t home = Home(s.key);
      // Move s into the hole unless its home lies cyclically in (i, j].
      bool stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
      if (!stays) {
        slots_[i] = s;
        i = j;
      }
    }
    slots_[i].value = kEmpty;
    --size_;
    if (slots_.size() > kMinCapacity && size_ * 8 < slots_.size()) Rehash(slots_.size() / 2);
  }

  template <typename F>
  void ForEach(F&& f) const {
    for (const Slot& s : slots_) {
      if (s.value != kEmpty) f(s.key, s.value);
    }
  }

  void Clear() {
    std::vector<Slot>().swap(slots_);
    Reset(kMinCapacity);
  }

 private:
  struct Slot {
    uint64_t key;
    uint32_t value;
  };
  static constexpr size_t kMinCapacity = 16;

  size_t Home(uint64_t key) const {
    // Fibonacci hashing over the top bits of the product.
    return static_cast<size_t>((key * 0x9e3779b97f4a7c15ull) >> shift_) & mask_;
  }

  void Reset(size_t capacity) {
    slots_.assign(capacity, Slot{0, kEmpty});
    mask_ = capacity - 1;
    shift_ = 64;
    for (size_t c = capacity; c > 1; c >>= 1) --shift_;
    size_ = 0;
  }

  void Rehash(size_t capacity) {
    std::vector<Slot> old;
    old.swap(slots_);
    Reset(capacity);
    for (const Slot& s : old) {
      if (s.value == kEmpty) continue;
      size_t i = Home(s.key);
      while (slots_[i].value != kEmpty) i = (i + 1) & mask_;
      slots_[i] = s;
      ++size_;
    }
  }

  std::vector<Slot> slots_;
  size_t mask_ = 0;
  unsigned shift_ = 64;
  size_t size_ = 0;
};

}  // namespace collie
