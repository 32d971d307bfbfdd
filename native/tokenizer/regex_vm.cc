// Matcher of the regex engine (regex_vm.h). The per-character helpers are defined before Run,
// in this translation unit, so that they inline into its loop.
#include <cstdint>

#include "regex_vm.h"

namespace collie::tok::regex_detail {

inline size_t Vm::MatchOneAt(MatchKind mk, int32_t x, size_t p) const {
  if (p >= n_) return 0;
  uint8_t b = s_[p];
  if (b < 0x80) {
    switch (mk) {
      case kMkChar: return static_cast<char32_t>(x) == b ? 1 : 0;
      case kMkClass: return prog_.classes[static_cast<size_t>(x)].MatchesAscii(b) ? 1 : 0;
      case kMkAny: return b != '\n' ? 1 : 0;
    }
  }
  char32_t cp;
  size_t len = Decode(s_, n_, p, &cp);
  return prog_.MatchOne(mk, x, cp) ? len : 0;
}

inline size_t Vm::Greedy(const Inst& in, size_t p, uint32_t limit) const {
  if (in.mk == kMkClass) {
    const CharClass& cc = prog_.classes[static_cast<size_t>(in.x)];
    while (limit > 0 && p < n_) {
      uint8_t b = s_[p];
      if (b < 0x80) {
        if (!cc.MatchesAscii(b)) break;
        ++p;
      } else {
        char32_t cp;
        size_t len = Decode(s_, n_, p, &cp);
        if (!cc.Matches(cp)) break;
        p += len;
      }
      --limit;
    }
    return p;
  }
  while (limit > 0) {
    size_t len = MatchOneAt(in.mk, in.x, p);
    if (len == 0) break;
    p += len;
    --limit;
  }
  return p;
}

inline int32_t Vm::AltFrom(const Inst& in, size_t pos, int32_t from, int32_t* next) const {
  const AltTable& t = prog_.alts[static_cast<size_t>(in.x)];
  const int32_t na = static_cast<int32_t>(t.pcs.size());
  if (t.has_mask && (pos >= n_ || s_[pos] < 0x80)) {
    uint64_t m = t.ascii_mask[pos >= n_ ? 128 : s_[pos]];
    m = from >= 64 ? 0 : (m >> from) << from;
    if (m == 0) return -1;
    int32_t a = __builtin_ctzll(m);
    m &= m - 1;
    *next = m ? __builtin_ctzll(m) : -1;
    return t.pcs[static_cast<size_t>(a)];
  }
  char32_t cp = 0;
  bool at_end = pos >= n_;
  if (!at_end) Decode(s_, n_, pos, &cp);
  int32_t found = -1;
  for (int32_t a = from; a < na; ++a) {
    const FirstSet& fs = t.first[static_cast<size_t>(a)];
    bool ok = at_end ? fs.always : FirstAdmits(prog_, fs, cp);
    if (!ok) continue;
    if (found < 0) {
      found = a;
    } else {
      *next = a;
      return t.pcs[static_cast<size_t>(found)];
    }
  }
  *next = -1;
  return found < 0 ? -1 : t.pcs[static_cast<size_t>(found)];
}

bool Vm::Run(int32_t pc, size_t pos, size_t* end) {
  const size_t base = stack_.size();
  const std::vector<Inst>& code = prog_.code;
  while (true) {
    if (--budget_ < 0) {
      aborted_ = true;
      stack_.truncate(base);
      return false;
    }
    const Inst& in = code[static_cast<size_t>(pc)];
    bool ok = true;
    switch (in.op) {
      case kOpChar: {
        if (pos >= n_) { ok = false; break; }
        char32_t cp;
        size_t len = Decode(s_, n_, pos, &cp);
        if (cp != static_cast<char32_t>(in.x)) { ok = false; break; }
        pos += len;
        ++pc;
        break;
      }
      case kOpClass: {
        if (pos >= n_) { ok = false; break; }
        char32_t cp;
        size_t len = Decode(s_, n_, pos, &cp);
        if (!prog_.classes[static_cast<size_t>(in.x)].Matches(cp)) { ok = false; break; }
        pos += len;
        ++pc;
        break;
      }
      case kOpAny: {
        if (pos >= n_ || s_[pos] == '\n') { ok = false; break; }
        char32_t cp;
        pos += Decode(s_, n_, pos, &cp);
        ++pc;
        break;
      }
      case kOpBol:
        if (!(pos == 0 || (s_[pos - 1] == '\n' && pos < n_))) ok = false;
        else ++pc;
        break;
      case kOpEol:
        if (!(pos == n_ || s_[pos] == '\n')) ok = false;
        else ++pc;
        break;
      case kOpSplit:
        stack_.push_back({kFrResume, in.y, static_cast<uint32_t>(pos), 0, 0});
        pc = in.x;
        break;
      case kOpJmp:
        pc = in.x;
        break;
      case kOpAlt: {
        int32_t next;
        int32_t cont = AltFrom(in, pos, 0, &next);
        if (cont < 0) { ok = false; break; }
        if (next >= 0) {
          stack_.push_back({kFrAltNext, pc, static_cast<uint32_t>(pos),
                            static_cast<uint32_t>(next), 0});
        }
        pc = cont;
        break;
      }
      case kOpRepeat: {
        size_t p = pos;
        uint32_t count = 0;
        while (count < in.min) {
          size_t len = MatchOneAt(in.mk, in.x, p);
          if (len == 0) break;
          p += len;
          ++count;
        }
        if (count < in.min) { ok = false; break; }
        size_t pmin = p;
        p = Greedy(in, p, in.max - count);
        budget_ -= static_cast<int64_t>(p - pos);
        if (p > pmin && !prog_.tail_ok[static_cast<size_t>(pc) + 1]) {
          stack_.push_back({kFrBackoff, pc + 1, static_cast<uint32_t>(p),
                            static_cast<uint32_t>(pmin), 0});
        }
        pos = p;
        ++pc;
        break;
      }
      case kOpLook: {
        size_t e;
        bool m = Run(pc + 2, pos, &e);
        if (aborted_) {
          stack_.truncate(base);
          return false;
        }
        if (m == in.neg) { ok = false; break; }
        ++pc;
        break;
      }
      case kOpLookOne: {
        bool m = false;
        if (pos < n_) m = MatchOneAt(in.mk, in.x, pos) != 0;
        if (m == in.neg) { ok = false; break; }
        ++pc;
        break;
      }
      case kOpMark:
        stack_.push_back({kFrSlot, 0, 0, static_cast<uint32_t>(in.x),
                          slots_[static_cast<size_t>(in.x)]});
        slots_[static_cast<size_t>(in.x)] = static_cast<uint32_t>(pos);
        ++pc;
        break;
      case kOpProgress:
        pc = slots_[static_cast<size_t>(in.x)] == pos ? in.y : pc + 1;
        break;
      case kOpMatch:
        // Discard the choice points of this run (restoring slots so outer state is intact).
        if (prog_.nslots == 0) {
          stack_.truncate(base);
        } else {
          while (stack_.size() > base) {
            const Frame& f = stack_.back();
            if (f.kind == kFrSlot) slots_[f.a] = f.b;
            stack_.pop_back();
          }
        }
        *end = pos;
        return true;
    }
    if (ok) continue;
    // Backtrack.
    while (true) {
      if (stack_.size() <= base) return false;
      Frame& f = stack_.back();
      if (f.kind == kFrResume) {
        pc = f.pc;
        pos = f.pos;
        stack_.pop_back();
        break;
      }
      if (f.kind == kFrBackoff) {
        size_t p = PrevStart(s_, f.pos);
        pc = f.pc;
        pos = p;
        if (p <= f.a) {
          stack_.pop_back();
        } else {
          f.pos = static_cast<uint32_t>(p);
        }
        break;
      }
      if (f.kind == kFrAltNext) {
        const Inst& ain = code[static_cast<size_t>(f.pc)];
        int32_t next;
        int32_t cont = AltFrom(ain, f.pos, static_cast<int32_t>(f.a), &next);
        if (cont < 0) {
          stack_.pop_back();
          continue;
        }
        pos = f.pos;
        pc = cont;
        if (next >= 0) {
          f.a = static_cast<uint32_t>(next);
        } else {
          stack_.pop_back();
        }
        break;
      }
      if (f.kind == kFrSlot) {
        slots_[f.a] = f.b;
        stack_.pop_back();
        continue;
      }
      stack_.pop_back();
    }
  }
}

}  // namespace collie::tok::regex_detail
