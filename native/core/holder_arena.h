// Slab arena for the per-block holder arrays of the prefix index. A block's holders sit
// contiguously (so Match scans them without dependent loads) in a chunk of 1 << cls
// entries; a full chunk is replaced by one of the next class. Freed chunks go on an
// intrusive free list per class, so Free never allocates and never throws. Offsets stay
// valid when the arena grows; pointers from At() do not.
#pragma once
#include <cstddef>
#include <cstdint>
#include <new>
#include <vector>

namespace collie {

struct Holder {
  uint32_t worker;
  uint32_t node;  // index of the (block, worker) node in the index's node pool
};

class HolderArena {
 public:
  static constexpr unsigned kClasses = 18;  // up to 1 << 17 holders per block
  static constexpr uint32_t kNone = 0xffffffffu;

  HolderArena() { ResetFreeLists(); }

  Holder* At(uint32_t off) { return slots_.data() + off; }
  const Holder* At(uint32_t off) const { return slots_.data() + off; }
  size_t bytes() const { return slots_.capacity() * sizeof(Holder); }

  // Returns the offset of a chunk of 1 << cls holders. Throws (before any change) when
  // the arena cannot grow.
  uint32_t Alloc(unsigned cls) {
    uint32_t off = free_[cls];
    if (off != kNone) {
      free_[cls] = slots_[off].worker;
      return off;
    }
    size_t n = size_t{1} << cls;
    if (slots_.size() + n >= kNone) throw std::bad_alloc();
    off = static_cast<uint32_t>(slots_.size());
    slots_.resize(slots_.size() + n);
    return off;
  }

  void Free(uint32_t off, unsigned cls) {
    slots_[off].worker = free_[cls];
    free_[cls] = off;
  }

  void Clear() {
    std::vector<Holder>().swap(slots_);
    ResetFreeLists();
  }

 private:
  void ResetFreeLists() {
    for (uint32_t& f : free_) f = kNone;
  }

  std::vector<Holder> slots_;
  uint32_t free_[kClasses];
};

}  // namespace collie
