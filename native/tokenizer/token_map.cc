#include "token_map.h"

namespace collie::tok {

namespace {
// Power of two with load factor <= 0.75 (linear probing stays short; the tables are big).
size_t TableSizeFor(size_t n) {
  size_t cap = 16;
  while (cap * 3 < n * 4) cap <<= 1;
  return cap;
}
}  // namespace

std::string_view TokenMap::KeyOf(const Slot& s) const {
  if (s.len <= kInline) return std::string_view(s.key, s.len);
  thread_local std::string buf;
  uint32_t off;
  std::memcpy(&off, s.key + kPrefix, 4);
  buf.assign(s.key, kPrefix).append(arena_.data() + off, s.len - kPrefix);
  return buf;
}

void TokenMap::Place(const Slot& s, uint64_t hash) {
  size_t i = static_cast<size_t>(hash) & mask_;
  while (slots_[i].len != kEmpty) i = (i + 1) & mask_;
  slots_[i] = s;
}

void TokenMap::Reserve(size_t n) {
  if (TableSizeFor(n) <= slots_.size()) return;
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(TableSizeFor(n), Slot());
  mask_ = slots_.size() - 1;
  for (const Slot& s : old) {
    if (s.len != kEmpty) Place(s, HashBytes(KeyOf(s)));
  }
}

void TokenMap::Insert(std::string_view key, uint32_t id) {
  if ((count_ + 1) * 4 > slots_.size() * 3) Reserve(count_ * 2 + 16);
  uint64_t h = HashBytes(key);
  const uint32_t len = static_cast<uint32_t>(key.size());
  size_t i = static_cast<size_t>(h) & mask_;
  for (;;) {
    Slot& s = slots_[i];
    if (s.len == kEmpty) break;
    if (s.len == len && Equal(s, key)) {
      s.id = id;
      return;
    }
    i = (i + 1) & mask_;
  }
  Slot& s = slots_[i];
  s.id = id;
  s.len = len;
  if (key.size() <= kInline) {
    std::memcpy(s.key, key.data(), key.size());
  } else {
    std::memcpy(s.key, key.data(), kPrefix);
    uint32_t off = static_cast<uint32_t>(arena_.size());
    std::memcpy(s.key + kPrefix, &off, 4);
    arena_.append(key.data() + kPrefix, key.size() - kPrefix);
  }
  ++count_;
}

void MergeMap::Reserve(size_t n) {
  if (TableSizeFor(n) <= slots_.size()) return;
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(TableSizeFor(n), Slot());
  mask_ = slots_.size() - 1;
  for (const Slot& s : old) {
    if (s.key == kEmptyKey) continue;
    size_t i = Mix(s.key) & mask_;
    while (slots_[i].key != kEmptyKey) i = (i + 1) & mask_;
    slots_[i] = s;
  }
}

void MergeMap::Grow() { Reserve(count_ * 2 + 16); }

void MergeMap::Insert(uint32_t a, uint32_t b, uint32_t rank, uint32_t merged) {
  if ((count_ + 1) * 4 > slots_.size() * 3) Grow();
  uint64_t key = (static_cast<uint64_t>(a) << 32) | b;
  size_t i = Mix(key) & mask_;
  while (slots_[i].key != kEmptyKey && slots_[i].key != key) i = (i + 1) & mask_;
  Slot& s = slots_[i];
  if (s.key == kEmptyKey) ++count_;
  s.key = key;
  s.rank = rank;
  s.merged = merged;
}

}  // namespace collie::tok
