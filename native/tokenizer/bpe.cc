#include "bpe.h"

#include <algorithm>
#include <cstring>
#include <queue>

#include "byte_level.h"

namespace collie::tok {

namespace {

constexpr uint32_t kNoRank = 0xFFFFFFFFu;
// Words with at most this many initial symbols use the quadratic in-place scan; longer ones
// (SentencePiece text without pre-tokenizer, long runs) use the heap.
constexpr size_t kSmallWord = 48;

inline size_t Utf8Len(unsigned char lead) {
  if (lead < 0x80) return 1;
  if (lead < 0xE0) return 2;
  if (lead < 0xF0) return 3;
  return 4;
}

}  // namespace

void BpeModel::InitialSymbols(std::string_view word, std::vector<uint32_t>* ids) const {
  ids->clear();
  const unsigned char* p = reinterpret_cast<const unsigned char*>(word.data());
  const size_t n = word.size();
  if (all_units_known_) {
    ids->resize(n);
    for (size_t i = 0; i < n; ++i) (*ids)[i] = unit_ids_[p[i]];
    return;
  }
  // General path (HF merge_word): vocab hit, else byte fallback, else unk (fused or not),
  // else the unit is dropped.
  uint32_t pending_unk = kNoId;
  std::string unit;
  for (size_t i = 0; i < n;) {
    size_t len = cfg_.byte_level ? 1 : std::min(Utf8Len(p[i]), n - i);
    uint32_t id = kNoId;
    if (len == 1 && (cfg_.byte_level || p[i] < 0x80)) {
      id = unit_ids_[p[i]];
    } else {
      lookup_.Find(word.substr(i, len), &id);
    }
    if (id != kNoId) {
      if (pending_unk != kNoId) ids->push_back(pending_unk), pending_unk = kNoId;
      ids->push_back(id);
      i += len;
      continue;
    }
    // The unit as the vocabulary spells it (byte-level: the mapped char).
    unit.clear();
    if (cfg_.byte_level) {
      BytesToByteLevel(word.substr(i, 1), &unit);
    } else {
      unit.assign(word.substr(i, len));
    }
    i += len;
    if (cfg_.byte_fallback) {
      bool all = true;
      for (unsigned char b : unit) all = all && fallback_ids_[b] != kNoId;
      if (all) {
        for (unsigned char b : unit) ids->push_back(fallback_ids_[b]);
        continue;
      }
    }
    if (unk_id_ != kNoId) {
      if (pending_unk != kNoId && !cfg_.fuse_unk) ids->push_back(pending_unk);
      pending_unk = unk_id_;
    }
  }
  if (pending_unk != kNoId) ids->push_back(pending_unk);
}

void BpeModel::MergeSmall(std::vector<uint32_t>* ids_vec) const {
  uint32_t* ids = ids_vec->data();
  size_t n = ids_vec->size();
  uint32_t rank[kSmallWord];
  uint32_t merged[kSmallWord];
  for (size_t i = 0; i + 1 < n; ++i) {
    if (!PairRank(ids[i], ids[i + 1], &rank[i], &merged[i])) rank[i] = kNoRank;
  }
  while (n > 1) {
    uint32_t best = kNoRank;
    size_t bi = 0;
    for (size_t i = 0; i + 1 < n; ++i) {
      if (rank[i] < best) best = rank[i], bi = i;
    }
    if (best == kNoRank) break;
    ids[bi] = merged[bi];
    for (size_t j = bi + 1; j + 1 < n; ++j) ids[j] = ids[j + 1];
    for (size_t j = bi + 1; j + 2 < n; ++j) rank[j] = rank[j + 1], merged[j] = merged[j + 1];
    --n;
    if (bi + 1 < n && !PairRank(ids[bi], ids[bi + 1], &rank[bi], &merged[bi])) rank[bi] = kNoRank;
    if (bi > 0 && !PairRank(ids[bi - 1], ids[bi], &rank[bi - 1], &merged[bi - 1])) rank[bi - 1] = kNoRank;
  }
  ids_vec->resize(n);
}

void BpeModel::MergeLarge(std::vector<uint32_t>* ids_vec) const {
  std::vector<uint32_t>& ids = *ids_vec;
  const size_t n = ids.size();
  struct Cand {
    uint32_t rank, pos, merged;
    bool operator<(const Cand& o) const { return rank != o.rank ? rank > o.rank : pos > o.pos; }
  };
  std::vector<int32_t> prev(n), next(n);
  std::vector<uint8_t> alive(n, 1);
  std::vector<Cand> heap_store;
  heap_store.reserve(n);
  std::priority_queue<Cand> heap(std::less<Cand>(), std::move(heap_store));
  for (size_t i = 0; i < n; ++i) {
    prev[i] = static_cast<int32_t>(i) - 1;
    next[i] = i + 1 < n ? static_cast<int32_t>(i + 1) : -1;
  }
  uint32_t r, m;
  for (size_t i = 0; i + 1 < n; ++i) {
    if (PairRank(ids[i], ids[i + 1], &r, &m)) heap.push({r, static_cast<uint32_t>(i), m});
  }
  while (!heap.empty()) {
    Cand c = heap.top();
    heap.pop();
    if (!alive[c.pos] || next[c.pos] < 0) continue;
    int32_t nx = next[c.pos];
    if (!PairRank(ids[c.pos], ids[static_cast<size_t>(nx)], &r, &m) || m != c.merged) continue;
    ids[c.pos] = m;
    alive[static_cast<size_t>(nx)] = 0;
    next[c.pos] = next[static_cast<size_t>(nx)];
    if (next[c.pos] >= 0) prev[static_cast<size_t>(next[c.pos])] = static_cast<int32_t>(c.pos);
    if (prev[c.pos] >= 0) {
      uint32_t pp = static_cast<uint32_t>(prev[c.pos]);
      if (PairRank(ids[pp], ids[c.pos], &r, &m)) heap.push({r, pp, m});
    }
    if (next[c.pos] >= 0) {
      if (PairRank(ids[c.pos], ids[static_cast<size_t>(next[c.pos])], &r, &m)) heap.push({r, c.pos, m});
    }
  }
  size_t w = 0;
  for (size_t i = 0; i < n; ++i) {
    if (alive[i]) ids[w++] = ids[i];
  }
  ids.resize(w);
}

void BpeModel::EncodeWord(std::string_view word, std::vector<uint32_t>* out) const {
  if (word.empty()) return;
  uint32_t id;
  if (cfg_.ignore_merges && lookup_.Find(word, &id)) {
    out->push_back(id);
    return;
  }
  thread_local std::vector<uint32_t> syms;
  InitialSymbols(word, &syms);
  if (syms.size() <= kSmallWord) {
    MergeSmall(&syms);
  } else {
    MergeLarge(&syms);
  }
  out->insert(out->end(), syms.begin(), syms.end());
}

}  // namespace collie::tok

namespace collie::tok {

bool BpeModel::ConcatRank(uint32_t a, uint32_t b, uint32_t* rank, uint32_t* merged) const {
  std::string_view ra = Raw(a), rb = Raw(b);
  char stack[128];
  thread_local std::string heap;
  const char* key;
  if (ra.size() + rb.size() <= sizeof stack) {
    std::memcpy(stack, ra.data(), ra.size());
    std::memcpy(stack + ra.size(), rb.data(), rb.size());
    key = stack;
  } else {
    heap.assign(ra).append(rb);
    key = heap.data();
  }
  uint32_t id;
  if (!lookup_.Find(std::string_view(key, ra.size() + rb.size()), &id)) return false;
  *rank = *merged = id;
  return true;
}

}  // namespace collie::tok
