#include "prefix_index.h"

#include <algorithm>
#include <stdexcept>

namespace collie {

size_t PrefixIndex::Match(const std::string& model, const uint64_t* hashes, size_t n,
                          std::vector<WorkerMatch>* out, size_t limit) {
  out->clear();
  auto it = model_ids_.find(model);
  if (it == model_ids_.end() || limit == 0) return n;
  const BlockMap& map = models_[it->second].blocks;
  if (scratch_best_.size() < workers_.size()) scratch_best_.resize(workers_.size(), 0);
  scratch_seen_.clear();
  // Deepest block first: a worker's match is the first (deepest) block that names it. By the
  // prefix invariant the holders of a block include the holders of every deeper block, so a
  // block with no more holders than already seen adds nobody and is not scanned: a prefix
  // held by W workers costs one lookup per block plus O(W), not O(blocks × W).
  constexpr size_t kAhead = 8;  // lookups are independent: overlap their cache misses
  for (size_t i = n; i-- > 0 && i + kAhead >= n;) map.Prefetch(hashes[i]);
  // With a limit, the scan stops at `limit` workers: deeper matches are found first, and
  // among holders of equal depth a rotating start picks which ones, so a prefix cached on
  // many workers costs O(blocks + limit) and successive decisions see different holders.
  const uint32_t rotate = match_calls_++;
  for (size_t i = n; i-- > 0 && scratch_seen_.size() < limit;) {
    if (i >= kAhead) map.Prefetch(hashes[i - kAhead]);
    const Block* b = map.Find(hashes[i]);
    if (b == nullptr || b->size <= scratch_seen_.size()) continue;
    const Holder* hs = arena_.At(b->off);
    uint32_t start = limit < b->size ? rotate % b->size : 0;
    for (uint32_t j = 0; j < b->size && scratch_seen_.size() < limit; ++j) {
      uint32_t k = start + j < b->size ? start + j : start + j - b->size;
      uint32_t w = hs[k].worker;
      if (scratch_best_[w] != 0) continue;
      scratch_best_[w] = static_cast<uint32_t>(i + 1);
      scratch_seen_.push_back(w);
    }
  }
  out->reserve(scratch_seen_.size());
  for (uint32_t w : scratch_seen_) {
    out->push_back({w, scratch_best_[w]});
    scratch_best_[w] = 0;
  }
  std::sort(out->begin(), out->end(), [](const WorkerMatch& a, const WorkerMatch& b) {
    return a.blocks != b.blocks ? a.blocks > b.blocks : a.worker < b.worker;
  });
  return n;
}

void PrefixIndex::Insert(const std::string& model, uint32_t worker, const uint64_t* hashes,
                         size_t n, uint64_t tick) {
  if (n == 0) return;
  WorkerAt(worker);  // validates and grows the worker table before any mutation
  ReserveNodes(n);
  uint32_t model_id = ModelId(model);
  Model& m = models_[model_id];
  Worker& w = workers_[worker];
  // The result must be the worker's LRU list starting b0, b1, ..., b(n-1) (the head of the
  // prefix most recent, see header). Leading blocks that already sit together in that order
  // (the common case: this worker was given the same prefix before) are found by walking the
  // list from b0's node, get their tick refreshed and move to the front as one segment, with
  // no map lookup after b0's; each later block is placed right after its predecessor.
  uint32_t prev = kNil;
  size_t k = 0;
  uint32_t first = HolderNode(m, worker, hashes[0], w.lru_head, model_id);
  if (first != kNil) {
    for (uint32_t x = first; x != kNil && k < n; x = nodes_[x].lru_next, ++k) {
      Node& node = nodes_[x];
      if (node.model != model_id || node.hash != hashes[k]) break;
      node.tick = tick;
      prev = x;
    }
    LruMoveSegmentToFront(w, first, prev);
  }
  try {
    constexpr size_t kAhead = 8;  // overlap the blocks' cache misses
    for (size_t i = k; i < n && i < k + kAhead; ++i) m.blocks.Prefetch(hashes[i]);
    for (size_t i = k; i < n; ++i) {
      if (i + kAhead < n) m.blocks.Prefetch(hashes[i + kAhead]);
      prev = Touch(m, model_id, worker, hashes[i], tick, prev);
    }
  } catch (...) {
    EvictOverCapacity(worker);  // a map growth failed: keep what was inserted consistent
    throw;
  }
  EvictOverCapacity(worker);
}

uint32_t PrefixIndex::Touch(Model& m, uint32_t model_id, uint32_t worker, uint64_t hash,
                            uint64_t tick, uint32_t after) {
  Worker& w = workers_[worker];
  bool inserted = false;
  Block& b = m.blocks.FindOrInsert(hash, &inserted);
  if (inserted) {
    try {
      b.off = arena_.Alloc(0);  // `b` stays valid: the arena is not the map
    } catch (...) {
      m.blocks.Erase(hash);  // never leave a pending block behind
      throw;
    }
  } else {
    const Holder* hs = arena_.At(b.off);
    uint32_t k = FindHolder(hs, b.size, worker);
    if (k < b.size && hs[k].worker == worker) {
      uint32_t idx = hs[k].node;
      nodes_[idx].tick = tick;
      if (idx != after) {
        LruUnlink(w, idx);
        LruInsertAfter(w, after, idx);
      }
      return idx;
    }
  }
  uint32_t idx = AllocNode();  // cannot throw: Insert reserved the pool
  try {
    AddHolder(b, worker, idx);
  } catch (...) {
    FreeNode(idx);  // the block is unchanged (it already had holders)
    throw;
  }
  nodes_[idx] = Node{hash, tick, worker, model_id, kNil, kNil};
  LruInsertAfter(w, after, idx);
  ++w.held;
  return idx;
}

uint32_t PrefixIndex::FindHolder(const Holder* hs, uint32_t size, uint32_t worker) {
  if (size <= 8) {  // the common case: a handful of holders, scanned
    uint32_t k = 0;
    while (k < size && hs[k].worker < worker) ++k;
    return k;
  }
  return static_cast<uint32_t>(
      std::lower_bound(hs, hs + size, worker,
                       [](const Holder& h, uint32_t w) { return h.worker < w; }) -
      hs);
}

void PrefixIndex::AddHolder(Block& b, uint32_t worker, uint32_t node) {
  if (b.size == (1u << b.cls)) {
    uint32_t off = arena_.Alloc(b.cls + 1);  // the only step that can throw
    std::copy(arena_.At(b.off), arena_.At(b.off) + b.size, arena_.At(off));
    arena_.Free(b.off, b.cls);
    b.off = off;
    ++b.cls;
  }
  // holders stay sorted by worker, so finding one is a binary search on popular blocks
  Holder* hs = arena_.At(b.off);
  uint32_t k = FindHolder(hs, b.size, worker);
  std::copy_backward(hs + k, hs + b.size, hs + b.size + 1);
  hs[k] = Holder{worker, node};
  ++b.size;
}

void PrefixIndex::SetCapacity(uint32_t worker, uint64_t blocks) {
  WorkerAt(worker).capacity = blocks;
  EvictOverCapacity(worker);
}

void PrefixIndex::RemoveWorker(uint32_t worker) {
  Worker& w = WorkerAt(worker);
  while (w.lru_head != kNil) DropHolder(w.lru_head);
  w = Worker{};
}

void PrefixIndex::Clear() {
  arena_.Clear();
  nodes_.clear();
  nodes_.shrink_to_fit();
  free_nodes_ = kNil;
  free_count_ = 0;
  live_nodes_ = 0;
  models_.clear();
  free_models_.clear();
  model_ids_.clear();
  for (Worker& w : workers_) {
    uint64_t capacity = w.capacity;
    w = Worker{};
    w.capacity = capacity;
  }
}

void PrefixIndex::ClearModel(const std::string& model) {
  auto it = model_ids_.find(model);
  if (it == model_ids_.end()) return;
  uint32_t id = it->second;
  Model& m = models_[id];
  BlockMap fresh;  // allocated before anything is freed, so nothing below throws
  m.blocks.ForEach([this](uint64_t, const Block& b) {
    const Holder* hs = arena_.At(b.off);
    for (uint32_t k = 0; k < b.size; ++k) {
      Worker& w = workers_[hs[k].worker];
      LruUnlink(w, hs[k].node);
      --w.held;
      FreeNode(hs[k].node);
    }
    arena_.Free(b.off, b.cls);
  });
  m.blocks = std::move(fresh);
  m.name.clear();
  m.name.shrink_to_fit();
  m.live = false;
  model_ids_.erase(it);
  free_models_.push_back(id);
}

PrefixIndexStats PrefixIndex::Stats() const {
  PrefixIndexStats s;
  s.models = model_ids_.size();
  s.holders = live_nodes_;
  s.bytes = arena_.bytes() + nodes_.capacity() * sizeof(Node) +
            workers_.capacity() * sizeof(Worker) +
            models_.capacity() * sizeof(Model) +
            (scratch_best_.capacity() + scratch_seen_.capacity()) * sizeof(uint32_t);
  for (const Model& m : models_) {
    if (!m.live) continue;
    s.blocks += m.blocks.size();
    // Map slots, plus a rough per-entry cost for the name lookup table.
    s.bytes += m.blocks.bytes() + m.name.capacity() + 64;
  }
  for (uint32_t i = 0; i < workers_.size(); ++i) {
    const Worker& w = workers_[i];
    if (w.held > 0 || w.capacity != kUnlimited) s.workers.push_back({i, w.held, w.capacity});
  }
  return s;
}

bool PrefixIndex::HolderTick(const std::string& model, uint64_t hash, uint32_t worker,
                             uint64_t* tick) const {
  auto it = model_ids_.find(model);
  if (it == model_ids_.end()) return false;
  const Block* b = models_[it->second].blocks.Find(hash);
  if (b == nullptr) return false;
  const Holder* hs = arena_.At(b->off);
  uint32_t k = FindHolder(hs, b->size, worker);
  if (k == b->size || hs[k].worker != worker) return false;
  *tick = nodes_[hs[k].node].tick;
  return true;
}

uint32_t PrefixIndex::ModelId(const std::string& model) {
  auto it = model_ids_.find(model);
  if (it != model_ids_.end()) return it->second;
  uint32_t id;
  if (!free_models_.empty()) {
    id = free_models_.back();
    free_models_.pop_back();
  } else {
    id = static_cast<uint32_t>(models_.size());
    models_.emplace_back();
    free_models_.reserve(models_.size());  // so ClearModel's push_back cannot throw
  }
  models_[id].name = model;
  models_[id].live = true;
  model_ids_.emplace(model, id);
  return id;
}

PrefixIndex::Worker& PrefixIndex::WorkerAt(uint32_t worker) {
  if (worker >= kMaxWorkers) throw std::out_of_range("worker slot id out of range");
  if (worker >= workers_.size()) workers_.resize(worker + 1);
  return workers_[worker];
}

void PrefixIndex::ReserveNodes(size_t n) {
  size_t spare = free_count_ + (nodes_.capacity() - nodes_.size());
  if (n <= spare) return;
  size_t want = nodes_.size() + (n - free_count_);
  if (want >= kNil) throw std::length_error("prefix index node pool exhausted");
  nodes_.reserve(std::max(want, std::min<size_t>(nodes_.capacity() * 2, kNil - 1)));
}

uint32_t PrefixIndex::AllocNode() {
  if (free_nodes_ != kNil) {
    uint32_t idx = free_nodes_;
    free_nodes_ = nodes_[idx].lru_next;
    --free_count_;
    ++live_nodes_;
    return idx;
  }
  nodes_.emplace_back();  // within the capacity ReserveNodes secured
  ++live_nodes_;
  return static_cast<uint32_t>(nodes_.size() - 1);
}

void PrefixIndex::FreeNode(uint32_t idx) {
  nodes_[idx].worker = kNil;
  nodes_[idx].lru_next = free_nodes_;
  free_nodes_ = idx;
  ++free_count_;
  --live_nodes_;
}

void PrefixIndex::LruUnlink(Worker& w, uint32_t idx) {
  Node& node = nodes_[idx];
  if (node.lru_prev != kNil) nodes_[node.lru_prev].lru_next = node.lru_next;
  else w.lru_head = node.lru_next;
  if (node.lru_next != kNil) nodes_[node.lru_next].lru_prev = node.lru_prev;
  else w.lru_tail = node.lru_prev;
  node.lru_prev = node.lru_next = kNil;
}

void PrefixIndex::LruPushFront(Worker& w, uint32_t idx) {
  Node& node = nodes_[idx];
  node.lru_prev = kNil;
  node.lru_next = w.lru_head;
  if (w.lru_head != kNil) nodes_[w.lru_head].lru_prev = idx;
  w.lru_head = idx;
  if (w.lru_tail == kNil) w.lru_tail = idx;
}

uint32_t PrefixIndex::HolderNode(const Model& m, uint32_t worker, uint64_t hash, uint32_t hint,
                                  uint32_t model_id) const {
  if (hint != kNil && nodes_[hint].hash == hash && nodes_[hint].model == model_id) return hint;
  const Block* b = m.blocks.Find(hash);
  if (b == nullptr) return kNil;
  const Holder* hs = arena_.At(b->off);
  uint32_t k = FindHolder(hs, b->size, worker);
  return k < b->size && hs[k].worker == worker ? hs[k].node : kNil;
}

void PrefixIndex::LruMoveSegmentToFront(Worker& w, uint32_t first, uint32_t last) {
  if (first == w.lru_head) return;
  uint32_t before = nodes_[first].lru_prev;  // not kNil: `first` is not the head
  uint32_t after = nodes_[last].lru_next;
  nodes_[before].lru_next = after;
  if (after != kNil) nodes_[after].lru_prev = before;
  else w.lru_tail = before;
  nodes_[first].lru_prev = kNil;
  nodes_[last].lru_next = w.lru_head;
  nodes_[w.lru_head].lru_prev = last;
  w.lru_head = first;
}

void PrefixIndex::LruInsertAfter(Worker& w, uint32_t after, uint32_t idx) {
  if (after == kNil) return LruPushFront(w, idx);
  Node& node = nodes_[idx];
  Node& before = nodes_[after];
  node.lru_prev = after;
  node.lru_next = before.lru_next;
  if (before.lru_next != kNil) nodes_[before.lru_next].lru_prev = idx;
  else w.lru_tail = idx;
  before.lru_next = idx;
}

void PrefixIndex::DropHolder(uint32_t idx) {
  Node& node = nodes_[idx];
  Worker& w = workers_[node.worker];
  BlockMap& map = models_[node.model].blocks;
  Block* b = map.Find(node.hash);
  Holder* hs = arena_.At(b->off);
  uint32_t k = FindHolder(hs, b->size, node.worker);
  std::copy(hs + k + 1, hs + b->size, hs + k);  // keeps the holders sorted by worker
  if (--b->size == 0) {
    arena_.Free(b->off, b->cls);
    map.Erase(node.hash);  // last holder gone: the block is deleted
  }
  LruUnlink(w, idx);
  --w.held;
  FreeNode(idx);
}

void PrefixIndex::EvictOverCapacity(uint32_t worker) {
  Worker& w = workers_[worker];
  while (w.held > w.capacity && w.lru_tail != kNil) DropHolder(w.lru_tail);
}

}  // namespace collie
