// Unit test for the pure C++ prefix index. Built by binding.gyp as the executable target
// `prefix_index_test` (build/Release/prefix_index_test); exits non-zero on the first failure.
// CHECK is used instead of assert() so the checks survive NDEBUG in Release builds.
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

#include "../core/block_map.h"
#include "../core/hash.h"
#include "../core/prefix_index.h"

#define CHECK(cond)                                                        \
  do {                                                                     \
    if (!(cond)) {                                                         \
      std::fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, \
                   #cond);                                                 \
      std::exit(1);                                                        \
    }                                                                      \
  } while (0)

namespace {

using collie::PrefixIndex;
using collie::WorkerMatch;
using Hashes = std::vector<uint64_t>;

// Chained hashes of `blocks` blocks of 4 tokens; blocks [0, shared) are common to every
// `family`, later blocks differ per family, so families share exactly `shared` blocks.
Hashes Prompt(size_t blocks, size_t shared, uint32_t family) {
  std::vector<uint32_t> tokens;
  for (size_t b = 0; b < blocks; ++b) {
    for (uint32_t t = 0; t < 4; ++t) {
      tokens.push_back(static_cast<uint32_t>(b * 4 + t) + (b >= shared ? family << 20 : 0));
    }
  }
  Hashes out(blocks);
  collie::ChainedBlockHashes(tokens.data(), tokens.size(), 4, 0, out.data(), out.size());
  return out;
}

std::vector<WorkerMatch> Match(PrefixIndex& idx, const std::string& model, const Hashes& h) {
  std::vector<WorkerMatch> out;
  size_t total = idx.Match(model, h.data(), h.size(), &out);
  CHECK(total == h.size());
  return out;
}

uint32_t MatchOf(PrefixIndex& idx, const std::string& model, const Hashes& h, uint32_t w) {
  for (const WorkerMatch& m : Match(idx, model, h)) {
    if (m.worker == w) return m.blocks;
  }
  return 0;
}

uint64_t Held(const PrefixIndex& idx, uint32_t worker) {
  for (const auto& w : idx.Stats().workers) {
    if (w.worker == worker) return w.blocks;
  }
  return 0;
}

void TestBlockMap() {
  collie::BlockMap map;
  for (uint64_t k = 0; k < 5000; ++k) {
    bool inserted = false;
    map.FindOrInsert(k, &inserted).off = static_cast<uint32_t>(k * 3);
    CHECK(inserted);
  }
  CHECK(map.size() == 5000);
  for (uint64_t k = 0; k < 5000; k += 2) map.Erase(k);
  CHECK(map.size() == 2500);
  for (uint64_t k = 0; k < 5000; ++k) {
    const collie::Block* b = map.Find(k);
    CHECK(k % 2 ? (b != nullptr && b->off == k * 3) : b == nullptr);
  }
  size_t before = map.capacity();
  for (uint64_t k = 1; k < 5000; k += 2) map.Erase(k);
  CHECK(map.size() == 0);
  CHECK(map.capacity() < before);  // shrank
}

void TestManyHoldersPerBlock() {
  PrefixIndex idx;
  Hashes a = Prompt(3, 3, 0);
  for (uint32_t w = 0; w < 300; ++w) idx.Insert("m", w * 7, a.data(), 1 + w % 3, w + 1);
  auto r = Match(idx, "m", a);
  CHECK(r.size() == 300);
  CHECK(r[0].blocks == 3 && r[299].blocks == 1);
  for (uint32_t w = 0; w < 300; w += 2) idx.RemoveWorker(w * 7);
  r = Match(idx, "m", a);
  CHECK(r.size() == 150);
  for (const WorkerMatch& m : r) CHECK(m.worker % 2 == 1 && m.blocks == 1 + (m.worker / 7) % 3);
  CHECK(idx.Stats().blocks == 3 && idx.Stats().holders == 300);  // 50 + 50 + 50 per depth
}

void TestMatchDepths() {
  PrefixIndex idx;
  Hashes a = Prompt(10, 10, 0);
  CHECK(Match(idx, "m", a).empty());
  idx.Insert("m", 0, a.data(), 6, 1);  // worker 0 holds the first 6 blocks
  idx.Insert("m", 1, a.data(), 10, 2);
  idx.Insert("m", 2, a.data(), 2, 3);
  auto r = Match(idx, "m", a);
  CHECK(r.size() == 3);
  CHECK(r[0].worker == 1 && r[0].blocks == 10);
  CHECK(r[1].worker == 0 && r[1].blocks == 6);
  CHECK(r[2].worker == 2 && r[2].blocks == 2);
  // A shorter query matches at most its own length.
  Hashes head(a.begin(), a.begin() + 3);
  r = Match(idx, "m", head);
  CHECK(r.size() == 3 && r[0].blocks == 3 && r[1].blocks == 3 && r[2].blocks == 2);
  CHECK(r[0].worker == 0 && r[1].worker == 1);  // ties: lower worker id first
  // An unrelated prompt matches nothing; an empty query matches nothing.
  CHECK(Match(idx, "m", Prompt(5, 0, 7)).empty());
  CHECK(Match(idx, "m", Hashes{}).empty());
  // Ticks are recorded per holder.
  uint64_t tick = 0;
  CHECK(idx.HolderTick("m", a[0], 2, &tick) && tick == 3);
  CHECK(!idx.HolderTick("m", a[7], 0, &tick));
}

void TestSharedPrefixes() {
  PrefixIndex idx;
  Hashes p1 = Prompt(8, 5, 1), p2 = Prompt(8, 5, 2), p3 = Prompt(8, 5, 3);
  idx.Insert("m", 0, p1.data(), p1.size(), 1);
  idx.Insert("m", 1, p2.data(), p2.size(), 2);
  auto r = Match(idx, "m", p3);  // both hold the shared 5 blocks, neither the tail
  CHECK(r.size() == 2 && r[0].blocks == 5 && r[1].blocks == 5);
  CHECK(MatchOf(idx, "m", p1, 0) == 8 && MatchOf(idx, "m", p1, 1) == 5);
  auto s = idx.Stats();
  CHECK(s.blocks == 5 + 3 + 3);  // shared blocks stored once
  CHECK(s.holders == 16);
  CHECK(Held(idx, 0) == 8 && Held(idx, 1) == 8);
  // Re-inserting refreshes rather than duplicates.
  idx.Insert("m", 0, p1.data(), p1.size(), 9);
  CHECK(idx.Stats().holders == 16 && Held(idx, 0) == 8);
}

void TestLruEvictionOrder() {
  PrefixIndex idx;
  idx.SetCapacity(0, 6);
  Hashes a = Prompt(4, 0, 1), b = Prompt(4, 0, 2);
  idx.Insert("m", 0, a.data(), 4, 1);
  idx.Insert("m", 0, b.data(), 4, 2);  // 8 > 6: a's two deepest blocks go first
  CHECK(Held(idx, 0) == 6);
  CHECK(MatchOf(idx, "m", a, 0) == 2 && MatchOf(idx, "m", b, 0) == 4);
  // Refresh a's head only: LRU order is now (old) a1, b3, b2, b1, b0, a0 (new), so a
  // 2-block insert evicts a1 and then b3.
  idx.Insert("m", 0, a.data(), 1, 3);
  Hashes c = Prompt(2, 0, 3);
  idx.Insert("m", 0, c.data(), 2, 4);
  CHECK(Held(idx, 0) == 6);
  CHECK(MatchOf(idx, "m", a, 0) == 1 && MatchOf(idx, "m", b, 0) == 3);
  CHECK(MatchOf(idx, "m", c, 0) == 2);
  // An insert larger than the capacity keeps only its head.
  Hashes big = Prompt(10, 0, 4);
  idx.Insert("m", 0, big.data(), big.size(), 5);
  CHECK(Held(idx, 0) == 6 && MatchOf(idx, "m", big, 0) == 6);
  CHECK(Match(idx, "m", a).empty() && Match(idx, "m", c).empty());
  CHECK(idx.Stats().blocks == 6);  // blocks without holders are deleted
}

// The fast path of Insert (leading blocks already at the front of the worker's LRU list
// in order) must leave the same order as refreshing every block.
void TestExtendingTheMostRecentPrompt() {
  PrefixIndex idx;
  Hashes a = Prompt(4, 2, 1), b = Prompt(4, 2, 2);  // a and b share 2 blocks
  idx.Insert("m", 0, a.data(), 4, 1);               // LRU: a0 a1 a2 a3
  idx.Insert("m", 0, b.data(), 4, 2);               // LRU: a0 a1 b2 b3 a2 a3
  idx.SetCapacity(0, 4);                            // evicts a3, then a2
  CHECK(MatchOf(idx, "m", a, 0) == 2 && MatchOf(idx, "m", b, 0) == 4);
  uint64_t tick = 0;
  CHECK(idx.HolderTick("m", a[0], 0, &tick) && tick == 2);
  CHECK(!idx.HolderTick("m", a[2], 0, &tick));
  idx.Insert("m", 0, a.data(), 4, 3);  // LRU: a0 a1 a2 a3 b2 b3 -> capacity 4 drops b3, b2
  CHECK(MatchOf(idx, "m", a, 0) == 4 && MatchOf(idx, "m", b, 0) == 2);
  // The same prompt again: ticks refreshed, nothing moves or leaks.
  idx.Insert("m", 0, a.data(), 4, 4);
  CHECK(Held(idx, 0) == 4 && idx.HolderTick("m", a[3], 0, &tick) && tick == 4);
  // Another model's blocks at the front never count as this model's.
  idx.Insert("other", 0, a.data(), 2, 5);
  idx.Insert("m", 0, a.data(), 4, 6);
  CHECK(MatchOf(idx, "m", a, 0) == 4 && MatchOf(idx, "other", a, 0) == 0);
}

// A prefix held as a contiguous run deeper in the LRU list moves to the front as a unit.
void TestRefreshingAnOlderPrompt() {
  PrefixIndex idx;
  Hashes a = Prompt(4, 0, 1), b = Prompt(4, 0, 2), c = Prompt(3, 0, 3);
  idx.Insert("m", 0, a.data(), 4, 1);
  idx.Insert("m", 0, b.data(), 4, 2);
  idx.Insert("m", 0, c.data(), 3, 3);  // LRU: c0 c1 c2 b0 b1 b2 b3 a0 a1 a2 a3 (tail)
  idx.Insert("m", 0, a.data(), 4, 4);  // the tail run moves: a0..a3 c0 c1 c2 b0..b3
  idx.Insert("m", 0, b.data(), 2, 5);  // a middle run moves: b0 b1 a0..a3 c0 c1 c2 b2 b3
  idx.SetCapacity(0, 8);               // evicts b3, b2, c2
  CHECK(MatchOf(idx, "m", a, 0) == 4 && MatchOf(idx, "m", b, 0) == 2);
  CHECK(MatchOf(idx, "m", c, 0) == 2 && Held(idx, 0) == 8);
  uint64_t tick = 0;
  CHECK(idx.HolderTick("m", a[3], 0, &tick) && tick == 4);
  idx.SetCapacity(0, 2);  // only the most recent run survives
  CHECK(MatchOf(idx, "m", b, 0) == 2 && MatchOf(idx, "m", a, 0) == 0);
}

// Many holders of one prefix: the result is capped, longest first then by worker.
void TestMatchLimit() {
  PrefixIndex idx;
  Hashes p = Prompt(12, 12, 0);
  for (uint32_t w = 99; w-- > 0;) idx.Insert("m", w, p.data(), 10, 1);  // 0..98 hold 10
  idx.Insert("m", 57, p.data(), 12, 2);                                   // 57 holds 12
  idx.Insert("m", 99, p.data(), 4, 3);                                    // 99 holds 4
  std::vector<WorkerMatch> out;
  std::vector<bool> kept(100, false);
  for (int call = 0; call < 200; ++call) {
    idx.Match("m", p.data(), p.size(), &out, 3);
    CHECK(out.size() == 3);
    CHECK(out[0].worker == 57 && out[0].blocks == 12);  // the longest is always kept
    CHECK(out[1].blocks == 10 && out[2].blocks == 10 && out[1].worker < out[2].worker);
    kept[out[1].worker] = kept[out[2].worker] = true;
  }
  size_t distinct = 0;
  for (bool k : kept) distinct += k ? 1 : 0;
  CHECK(distinct > 50);  // equal-length holders rotate instead of always the same two
  idx.Match("m", p.data(), p.size(), &out);  // no limit: all 100, the shortest last
  CHECK(out.size() == 100 && out[99].worker == 99 && out[99].blocks == 4);
  for (size_t i = 2; i < 99; ++i) CHECK(out[i].worker == i - 1 + (i - 1 >= 57 ? 1 : 0));
  idx.Match("m", p.data(), p.size(), &out, 0);
  CHECK(out.empty());
}

void TestEvictionIsPerWorker() {
  PrefixIndex idx;
  Hashes a = Prompt(5, 0, 1), b = Prompt(5, 0, 2);
  idx.SetCapacity(0, 5);
  idx.Insert("m", 0, a.data(), 5, 1);
  idx.Insert("m", 1, a.data(), 5, 2);
  idx.Insert("m", 0, b.data(), 5, 3);  // worker 0 loses a entirely; worker 1 keeps it
  CHECK(MatchOf(idx, "m", a, 0) == 0 && MatchOf(idx, "m", a, 1) == 5);
  CHECK(idx.Stats().blocks == 10 && idx.Stats().holders == 10);
}

void TestCapacity() {
  PrefixIndex idx;
  Hashes a = Prompt(12, 0, 1);
  idx.Insert("m", 3, a.data(), a.size(), 1);
  CHECK(Held(idx, 3) == 12);
  idx.SetCapacity(3, 4);  // shrinking evicts immediately, deepest first
  CHECK(Held(idx, 3) == 4 && MatchOf(idx, "m", a, 3) == 4);
  idx.SetCapacity(3, 0);
  CHECK(Held(idx, 3) == 0 && idx.Stats().blocks == 0);
  idx.Insert("m", 3, a.data(), a.size(), 2);  // capacity 0 holds nothing
  CHECK(Match(idx, "m", a).empty());
  idx.SetCapacity(3, PrefixIndex::kUnlimited);
  idx.Insert("m", 3, a.data(), a.size(), 3);
  CHECK(MatchOf(idx, "m", a, 3) == 12);
  // Capacity is charged across models.
  idx.SetCapacity(3, 15);
  idx.Insert("other", 3, a.data(), 5, 4);
  CHECK(Held(idx, 3) == 15);
  CHECK(MatchOf(idx, "other", a, 3) == 5 && MatchOf(idx, "m", a, 3) == 10);
  bool threw = false;
  try {
    idx.SetCapacity(PrefixIndex::kMaxWorkers, 1);
  } catch (const std::out_of_range&) {
    threw = true;
  }
  CHECK(threw);
}

void TestRemoveWorker() {
  PrefixIndex idx;
  Hashes a = Prompt(6, 3, 1), b = Prompt(6, 3, 2);
  idx.SetCapacity(1, 100);
  idx.Insert("m", 1, a.data(), 6, 1);
  idx.Insert("n", 1, b.data(), 6, 2);
  idx.Insert("m", 2, b.data(), 6, 3);
  idx.RemoveWorker(1);
  auto s = idx.Stats();
  CHECK(s.holders == 6 && s.blocks == 6);  // only worker 2's "m" blocks remain
  CHECK(s.workers.size() == 1 && s.workers[0].worker == 2);  // capacity reset too
  CHECK(Match(idx, "n", b).empty());
  CHECK(MatchOf(idx, "m", a, 2) == 3 && MatchOf(idx, "m", a, 1) == 0);
  idx.RemoveWorker(2);
  idx.RemoveWorker(9);  // unknown worker: no-op
  s = idx.Stats();
  CHECK(s.holders == 0 && s.blocks == 0 && s.workers.empty());
  // The slot is reusable from scratch.
  idx.Insert("m", 1, a.data(), 2, 4);
  CHECK(MatchOf(idx, "m", a, 1) == 2 && Held(idx, 1) == 2);
}

void TestModelsAndClear() {
  PrefixIndex idx;
  Hashes a = Prompt(4, 0, 1);
  idx.SetCapacity(0, 50);
  idx.Insert("x", 0, a.data(), 4, 1);
  idx.Insert("y", 0, a.data(), 3, 2);
  idx.Insert("y", 1, a.data(), 4, 3);
  CHECK(idx.Stats().models == 2);
  CHECK(MatchOf(idx, "x", a, 0) == 4 && MatchOf(idx, "y", a, 0) == 3);
  CHECK(MatchOf(idx, "x", a, 1) == 0);  // models are separate indexes
  CHECK(Match(idx, "z", a).empty());
  idx.ClearModel("y");
  idx.ClearModel("nope");
  auto s = idx.Stats();
  CHECK(s.models == 1 && s.blocks == 4 && s.holders == 4);
  CHECK(Held(idx, 0) == 4 && Held(idx, 1) == 0);
  CHECK(Match(idx, "y", a).empty() && MatchOf(idx, "x", a, 0) == 4);
  idx.Insert("y", 1, a.data(), 2, 4);  // model slot reused
  CHECK(MatchOf(idx, "y", a, 1) == 2);
  idx.Clear();
  s = idx.Stats();
  CHECK(s.models == 0 && s.blocks == 0 && s.holders == 0);
  CHECK(s.workers.size() == 1 && s.workers[0].capacity == 50);  // capacities kept
  idx.Insert("x", 0, a.data(), 4, 5);
  CHECK(MatchOf(idx, "x", a, 0) == 4);
}

void TestChurnKeepsInvariants() {
  PrefixIndex idx;
  uint64_t seed = 12345;
  auto next = [&seed]() {
    seed = seed * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<uint32_t>(seed >> 33);
  };
  for (uint32_t w = 0; w < 8; ++w) idx.SetCapacity(w, 40 + w * 10);
  for (uint64_t tick = 1; tick <= 20000; ++tick) {
    uint32_t w = next() % 8;
    Hashes h = Prompt(1 + next() % 24, next() % 12, next() % 16);
    idx.Insert(next() % 3 ? "m" : "n", w, h.data(), h.size(), tick);
    if (next() % 500 == 0) idx.RemoveWorker(next() % 8);
  }
  auto s = idx.Stats();
  uint64_t held = 0;
  for (const auto& w : s.workers) {
    CHECK(w.blocks <= w.capacity);
    held += w.blocks;
  }
  CHECK(held == s.holders);
  CHECK(s.blocks <= s.holders);
  for (uint32_t w = 0; w < 8; ++w) idx.RemoveWorker(w);
  s = idx.Stats();
  CHECK(s.blocks == 0 && s.holders == 0);
}

}  // namespace

int main() {
  TestBlockMap();
  TestManyHoldersPerBlock();
  TestMatchDepths();
  TestSharedPrefixes();
  TestLruEvictionOrder();
  TestExtendingTheMostRecentPrompt();
  TestRefreshingAnOlderPrompt();
  TestMatchLimit();
  TestEvictionIsPerWorker();
  TestCapacity();
  TestRemoveWorker();
  TestModelsAndClear();
  TestChurnKeepsInvariants();
  std::printf("prefix_index_test: all checks passed\n");
  return 0;
}
