// Backtracking regex engine for the Oniguruma subset used by pre-tokenizers (see regex.h).
//
// Pipeline: pattern -> AST (Parser) -> flat instruction program (Compiler) -> matcher (Vm).
// The matcher keeps its backtrack state on a heap stack, so no C++ recursion happens per
// character: only lookaheads recurse, bounded by the pattern's nesting. Greedy repeats of a
// single-character matcher run as a counting loop and back off one character at a time.
#include "regex.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>

#include "unicode.h"

namespace collie::tok {
namespace {

// A byte that does not start a well-formed UTF-8 sequence decodes to this pseudo code point: it
// belongs to no category, equals no literal, and only negated atoms and '.' match it.
constexpr char32_t kInvalid = 0x110000;
constexpr size_t kMaxProgram = 1 << 20;  // instructions
constexpr int kMaxDepth = 200;           // pattern nesting

inline size_t Decode(const uint8_t* s, size_t n, size_t i, char32_t* cp) {
  uint8_t c = s[i];
  if (c < 0x80) {
    *cp = c;
    return 1;
  }
  size_t len = DecodeUtf8(reinterpret_cast<const char*>(s + i), n - i, cp);
  if (len == 1) *cp = kInvalid;
  return len;
}

// Start of the character that ends at i (i > 0), consistent with forward decoding.
inline size_t PrevStart(const uint8_t* s, size_t i) {
  if (s[i - 1] < 0x80) return i - 1;
  for (size_t k = 2; k <= 4 && k <= i; ++k) {
    uint8_t b = s[i - k];
    if ((b & 0xC0) == 0x80) continue;
    char32_t cp;
    if (DecodeUtf8(reinterpret_cast<const char*>(s + i - k), k, &cp) == k) return i - k;
    break;
  }
  return i - 1;
}

inline uint32_t GcBit(char32_t cp) {
  return cp >= 0x110000 ? 0u : 1u << static_cast<unsigned>(GeneralCategory(cp));
}

constexpr uint32_t Bit(Gc g) { return 1u << static_cast<unsigned>(g); }
constexpr uint32_t kL = Bit(Gc::Lu) | Bit(Gc::Ll) | Bit(Gc::Lt) | Bit(Gc::Lm) | Bit(Gc::Lo);
constexpr uint32_t kM = Bit(Gc::Mn) | Bit(Gc::Mc) | Bit(Gc::Me);
constexpr uint32_t kN = Bit(Gc::Nd) | Bit(Gc::Nl) | Bit(Gc::No);
constexpr uint32_t kP = Bit(Gc::Pc) | Bit(Gc::Pd) | Bit(Gc::Ps) | Bit(Gc::Pe) | Bit(Gc::Pi) |
                        Bit(Gc::Pf) | Bit(Gc::Po);
constexpr uint32_t kS = Bit(Gc::Sm) | Bit(Gc::Sc) | Bit(Gc::Sk) | Bit(Gc::So);
constexpr uint32_t kZ = Bit(Gc::Zs) | Bit(Gc::Zl) | Bit(Gc::Zp);
constexpr uint32_t kC = Bit(Gc::Cc) | Bit(Gc::Cf) | Bit(Gc::Cs) | Bit(Gc::Co) | Bit(Gc::Cn);

// Oniguruma's Unicode \w (its Word code range): Alphabetic | Mark | Decimal_Number |
// Connector_Punctuation. Alphabetic adds Nl and the symbols with Other_Alphabetic (circled and
// squared Latin letters) to the letters. Outside a bracket class Oniguruma tests code points
// below 256 against its Latin-1 ctype table instead, which also counts ² ³ ¹ ¼ ½ ¾ as word
// characters (`outside`).
inline bool IsWordChar(char32_t cp, bool outside) {
  if (GcBit(cp) & (kL | kM | Bit(Gc::Nd) | Bit(Gc::Nl) | Bit(Gc::Pc))) return true;
  if (outside && (cp == 0xB2 || cp == 0xB3 || cp == 0xB9 || (cp >= 0xBC && cp <= 0xBE))) {
    return true;
  }
  return (cp >= 0x24B6 && cp <= 0x24E9) || (cp >= 0x1F130 && cp <= 0x1F149) ||
         (cp >= 0x1F150 && cp <= 0x1F169) || (cp >= 0x1F170 && cp <= 0x1F189);
}

// ---------------------------------------------------------------------------------------------
// Character classes.

struct Atom {
  enum Kind : uint8_t { kRange, kGc, kSpace, kWord, kWordOutside } kind;
  bool neg;
  uint32_t mask;  // kGc
  char32_t lo, hi;  // kRange
};

bool AtomMatches(const Atom& a, char32_t cp) {
  bool m = false;
  switch (a.kind) {
    case Atom::kRange: m = cp >= a.lo && cp <= a.hi; break;
    case Atom::kGc: m = (GcBit(cp) & a.mask) != 0; break;
    case Atom::kSpace: m = IsWhiteSpace(cp); break;
    case Atom::kWord: m = IsWordChar(cp, false); break;
    case Atom::kWordOutside: m = IsWordChar(cp, true); break;
  }
  return m != a.neg;
}

class CharClass {
 public:
  // Built by the parser: atoms are OR-ed, then `negate` applies.
  std::vector<Atom> atoms;
  bool negate = false;

  // Precomputes the fast representation. Must be called once the atoms are final.
  void Finish() {
    gc_mask_ = 0;
    space_ = false;
    ranges_.clear();
    other_.clear();
    for (const Atom& a : atoms) {
      if (a.neg) {
        other_.push_back(a);
      } else if (a.kind == Atom::kGc) {
        gc_mask_ |= a.mask;
      } else if (a.kind == Atom::kSpace) {
        space_ = true;
      } else if (a.kind == Atom::kWord || a.kind == Atom::kWordOutside) {
        other_.push_back(a);
      } else {
        ranges_.push_back({a.lo, a.hi});
      }
    }
    std::sort(ranges_.begin(), ranges_.end());
    std::vector<std::pair<char32_t, char32_t>> merged;
    for (const auto& r : ranges_) {
      if (!merged.empty() && r.first <= merged.back().second + 1) {
        merged.back().second = std::max(merged.back().second, r.second);
      } else {
        merged.push_back(r);
      }
    }
    ranges_.swap(merged);
    ascii_[0] = ascii_[1] = 0;
    for (char32_t c = 0; c < 128; ++c) {
      if (Slow(c)) ascii_[c >> 6] |= 1ull << (c & 63);
    }
    for (char32_t c = 0; c < 0x800 - 0x80; ++c) {
      if (Slow(c + 0x80)) {
        latin_[c >> 6] |= 1ull << (c & 63);
      } else {
        latin_[c >> 6] &= ~(1ull << (c & 63));
      }
    }
  }

  inline bool Matches(char32_t cp) const {
    if (cp < 0x80) return (ascii_[cp >> 6] >> (cp & 63)) & 1;
    if (cp < 0x800) return (latin_[(cp - 0x80) >> 6] >> ((cp - 0x80) & 63)) & 1;
    return Slow(cp);
  }
  bool MatchesAscii(uint8_t c) const { return (ascii_[c >> 6] >> (c & 63)) & 1; }
  const uint64_t* ascii() const { return ascii_; }

 private:
  bool Slow(char32_t cp) const {
    bool m = false;
    if (gc_mask_ && (GcBit(cp) & gc_mask_)) {
      m = true;
    } else if (space_ && IsWhiteSpace(cp)) {
      m = true;
    } else if (!ranges_.empty()) {
      auto it = std::upper_bound(ranges_.begin(), ranges_.end(),
                                 std::make_pair(cp, static_cast<char32_t>(0x7FFFFFFF)));
      if (it != ranges_.begin() && std::prev(it)->second >= cp) m = true;
    }
    if (!m) {
      for (const Atom& a : other_) {
        if (AtomMatches(a, cp)) {
          m = true;
          break;
        }
      }
    }
    return m != negate;
  }

  uint64_t ascii_[2] = {0, 0};
  uint64_t latin_[(0x800 - 0x80) / 64] = {};
  uint32_t gc_mask_ = 0;
  bool space_ = false;
  std::vector<std::pair<char32_t, char32_t>> ranges_;
  std::vector<Atom> other_;
};

// Adds to `atoms` every code point that is case-fold equivalent to one in [lo, hi].
void AddCaseClosure(char32_t lo, char32_t hi, std::vector<Atom>* atoms) {
  // Members of non-trivial fold classes are few; walk them instead of the range.
  std::vector<char32_t> extra;
  if (hi - lo < 4096) {
    for (char32_t c = lo; c <= hi; ++c) {
      for (char32_t o = CaseFoldOrbitNext(c); o != c; o = CaseFoldOrbitNext(o)) {
        if (o < lo || o > hi) extra.push_back(o);
      }
    }
  } else {
    for (char32_t c = 0; c < 0x1F000; ++c) {  // every cased code point is below U+1F000
      if (c >= lo && c <= hi) continue;
      for (char32_t o = CaseFoldOrbitNext(c); o != c; o = CaseFoldOrbitNext(o)) {
        if (o >= lo && o <= hi) {
          extra.push_back(c);
          break;
        }
      }
    }
  }
  for (char32_t c : extra) atoms->push_back({Atom::kRange, false, 0, c, c});
}

// ---------------------------------------------------------------------------------------------
// AST.

struct Node {
  enum Kind : uint8_t { kEmpty, kChar, kClass, kAny, kBol, kEol, kConcat, kAlt, kRepeat, kLook };
  Kind kind = kEmpty;
  char32_t ch = 0;
  int cls = -1;
  int min = 0, max = 0;  // kRepeat; max < 0 = unbounded
  bool neg = false;      // kLook
  bool enclosed = false;  // came from a capture group or an option group (?i:...)
  bool literal = false;   // a literal character (ch), possibly as a case-fold class
  std::vector<std::unique_ptr<Node>> kids;
};
using NodeP = std::unique_ptr<Node>;

NodeP MakeNode(Node::Kind k) {
  NodeP n = std::make_unique<Node>();
  n->kind = k;
  return n;
}

bool IsSingleCharNode(const Node& n) {
  return n.kind == Node::kChar || n.kind == Node::kClass || n.kind == Node::kAny;
}

bool Nullable(const Node& n) {
  switch (n.kind) {
    case Node::kEmpty: case Node::kBol: case Node::kEol: case Node::kLook: return true;
    case Node::kChar: case Node::kClass: case Node::kAny: return false;
    case Node::kConcat:
      for (const auto& k : n.kids) if (!Nullable(*k)) return false;
      return true;
    case Node::kAlt:
      for (const auto& k : n.kids) if (Nullable(*k)) return true;
      return false;
    case Node::kRepeat: return n.min == 0 || Nullable(*n.kids[0]);
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Parser.

class Parser {
 public:
  Parser(std::string_view p, std::vector<CharClass>* classes, std::string* err)
      : p_(p), classes_(classes), err_(err) {}

  NodeP Parse() {
    NodeP n = ParseAlt(false, 0);
    if (!n) return nullptr;
    if (i_ < p_.size()) return Fail("unmatched ')'", i_);
    return n;
  }

 private:
  NodeP Fail(const std::string& what, size_t at) {
    if (err_->empty()) {
      *err_ = what + " at offset " + std::to_string(at) + " in pattern '" + std::string(p_) + "'";
    }
    return nullptr;
  }
  NodeP Unsupported(const std::string& construct, size_t at) {
    return Fail("unsupported regex construct '" + construct + "'", at);
  }
  bool More() const { return i_ < p_.size(); }
  char Peek() const { return p_[i_]; }

  bool DecodePatternChar(char32_t* cp) {
    size_t len = DecodeUtf8(p_.data() + i_, p_.size() - i_, cp);
    if (*cp == 0xFFFD && len == 1) {
      Fail("invalid UTF-8 in pattern", i_);
      return false;
    }
    i_ += len;
    return true;
  }

  NodeP ParseAlt(bool icase, int depth) {
    if (depth > kMaxDepth) return Fail("pattern nested too deeply", i_);
    NodeP alt = MakeNode(Node::kAlt);
    while (true) {
      NodeP c = ParseConcat(icase, depth);
      if (!c) return nullptr;
      alt->kids.push_back(std::move(c));
      if (More() && Peek() == '|') {
        ++i_;
        continue;
      }
      break;
    }
    if (alt->kids.size() == 1) return std::move(alt->kids[0]);
    return alt;
  }

  // Under (?i), Oniguruma also matches a run of literals against a character whose full case
  // folding it spells (e.g. (?i)ss matches ß); that is not implemented, so such runs are refused.
  bool CheckFoldRun(const std::u32string& run, size_t at) {
    for (size_t k = 0; k < MultiCaseFoldCount(); ++k) {
      char32_t f[3];
      int n = CaseFoldMulti(MultiCaseFoldSource(k), f);
      std::u32string target(f, f + n);
      if (run.find(target) != std::u32string::npos) {
        Unsupported("(?i) literal sequence matching the case folding of U+" +
                        Hex(MultiCaseFoldSource(k)),
                    at);
        return false;
      }
    }
    return true;
  }

  NodeP ParseConcat(bool icase, int depth) {
    NodeP cat = MakeNode(Node::kConcat);
    std::u32string run;  // simple-folded literals of the current run (under (?i))
    size_t run_at = i_;
    while (More() && Peek() != '|' && Peek() != ')') {
      size_t at = i_;
      // Isolated option "(?i)": like Oniguruma, the rest of the group becomes its body.
      if (p_.compare(i_, 4, "(?i)") == 0 || p_.compare(i_, 5, "(?-i)") == 0) {
        bool on = p_[i_ + 2] == 'i';
        i_ += on ? 4 : 5;
        NodeP rest = ParseAlt(on, depth + 1);
        if (!rest) return nullptr;
        cat->kids.push_back(std::move(rest));
        break;
      }
      NodeP atom = ParseAtom(icase, depth);
      if (!atom) return nullptr;
      atom = ParseQuantifiers(std::move(atom), at);
      if (!atom) return nullptr;
      if (icase && atom->literal) {
        if (run.empty()) run_at = at;
        run.push_back(CaseFoldSimple(atom->ch));
        if (run.size() >= 2 && !CheckFoldRun(run, run_at)) return nullptr;
      } else {
        run.clear();
      }
      cat->kids.push_back(std::move(atom));
    }
    if (cat->kids.size() == 1) return std::move(cat->kids[0]);
    if (cat->kids.empty()) return MakeNode(Node::kEmpty);
    return cat;
  }

  // Parses "{n}", "{n,}", "{n,m}", "{,m}" at i_ (which is at '{'); false (and i_ unchanged)
  // when the text is not a valid interval, in which case '{' is a literal.
  bool ParseInterval(int* min, int* max) {
    size_t j = i_ + 1;
    auto num = [&](int* v) {
      size_t s = j;
      long x = 0;
      while (j < p_.size() && p_[j] >= '0' && p_[j] <= '9') {
        x = x * 10 + (p_[j] - '0');
        if (x > 100000) x = 100000;
        ++j;
      }
      *v = static_cast<int>(x);
      return j > s;
    };
    int lo = 0, hi = 0;
    bool has_lo = num(&lo);
    if (j < p_.size() && p_[j] == ',') {
      ++j;
      bool has_hi = num(&hi);
      if (!has_lo && !has_hi) return false;
      if (!has_hi) hi = -1;
    } else {
      if (!has_lo) return false;
      hi = lo;
    }
    if (j >= p_.size() || p_[j] != '}') return false;
    i_ = j + 1;
    *min = lo;
    *max = hi;
    return true;
  }

  NodeP ParseQuantifiers(NodeP atom, size_t atom_at) {
    while (More()) {
      char c = Peek();
      size_t at = i_;
      int min, max;
      if (c == '?') {
        min = 0, max = 1, ++i_;
      } else if (c == '*') {
        min = 0, max = -1, ++i_;
      } else if (c == '+') {
        min = 1, max = -1, ++i_;
      } else if (c == '{') {
        if (!ParseInterval(&min, &max)) return atom;
        if (max >= 0 && max < min) return Fail("invalid repeat range", at);
      } else {
        return atom;
      }
      if (InvalidRepeatTarget(*atom)) return Fail("target of repeat operator is invalid", at);
      if (More() && (Peek() == '?' || Peek() == '+') && c != '{') {
        return Unsupported(std::string(1, c) + Peek() + " (lazy/possessive quantifier)", at);
      }
      if (More() && Peek() == '?' && c == '{') {
        return Unsupported("{n,m}? (lazy quantifier)", at);
      }
      // Oniguruma ends a loop at an iteration that matched empty, even below the minimum,
      // when it compiles the repeat as a counted loop rather than unrolling it, which depends
      // on its code size; counted repeats of bodies that can match empty are therefore refused.
      bool simple = (min <= 1 && (max < 0 || max <= 1));
      if (!simple && !IsSingleCharNode(*atom) && Nullable(*atom)) {
        return Unsupported("counted repeat {" + std::to_string(min) + "," +
                               (max < 0 ? std::string() : std::to_string(max)) +
                               "} of a group that can match empty",
                           at);
      }
      NodeP r = MakeNode(Node::kRepeat);
      r->min = min;
      r->max = max;
      r->kids.push_back(std::move(atom));
      atom = std::move(r);
      (void)atom_at;
    }
    return atom;
  }

  // Oniguruma refuses to repeat an anchor or lookahead, or an alternation with such a branch,
  // unless it is enclosed in a capture or option group.
  static bool InvalidRepeatTarget(const Node& n) {
    if (n.enclosed) return false;
    switch (n.kind) {
      case Node::kBol: case Node::kEol: case Node::kLook: return true;
      case Node::kAlt:
        for (const auto& k : n.kids) {
          if (InvalidRepeatTarget(*k)) return true;
        }
        return false;
      default: return false;
    }
  }

  static std::string Hex(char32_t cp) {
    char buf[16];
    std::snprintf(buf, sizeof(buf), "%04X", static_cast<unsigned>(cp));
    return buf;
  }

  NodeP CharNode(char32_t cp, bool icase) {
    char32_t multi[3];
    if (icase && CaseFoldMulti(cp, multi) > 0) {
      return Unsupported("(?i) literal with a multi-character case folding (U+" + Hex(cp) + ")",
                         i_ - 1);
    }
    if (icase && CaseFoldOrbitNext(cp) != cp) {
      CharClass cc;
      cc.atoms.push_back({Atom::kRange, false, 0, cp, cp});
      AddCaseClosure(cp, cp, &cc.atoms);
      NodeP n = ClassNode(std::move(cc));
      n->literal = true;
      n->ch = cp;
      return n;
    }
    NodeP n = MakeNode(Node::kChar);
    n->ch = cp;
    n->literal = true;
    return n;
  }

  NodeP ClassNode(CharClass cc) {
    cc.Finish();
    classes_->push_back(std::move(cc));
    NodeP n = MakeNode(Node::kClass);
    n->cls = static_cast<int>(classes_->size() - 1);
    return n;
  }

  NodeP ParseAtom(bool icase, int depth) {
    size_t at = i_;
    char c = Peek();
    switch (c) {
      case '(': return ParseGroup(icase, depth);
      case '[': {
        CharClass cc;
        if (!ParseClass(icase, &cc)) return nullptr;
        bool negated = cc.negate;
        NodeP n = ClassNode(std::move(cc));
        if (icase && !negated) {
          // Oniguruma lets such a class also match the full case folding of its members
          // (e.g. (?i)[\w] matches "ss" for ß); that is not implemented.
          const CharClass& made = classes_->back();
          for (size_t k = 0; k < MultiCaseFoldCount(); ++k) {
            if (made.Matches(MultiCaseFoldSource(k))) {
              return Unsupported(
                  "(?i) character class containing a character with a multi-character case "
                  "folding (U+" + Hex(MultiCaseFoldSource(k)) + ")", at);
            }
          }
        }
        return n;
      }
      case '.': ++i_; return MakeNode(Node::kAny);
      case '^': ++i_; return MakeNode(Node::kBol);
      case '$': ++i_; return MakeNode(Node::kEol);
      case '?': case '*': case '+':
        return Fail("target of repeat operator is not specified", at);
      case '{': {
        int mn, mx;
        size_t save = i_;
        if (ParseInterval(&mn, &mx)) {
          i_ = save;
          return Fail("target of repeat operator is not specified", at);
        }
        ++i_;
        return CharNode('{', icase);
      }
      case '\\': return ParseEscape(icase);
      default: {
        char32_t cp;
        if (!DecodePatternChar(&cp)) return nullptr;
        return CharNode(cp, icase);
      }
    }
  }

  NodeP ParseGroup(bool icase, int depth) {
    size_t at = i_;
    ++i_;  // '('
    NodeP body;
    if (More() && Peek() == '?') {
      ++i_;
      if (!More()) return Fail("end pattern in group", at);
      char k = Peek();
      if (k == ':') {
        ++i_;
        body = ParseAlt(icase, depth + 1);
      } else if (k == '=' || k == '!') {
        ++i_;
        NodeP inner = ParseAlt(icase, depth + 1);
        if (!inner) return nullptr;
        body = MakeNode(Node::kLook);
        body->neg = k == '!';
        body->kids.push_back(std::move(inner));
      } else if (p_.compare(i_, 2, "i:") == 0) {
        i_ += 2;
        body = ParseAlt(true, depth + 1);
        if (body) body->enclosed = true;
      } else if (p_.compare(i_, 3, "-i:") == 0) {
        i_ += 3;
        body = ParseAlt(false, depth + 1);
        if (body) body->enclosed = true;
      } else if (k == '<' && i_ + 1 < p_.size() && (p_[i_ + 1] == '=' || p_[i_ + 1] == '!')) {
        return Unsupported(std::string("(?<") + p_[i_ + 1] + " (lookbehind)", at);
      } else if (k == '<' || k == '\'' || k == 'P') {
        return Unsupported("(?<name> (named group)", at);
      } else if (k == '>') {
        return Unsupported("(?> (atomic group)", at);
      } else if (k == '#') {
        return Unsupported("(?# (comment)", at);
      } else {
        return Unsupported(std::string("(?") + k + " (inline option other than i)", at);
      }
    } else {
      body = ParseAlt(icase, depth + 1);  // capture groups are treated as non-capturing
      if (body) body->enclosed = true;
    }
    if (!body) return nullptr;
    if (!More() || Peek() != ')') return Fail("end pattern with unmatched parenthesis", at);
    ++i_;
    return body;
  }

  // Reads hex digits for \xHH, \x{...}, \uHHHH.
  bool ParseHex(size_t min_digits, size_t max_digits, char32_t* out) {
    size_t j = i_;
    uint32_t v = 0;
    while (j < p_.size() && j - i_ < max_digits &&
           std::isxdigit(static_cast<unsigned char>(p_[j]))) {
      char h = p_[j];
      v = v * 16 + static_cast<uint32_t>(h <= '9' ? h - '0' : (h | 0x20) - 'a' + 10);
      ++j;
    }
    if (j - i_ < min_digits) return false;
    i_ = j;
    *out = v;
    return true;
  }

  // Parses an escape at i_ ('\\'). Either yields a code point (*cp, returns 1) or class atoms
  // (appended to *atoms, returns 2); 0 on error.
  int ParseEscapeBody(bool in_class, char32_t* cp, std::vector<Atom>* atoms) {
    size_t at = i_;
    ++i_;
    if (!More()) {
      Fail("end pattern at escape", at);
      return 0;
    }
    char c = Peek();
    switch (c) {
      case 't': ++i_; *cp = '\t'; return 1;
      case 'n': ++i_; *cp = '\n'; return 1;
      case 'r': ++i_; *cp = '\r'; return 1;
      case 'f': ++i_; *cp = '\f'; return 1;
      case 'v': ++i_; *cp = '\v'; return 1;
      case 'a': ++i_; *cp = 0x07; return 1;
      case 'e': ++i_; *cp = 0x1B; return 1;
      case 'x': {
        ++i_;
        if (More() && Peek() == '{') {
          ++i_;
          if (!ParseHex(1, 8, cp) || !More() || Peek() != '}') {
            Fail("invalid code point value", at);
            return 0;
          }
          ++i_;
        } else if (!ParseHex(1, 2, cp)) {
          Fail("invalid \\x escape", at);
          return 0;
        } else if (*cp >= 0x80) {
          Unsupported("\\xHH above 7F (raw byte)", at);
          return 0;
        }
        if (*cp > 0x10FFFF || (*cp >= 0xD800 && *cp <= 0xDFFF)) {
          Fail("invalid code point value", at);
          return 0;
        }
        return 1;
      }
      case 'u': {
        ++i_;
        if (!ParseHex(4, 4, cp) || (*cp >= 0xD800 && *cp <= 0xDFFF)) {
          Fail("invalid \\u escape", at);
          return 0;
        }
        return 1;
      }
      case 's': case 'S':
        ++i_;
        atoms->push_back({Atom::kSpace, c == 'S', 0, 0, 0});
        return 2;
      case 'd': case 'D':
        ++i_;
        atoms->push_back({Atom::kGc, c == 'D', Bit(Gc::Nd), 0, 0});
        return 2;
      case 'w': case 'W':
        ++i_;
        atoms->push_back({in_class ? Atom::kWord : Atom::kWordOutside, c == 'W', 0, 0, 0});
        return 2;
      case 'p': case 'P': {
        ++i_;
        if (!More() || Peek() != '{') {
          Unsupported(std::string("\\") + c + " without braces", at);
          return 0;
        }
        size_t close = p_.find('}', i_);
        if (close == std::string_view::npos) {
          Fail("invalid character property name", at);
          return 0;
        }
        std::string_view name = p_.substr(i_ + 1, close - i_ - 1);
        bool neg = c == 'P';
        if (!name.empty() && name[0] == '^') {
          neg = !neg;
          name.remove_prefix(1);
        }
        uint32_t mask;
        if (!PropertyMask(name, &mask)) {
          Unsupported("\\" + std::string(1, c) + "{" + std::string(name) + "}", at);
          return 0;
        }
        i_ = close + 1;
        atoms->push_back({Atom::kGc, neg, mask, 0, 0});
        return 2;
      }
      default:
        break;
    }
    if (static_cast<unsigned char>(c) < 0x80 && std::isalnum(static_cast<unsigned char>(c))) {
      if (in_class && c == 'b') {
        ++i_;
        *cp = 0x08;
        return 1;
      }
      std::string what = std::string("\\") + c;
      if (c >= '1' && c <= '9') what += " (backreference)";
      if (c == '0') what += " (octal escape)";
      Unsupported(what, at);
      return 0;
    }
    return DecodePatternChar(cp) ? 1 : 0;  // escaped punctuation or any other char: literal
  }

  static bool PropertyMask(std::string_view raw, uint32_t* mask) {
    std::string n;
    for (char ch : raw) {
      if (ch == ' ' || ch == '_' || ch == '-') continue;
      n.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
    }
    struct Entry {
      const char* a;
      const char* b;
      uint32_t m;
    };
    static const Entry kTable[] = {
        {"l", "letter", kL},
        {"lu", "uppercaseletter", Bit(Gc::Lu)},
        {"ll", "lowercaseletter", Bit(Gc::Ll)},
        {"lt", "titlecaseletter", Bit(Gc::Lt)},
        {"lm", "modifierletter", Bit(Gc::Lm)},
        {"lo", "otherletter", Bit(Gc::Lo)},
        {"lc", "casedletter", Bit(Gc::Lu) | Bit(Gc::Ll) | Bit(Gc::Lt)},
        {"m", "mark", kM},
        {"mn", "nonspacingmark", Bit(Gc::Mn)},
        {"mc", "spacingmark", Bit(Gc::Mc)},
        {"me", "enclosingmark", Bit(Gc::Me)},
        {"n", "number", kN},
        {"nd", "decimalnumber", Bit(Gc::Nd)},
        {"nl", "letternumber", Bit(Gc::Nl)},
        {"no", "othernumber", Bit(Gc::No)},
        {"p", "punctuation", kP},
        {"pc", "connectorpunctuation", Bit(Gc::Pc)},
        {"pd", "dashpunctuation", Bit(Gc::Pd)},
        {"ps", "openpunctuation", Bit(Gc::Ps)},
        {"pe", "closepunctuation", Bit(Gc::Pe)},
        {"pi", "initialpunctuation", Bit(Gc::Pi)},
        {"pf", "finalpunctuation", Bit(Gc::Pf)},
        {"po", "otherpunctuation", Bit(Gc::Po)},
        {"s", "symbol", kS},
        {"sm", "mathsymbol", Bit(Gc::Sm)},
        {"sc", "currencysymbol", Bit(Gc::Sc)},
        {"sk", "modifiersymbol", Bit(Gc::Sk)},
        {"so", "othersymbol", Bit(Gc::So)},
        {"z", "separator", kZ},
        {"zs", "spaceseparator", Bit(Gc::Zs)},
        {"zl", "lineseparator", Bit(Gc::Zl)},
        {"zp", "paragraphseparator", Bit(Gc::Zp)},
        {"c", "other", kC},
        {"cc", "control", Bit(Gc::Cc)},
        {"cf", "format", Bit(Gc::Cf)},
        {"cs", "surrogate", Bit(Gc::Cs)},
        {"co", "privateuse", Bit(Gc::Co)},
        {"cn", "unassigned", Bit(Gc::Cn)},
    };
    for (const Entry& e : kTable) {
      if (n == e.a || n == e.b) {
        *mask = e.m;
        return true;
      }
    }
    return false;
  }

  NodeP ParseEscape(bool icase) {
    char32_t cp;
    std::vector<Atom> atoms;
    int r = ParseEscapeBody(false, &cp, &atoms);
    if (r == 0) return nullptr;
    if (r == 1) return CharNode(cp, icase);
    CharClass cc;
    cc.atoms = std::move(atoms);
    return ClassNode(std::move(cc));
  }

  // Parses "[...]" at i_.
  bool ParseClass(bool icase, CharClass* cc) {
    size_t at = i_;
    ++i_;
    if (More() && Peek() == '^') {
      cc->negate = true;
      ++i_;
    }
    bool first = true;
    while (true) {
      if (!More()) {
        Fail("premature end of char-class", at);
        return false;
      }
      size_t item_at = i_;
      char c = Peek();
      if (c == ']' && !first) {
        ++i_;
        break;
      }
      first = false;
      if (c == '[') {
        if (p_.compare(i_, 2, "[:") == 0) {
          Unsupported("[: (POSIX bracket)", item_at);
        } else {
          Unsupported("[ (nested character class)", item_at);
        }
        return false;
      }
      if (c == '&' && p_.compare(i_, 2, "&&") == 0) {
        Unsupported("&& (class intersection)", item_at);
        return false;
      }
      char32_t lo;
      std::vector<Atom> atoms;
      int r;
      if (c == '\\') {
        r = ParseEscapeBody(true, &lo, &atoms);
        if (r == 0) return false;
      } else {
        if (!DecodePatternChar(&lo)) return false;
        r = 1;
      }
      if (r == 2) {
        if (More() && Peek() == '-' && i_ + 1 < p_.size() && p_[i_ + 1] != ']') {
          Fail("unmatched range specifier in char-class", i_);
          return false;
        }
        for (const Atom& a : atoms) cc->atoms.push_back(a);
        continue;
      }
      // A literal; maybe the start of a range.
      char32_t hi = lo;
      if (More() && Peek() == '-' && i_ + 1 < p_.size() && p_[i_ + 1] != ']') {
        size_t dash = i_;
        ++i_;
        std::vector<Atom> atoms2;
        int r2;
        if (Peek() == '\\') {
          r2 = ParseEscapeBody(true, &hi, &atoms2);
          if (r2 == 0) return false;
        } else if (Peek() == '[') {
          Unsupported("[ (nested character class)", i_);
          return false;
        } else {
          if (!DecodePatternChar(&hi)) return false;
          r2 = 1;
        }
        if (r2 == 2) {
          Fail("unmatched range specifier in char-class", dash);
          return false;
        }
        if (hi < lo) {
          Fail("empty range in char class", item_at);
          return false;
        }
      }
      cc->atoms.push_back({Atom::kRange, false, 0, lo, hi});
      if (icase) AddCaseClosure(lo, hi, &cc->atoms);
    }
    return true;
  }

  std::string_view p_;
  size_t i_ = 0;
  std::vector<CharClass>* classes_;
  std::string* err_;
};

// ---------------------------------------------------------------------------------------------
// Program.

enum Op : uint8_t {
  kOpChar,        // x = code point
  kOpClass,       // x = class
  kOpAny,         // any character but '\n'
  kOpBol,
  kOpEol,
  kOpSplit,       // try x, on failure y
  kOpJmp,         // x
  kOpAlt,         // x = alternation table
  kOpRepeat,      // single-char matcher (mk, x), greedy min..max (max = UINT32_MAX: unbounded)
  kOpLook,        // x = body start (ends with kOpMatch), neg
  kOpLookOne,     // single-char lookahead (mk, x), neg
  kOpMark,        // slots[x] = pos (restored on backtrack)
  kOpProgress,    // if pos == slots[x] goto y
  kOpMatch,
};

// Single-character matcher kinds.
enum MatchKind : uint8_t { kMkChar, kMkClass, kMkAny };

struct Inst {
  Op op;
  MatchKind mk = kMkChar;
  bool neg = false;
  int32_t x = 0;
  int32_t y = 0;
  uint32_t min = 0, max = 0;
};

// First-character filter of one alternative.
struct FirstSet {
  bool always = true;  // nullable or starts with an assertion: cannot be filtered
  uint64_t ascii[2] = {0, 0};
  std::vector<std::pair<MatchKind, int32_t>> matchers;  // for non-ASCII characters
  bool any_nonascii = false;                            // some matcher is '.' or too many
};

struct AltTable {
  std::vector<int32_t> pcs;
  std::vector<FirstSet> first;
  // For an ASCII lookahead character: bitmask of admissible alternatives (only when <= 64).
  std::vector<uint64_t> ascii_mask;  // 129 entries: [128] = end of text
  bool has_mask = false;
};

class Program {
 public:
  std::vector<Inst> code;
  std::vector<CharClass> classes;
  std::vector<AltTable> alts;
  int nslots = 0;
  FirstSet first;  // of the whole pattern
  // tail_ok[pc]: execution from pc reaches kOpMatch without any possible failure (so a repeat
  // followed by it needs no backtrack entry).
  std::vector<uint8_t> tail_ok;

  inline bool MatchOne(MatchKind mk, int32_t x, char32_t cp) const {
    switch (mk) {
      case kMkChar: return cp == static_cast<char32_t>(x);
      case kMkClass: return classes[static_cast<size_t>(x)].Matches(cp);
      case kMkAny: return cp != '\n';
    }
    return false;
  }
};

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

inline bool FirstAdmits(const Program& prog, const FirstSet& fs, char32_t cp) {
  if (fs.always) return true;
  if (cp < 128) return (fs.ascii[cp >> 6] >> (cp & 63)) & 1;
  if (fs.any_nonascii) return true;
  for (const auto& m : fs.matchers) {
    if (prog.MatchOne(m.first, m.second, cp)) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Matcher.

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
  bool Run(int32_t pc, size_t pos, size_t* end) {
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

 private:
  // Length of the character at p if the matcher accepts it, else 0.
  inline size_t MatchOneAt(MatchKind mk, int32_t x, size_t p) const {
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

  // Advances over up to `limit` characters accepted by the repeat's matcher.
  inline size_t Greedy(const Inst& in, size_t p, uint32_t limit) const {
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

  // First admissible alternative of the kOpAlt `in` at index >= from, given the character at
  // pos. Returns its pc (or -1) and sets *next to the following admissible index (or -1).
  int32_t AltFrom(const Inst& in, size_t pos, int32_t from, int32_t* next) const {
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

  const Program& prog_;
  const uint8_t* s_;
  size_t n_;
  FrameStack stack_;
  std::vector<uint32_t> slots_;
  int64_t budget_ = 0;
  bool aborted_ = false;
};

class BacktrackRegex final : public Regex {
 public:
  explicit BacktrackRegex(Program prog) : prog_(std::move(prog)) {}

  void FindAll(std::string_view text,
               std::vector<std::pair<uint32_t, uint32_t>>* out) const override {
    const uint8_t* s = reinterpret_cast<const uint8_t*>(text.data());
    const size_t n = text.size();
    if (n >= 0xFFFFFFFFu) return;  // offsets are 32-bit
    Vm vm(prog_, s, n);
    // Work limits, for pathological patterns only (nested quantifiers, where HF's Oniguruma
    // fails the whole call after 10M retries of one match attempt). Steps are instructions run
    // plus bytes scanned by repeats: an attempt may take 10M + 64 per remaining byte, the call
    // 10M + 1024 per byte; an attempt over budget counts as no match. The pre-tokenizer
    // patterns take a few steps per byte.
    constexpr int64_t kBaseSteps = 10'000'000;
    int64_t call_left = kBaseSteps + 1024 * static_cast<int64_t>(n);
    const FirstSet& fs = prog_.first;
    size_t pos = 0;
    while (pos <= n) {
      size_t start = pos, end = 0;
      bool found = false;
      while (true) {
        if (!fs.always) {
          // Skip ASCII bytes that cannot start a match.
          while (start < n && s[start] < 0x80 &&
                 !((fs.ascii[s[start] >> 6] >> (s[start] & 63)) & 1)) {
            ++start;
          }
        }
        bool admit;
        char32_t cp = 0;
        size_t len = 1;
        if (start >= n) {
          admit = fs.always;
        } else if (s[start] < 0x80) {
          cp = s[start];
          admit = fs.always || ((fs.ascii[cp >> 6] >> (cp & 63)) & 1);
        } else {
          len = Decode(s, n, start, &cp);
          admit = FirstAdmits(prog_, fs, cp);
        }
        if (admit) {
          int64_t budget = std::min(kBaseSteps + 64 * static_cast<int64_t>(n - start), call_left);
          vm.SetBudget(budget);
          bool matched = vm.Run(0, start, &end);
          call_left -= budget - std::max<int64_t>(vm.budget(), 0);
          if (matched) {
            found = true;
            break;
          }
        }
        if (start >= n) break;
        start += len;
      }
      if (!found) break;
      out->emplace_back(static_cast<uint32_t>(start), static_cast<uint32_t>(end));
      if (end > start) {
        pos = end;
      } else {
        if (start >= n) break;
        char32_t cp;
        pos = start + Decode(s, n, start, &cp);
      }
    }
  }

 private:
  Program prog_;
};

}  // namespace

std::unique_ptr<Regex> Regex::Compile(std::string_view pattern, std::string* error) {
  std::string local;
  std::string* err = error ? error : &local;
  err->clear();
  Program prog;
  Parser parser(pattern, &prog.classes, err);
  NodeP root = parser.Parse();
  if (!root) {
    if (err->empty()) *err = "invalid pattern";
    return nullptr;
  }
  Compiler comp(&prog, err);
  if (!comp.Compile(*root)) {
    if (err->empty()) *err = "cannot compile pattern";
    return nullptr;
  }
  return std::make_unique<BacktrackRegex>(std::move(prog));
}

}  // namespace collie::tok
