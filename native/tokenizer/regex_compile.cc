// Compiler of the regex engine (regex_internal.h): AST -> flat instruction Program, with the
// first-character filters of the pattern and of each alternation.
#include <cstdint>

#include "regex_internal.h"

namespace collie::tok::regex_detail {
namespace {

class Compiler {
 public:
  Compiler(Program* prog, std::string* err) : prog_(prog), err_(err) {}

  bool Compile(const Node& root) {
    if (!Emit(root)) return false;
    Push({kOpMatch});
    ComputeFirst(root, &prog_->first);
    if (failed_) return false;
    const std::vector<Inst>& code = prog_->code;
    prog_->tail_ok.assign(code.size() + 1, 0);
    for (size_t pc = code.size(); pc-- > 0;) {
      size_t at = pc, hops = 0;
      while (code[at].op == kOpJmp && hops++ < code.size()) at = static_cast<size_t>(code[at].x);
      prog_->tail_ok[pc] = code[at].op == kOpMatch ? 1 : 0;
    }
    return true;
  }

 private:
  int32_t Pc() const { return static_cast<int32_t>(prog_->code.size()); }
  int32_t Push(Inst in) {
    if (prog_->code.size() >= kMaxProgram) {
      if (!failed_) *err_ = "pattern too large (expanded repeats exceed the program limit)";
      failed_ = true;
      return Pc() - 1;
    }
    prog_->code.push_back(in);
    return Pc() - 1;
  }

  static bool SingleMatcher(const Node& n, MatchKind* mk, int32_t* x) {
    switch (n.kind) {
      case Node::kChar: *mk = kMkChar; *x = static_cast<int32_t>(n.ch); return true;
      case Node::kClass: *mk = kMkClass; *x = n.cls; return true;
      case Node::kAny: *mk = kMkAny; *x = 0; return true;
      default: return false;
    }
  }

  bool Emit(const Node& n) {
    if (failed_) return false;
    switch (n.kind) {
      case Node::kEmpty: return true;
      case Node::kChar: Push({kOpChar, kMkChar, false, static_cast<int32_t>(n.ch)}); return true;
      case Node::kClass: Push({kOpClass, kMkClass, false, n.cls}); return true;
      case Node::kAny: Push({kOpAny, kMkAny}); return true;
      case Node::kBol: Push({kOpBol}); return true;
      case Node::kEol: Push({kOpEol}); return true;
      case Node::kConcat:
        for (const auto& k : n.kids) if (!Emit(*k)) return false;
        return true;
      case Node::kAlt: return EmitAlt(n);
      case Node::kRepeat: return EmitRepeat(n);
      case Node::kLook: {
        const Node& body = *n.kids[0];
        Inst in{kOpLook};
        in.neg = n.neg;
        MatchKind mk;
        int32_t x;
        if (SingleMatcher(body, &mk, &x)) {
          in.op = kOpLookOne;
          in.mk = mk;
          in.x = x;
          Push(in);
          return true;
        }
        int32_t at = Push(in);
        int32_t jmp = Push({kOpJmp});
        prog_->code[static_cast<size_t>(at)].x = Pc();
        if (!Emit(body)) return false;
        Push({kOpMatch});
        prog_->code[static_cast<size_t>(jmp)].x = Pc();
        return !failed_;
      }
    }
    return false;
  }

  bool EmitAlt(const Node& n) {
    int32_t at = Push({kOpAlt});
    size_t table = prog_->alts.size();
    prog_->alts.emplace_back();
    prog_->code[static_cast<size_t>(at)].x = static_cast<int32_t>(table);
    std::vector<int32_t> jumps;
    std::vector<int32_t> pcs;
    std::vector<FirstSet> firsts;
    for (const auto& k : n.kids) {
      pcs.push_back(Pc());
      FirstSet fs;
      ComputeFirst(*k, &fs);
      firsts.push_back(std::move(fs));
      if (!Emit(*k)) return false;
      jumps.push_back(Push({kOpJmp}));
    }
    for (int32_t j : jumps) prog_->code[static_cast<size_t>(j)].x = Pc();
    AltTable& t = prog_->alts[table];
    t.pcs = std::move(pcs);
    t.first = std::move(firsts);
    if (t.pcs.size() <= 64) {
      t.has_mask = true;
      t.ascii_mask.assign(129, 0);
      for (size_t a = 0; a < t.pcs.size(); ++a) {
        const FirstSet& fs = t.first[a];
        for (int c = 0; c < 128; ++c) {
          if (fs.always || ((fs.ascii[c >> 6] >> (c & 63)) & 1)) t.ascii_mask[c] |= 1ull << a;
        }
        if (fs.always) t.ascii_mask[128] |= 1ull << a;
      }
    }
    return !failed_;
  }

  bool EmitRepeat(const Node& n) {
    const Node& body = *n.kids[0];
    uint32_t min = static_cast<uint32_t>(n.min);
    uint32_t max = n.max < 0 ? UINT32_MAX : static_cast<uint32_t>(n.max);
    MatchKind mk;
    int32_t x;
    if (SingleMatcher(body, &mk, &x)) {
      if (max == 0) return true;
      Inst in{kOpRepeat, mk, false, x};
      in.min = min;
      in.max = max;
      Push(in);
      return true;
    }
    bool nullable = Nullable(body);
    for (uint32_t i = 0; i < min; ++i) {
      if (!Emit(body)) return false;
    }
    if (max == UINT32_MAX) {
      // L: split(body, exit); [mark]; body; [progress -> exit]; jmp L; exit:
      int32_t loop = Push({kOpSplit});
      int32_t slot = -1;
      int32_t body_pc = Pc();
      if (nullable) {
        slot = prog_->nslots++;
        Push({kOpMark, kMkChar, false, slot});
      }
      if (!Emit(body)) return false;
      int32_t prog_pc = -1;
      if (nullable) prog_pc = Push({kOpProgress, kMkChar, false, slot});
      Push({kOpJmp, kMkChar, false, loop});
      int32_t exit = Pc();
      prog_->code[static_cast<size_t>(loop)].x = body_pc;
      prog_->code[static_cast<size_t>(loop)].y = exit;
      if (prog_pc >= 0) prog_->code[static_cast<size_t>(prog_pc)].y = exit;
      return !failed_;
    }
    // Optional copies, nested: split(b1, exit); b1; split(b2, exit); b2; ... exit:
    std::vector<int32_t> splits;
    for (uint32_t i = min; i < max; ++i) {
      int32_t sp = Push({kOpSplit});
      prog_->code[static_cast<size_t>(sp)].x = Pc();
      splits.push_back(sp);
      if (!Emit(body)) return false;
      if (failed_) return false;
    }
    for (int32_t sp : splits) prog_->code[static_cast<size_t>(sp)].y = Pc();
    return !failed_;
  }

  // First-character set of n (what its first consumed character can be). Returns whether n is
  // nullable-through (so that the following node also contributes).
  void AddMatcher(FirstSet* fs, MatchKind mk, int32_t x) {
    switch (mk) {
      case kMkChar:
        if (x < 128) {
          fs->ascii[x >> 6] |= 1ull << (x & 63);
        } else {
          fs->matchers.push_back({mk, x});
        }
        break;
      case kMkClass: {
        const CharClass& cc = prog_->classes[static_cast<size_t>(x)];
        fs->ascii[0] |= cc.ascii()[0];
        fs->ascii[1] |= cc.ascii()[1];
        fs->matchers.push_back({mk, x});
        break;
      }
      case kMkAny:
        fs->ascii[0] |= ~(1ull << '\n');
        fs->ascii[1] = ~0ull;
        fs->any_nonascii = true;
        break;
    }
    if (fs->matchers.size() > 8) fs->any_nonascii = true;
  }

  // Adds n's possible first characters; returns true when n can match empty (so what follows
  // n also contributes). Assertions make the set unfilterable.
  bool AddFirst(const Node& n, FirstSet* fs) {
    switch (n.kind) {
      case Node::kEmpty: return true;
      case Node::kChar: AddMatcher(fs, kMkChar, static_cast<int32_t>(n.ch)); return false;
      case Node::kClass: AddMatcher(fs, kMkClass, n.cls); return false;
      case Node::kAny: AddMatcher(fs, kMkAny, 0); return false;
      case Node::kBol: case Node::kEol: case Node::kLook:
        fs->always = true;
        return true;
      case Node::kConcat:
        for (const auto& k : n.kids) {
          if (!AddFirst(*k, fs)) return false;
        }
        return true;
      case Node::kAlt: {
        bool any = false;
        for (const auto& k : n.kids) any = AddFirst(*k, fs) || any;
        return any;
      }
      case Node::kRepeat: {
        if (n.max == 0) return true;
        bool e = AddFirst(*n.kids[0], fs);
        return e || n.min == 0;
      }
    }
    fs->always = true;
    return true;
  }

  void ComputeFirst(const Node& n, FirstSet* fs) {
    fs->always = false;
    if (AddFirst(n, fs)) fs->always = true;
  }

  Program* prog_;
  std::string* err_;
  bool failed_ = false;
};

}  // namespace

bool CompileProgram(const Node& root, Program* prog, std::string* err) {
  Compiler comp(prog, err);
  return comp.Compile(root);
}

}  // namespace collie::tok::regex_detail
