// Matcher of the regex engine (regex_internal.h): runs a Program over UTF-8 text with its
// backtrack state on a heap stack. Run and its per-character helpers are in regex_vm.cc.
#pragma once
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

#include "regex_internal.h"

namespace collie::tok::regex_detail {

enum FrameKind : uint32_t { kFrResume, kFrBackoff, kFrAltNext, kFrSlot, kFrBarrier };

struct Frame {
  FrameKind kind;
  int32_t pc;
  uint32_t pos;
  uint32_t a;  // kFrBackoff: position after the minimum count; kFrAltNext: next alternative;
               // kFrSlot: slot index
  uint32_t b;  // kFrSlot: previous value
};

// Backtrack stack: a growable array with inline storage (push is on the hot path).
class FrameStack {
 public:
  FrameStack() = default;
  FrameStack(const FrameStack&) = delete;
  FrameStack& operator=(const FrameStack&) = delete;
  size_t size() const { return size_; }
  Frame& back() { return data_[size_ - 1]; }
  void pop_back() { --size_; }
  void truncate(size_t n) { size_ = n; }
  inline void push_back(const Frame& f) {
    if (size_ == cap_) Grow();
    data_[size_++] = f;
  }

 private:
  __attribute__((noinline)) void Grow() {
    std::unique_ptr<Frame[]> bigger(new Frame[cap_ * 2]);
    std::memcpy(bigger.get(), data_, size_ * sizeof(Frame));
    heap_ = std::move(bigger);
    data_ = heap_.get();
    cap_ *= 2;
  }

  static constexpr size_t kInline = 64;
  Frame inline_[kInline];
  Frame* data_ = inline_;
  size_t size_ = 0;
  size_t cap_ = kInline;
  std::unique_ptr<Frame[]> heap_;
};

class Vm {
 public:
  Vm(const Program& prog, const uint8_t* s, size_t n)
      : prog_(prog), s_(s), n_(n), slots_(static_cast<size_t>(prog.nslots), 0) {}

  // Backtracking budget of the next Run (see FindAll); a run that exhausts it fails and sets
  // aborted().
  void SetBudget(int64_t steps) {
    budget_ = steps;
    aborted_ = false;
  }
  int64_t budget() const { return budget_; }
  bool aborted() const { return aborted_; }

  // Runs the program from pc at pos; on success *end receives the match end.
  bool Run(int32_t pc, size_t pos, size_t* end);

 private:
  // Length of the character at p if the matcher accepts it, else 0.
  inline size_t MatchOneAt(MatchKind mk, int32_t x, size_t p) const;
  // Advances over up to `limit` characters accepted by the repeat's matcher.
  inline size_t Greedy(const Inst& in, size_t p, uint32_t limit) const;
  // First admissible alternative of the kOpAlt `in` at index >= from, given the character at
  // pos. Returns its pc (or -1) and sets *next to the following admissible index (or -1).
  inline int32_t AltFrom(const Inst& in, size_t pos, int32_t from, int32_t* next) const;

  const Program& prog_;
  const uint8_t* s_;
  size_t n_;
  FrameStack stack_;
  std::vector<uint32_t> slots_;
  int64_t budget_ = 0;
  bool aborted_ = false;
};

}  // namespace collie::tok::regex_detail
