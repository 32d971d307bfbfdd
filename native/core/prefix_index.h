// Pure C++ prefix index (no N-API types): which worker probably holds which KV blocks.
//
// One index per model id maps a chained block hash (see hash.h) to its holders, stored
// contiguously per block (HolderArena) so a match scans them without pointer chasing.
// Every (block, worker) holder also owns a node on the worker's intrusive LRU list (one
// list per worker across all models, because the worker's KV cache is shared by all it
// serves). All operations are O(1) per block touched (plus a scan of that block's
// holders); nothing scans a heap or the whole index.
//
// Prefix invariant: Insert leaves a request's blocks at the front of the worker's LRU list
// in prefix order (head first), so a block is always at least as recent as every deeper
// block inserted with it, and LRU eviction drops the
// tail of a prefix before its head, as an engine's radix cache does. Match is defined as
// "deepest held block + 1" (a chained hash at depth j already pins the whole prefix); with
// the invariant this equals the number of leading blocks the worker holds.
//
// Not thread-safe: each JS thread owns its own instances.
#pragma once
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <unordered_map>
#include <vector>

#include "block_map.h"
#include "holder_arena.h"

namespace collie {

struct WorkerMatch {
  uint32_t worker;
  uint32_t blocks;  // matched prefix length in blocks
};

struct WorkerStats {
  uint32_t worker;
  uint64_t blocks;    // holder entries charged to this worker
  uint64_t capacity;  // PrefixIndex::kUnlimited when unset
};

struct PrefixIndexStats {
  size_t models = 0;
  size_t blocks = 0;   // distinct (model, block hash) entries
  size_t holders = 0;  // (model, block, worker) entries
  size_t bytes = 0;    // approximate heap footprint
  std::vector<WorkerStats> workers;  // workers holding blocks or with a capacity, by id
};

class PrefixIndex {
 public:
  static constexpr uint32_t kMaxWorkers = 1u << 16;  // worker slot ids are [0, kMaxWorkers)
  static constexpr uint64_t kUnlimited = std::numeric_limits<uint64_t>::max();
  static_assert((size_t{1} << (HolderArena::kClasses - 1)) >= kMaxWorkers,
                "a block's holder chunk must be able to hold every worker");

  // Fills `out` with the workers whose match is > 0, sorted by blocks desc then worker asc.
  // With a limit, at most `limit` of them: the longest matches first; among workers of equal
  // length at the cut, which ones are kept rotates from call to call. Returns n (the query's
  // total blocks). Read-only: matching does not refresh recency.
  size_t Match(const std::string& model, const uint64_t* hashes, size_t n,
               std::vector<WorkerMatch>* out, size_t limit = SIZE_MAX);

  // Records `worker` as holder of hashes[0..n) (refreshing recency and tick), then evicts
  // the worker's least recently used blocks while it is over capacity.
  void Insert(const std::string& model, uint32_t worker, const uint64_t* hashes, size_t n,
              uint64_t tick);

  // Capacity in blocks (kUnlimited by default); evicts at once if the worker is over it.
  void SetCapacity(uint32_t worker, uint64_t blocks);

  // Removes every holder entry of `worker` in every model and resets its capacity, so the
  // slot can be reused for a different worker.
  void RemoveWorker(uint32_t worker);

  // Drops all blocks of all models (Clear) or of one model; capacities are kept.
  void Clear();
  void ClearModel(const std::string& model);

  PrefixIndexStats Stats() const;

  // Last-use tick of (model, block, worker), or false if not held. For tests and debugging.
  bool HolderTick(const std::string& model, uint64_t hash, uint32_t worker,
                  uint64_t* tick) const;

 private:
  static constexpr uint32_t kNil = 0xffffffffu;

  struct Node {
    uint64_t hash;
    uint64_t tick;
    uint32_t worker;
    uint32_t model;
    uint32_t lru_prev, lru_next;  // worker LRU list, head = most recent; free list: lru_next
  };
  struct Worker {
    uint32_t lru_head = kNil, lru_tail = kNil;
    uint64_t held = 0;
    uint64_t capacity = kUnlimited;
  };
  struct Model {
    std::string name;
    BlockMap blocks;  // hash -> holder chunk in arena_
    bool live = false;
  };

  uint32_t ModelId(const std::string& model);  // creates the model if needed
  Worker& WorkerAt(uint32_t worker);
  void ReserveNodes(size_t n);  // throws before any mutation if the pool cannot grow
  uint32_t AllocNode();
  void FreeNode(uint32_t idx);
  void LruUnlink(Worker& w, uint32_t idx);
  void LruPushFront(Worker& w, uint32_t idx);
  void LruInsertAfter(Worker& w, uint32_t after, uint32_t idx);  // after == kNil: the front
  // Moves the list segment first..last (linked, first nearer the head) to the front.
  void LruMoveSegmentToFront(Worker& w, uint32_t first, uint32_t last);
  // The worker's node for (model, hash), or kNil; `hint` is checked first.
  uint32_t HolderNode(const Model& m, uint32_t worker, uint64_t hash, uint32_t hint,
                      uint32_t model_id) const;
  // Holds (model, hash) for the worker at `tick`, placed in its LRU list right after node
  // `after` (the front if kNil); returns the holder's node.
  uint32_t Touch(Model& m, uint32_t model_id, uint32_t worker, uint64_t hash, uint64_t tick,
                 uint32_t after);
  // Index of the first holder with worker >= `worker` (holders are sorted by worker).
  static uint32_t FindHolder(const Holder* hs, uint32_t size, uint32_t worker);
  void AddHolder(Block& b, uint32_t worker, uint32_t node);  // may grow the chunk (throws)
  void DropHolder(uint32_t idx);  // unlinks from block + LRU lists and frees
  void EvictOverCapacity(uint32_t worker);

  HolderArena arena_;
  std::vector<Node> nodes_;
  uint32_t free_nodes_ = kNil;
  size_t free_count_ = 0;
  size_t live_nodes_ = 0;
  std::vector<Worker> workers_;
  std::vector<Model> models_;
  std::vector<uint32_t> free_models_;
  std::unordered_map<std::string, uint32_t> model_ids_;
  std::vector<uint32_t> scratch_best_;  // per-worker match length during Match
  std::vector<uint32_t> scratch_seen_;
  uint32_t match_calls_ = 0;  // rotates which equal-length holders a limited Match keeps
};

}  // namespace collie
