// Internal declarations of the backtracking regex engine (regex.h), shared by its translation
// units: regex_class.cc (character classes), regex_parse.cc and regex_parse_escape.cc (pattern
// -> AST), regex_compile.cc (AST -> Program), regex_vm.cc (matcher) and regex.cc (entry
// points). Everything the matcher calls per character is defined inline here.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "unicode.h"

namespace collie::tok::regex_detail {

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

constexpr uint32_t Bit(Gc g) { return 1u << static_cast<unsigned>(g); }
constexpr uint32_t kL = Bit(Gc::Lu) | Bit(Gc::Ll) | Bit(Gc::Lt) | Bit(Gc::Lm) | Bit(Gc::Lo);
constexpr uint32_t kM = Bit(Gc::Mn) | Bit(Gc::Mc) | Bit(Gc::Me);
constexpr uint32_t kN = Bit(Gc::Nd) | Bit(Gc::Nl) | Bit(Gc::No);
constexpr uint32_t kP = Bit(Gc::Pc) | Bit(Gc::Pd) | Bit(Gc::Ps) | Bit(Gc::Pe) | Bit(Gc::Pi) |
                        Bit(Gc::Pf) | Bit(Gc::Po);
constexpr uint32_t kS = Bit(Gc::Sm) | Bit(Gc::Sc) | Bit(Gc::Sk) | Bit(Gc::So);
constexpr uint32_t kZ = Bit(Gc::Zs) | Bit(Gc::Zl) | Bit(Gc::Zp);
constexpr uint32_t kC = Bit(Gc::Cc) | Bit(Gc::Cf) | Bit(Gc::Cs) | Bit(Gc::Co) | Bit(Gc::Cn);

// ---------------------------------------------------------------------------------------------
// Character classes (regex_class.cc).

struct Atom {
  enum Kind : uint8_t { kRange, kGc, kSpace, kWord, kWordOutside } kind;
  bool neg;
  uint32_t mask;  // kGc
  char32_t lo, hi;  // kRange
};

class CharClass {
 public:
  // Built by the parser: atoms are OR-ed, then `negate` applies.
  std::vector<Atom> atoms;
  bool negate = false;

  // Precomputes the fast representation. Must be called once the atoms are final.
  void Finish();

  inline bool Matches(char32_t cp) const {
    if (cp < 0x80) return (ascii_[cp >> 6] >> (cp & 63)) & 1;
    if (cp < 0x800) return (latin_[(cp - 0x80) >> 6] >> ((cp - 0x80) & 63)) & 1;
    return Slow(cp);
  }
  bool MatchesAscii(uint8_t c) const { return (ascii_[c >> 6] >> (c & 63)) & 1; }
  const uint64_t* ascii() const { return ascii_; }

 private:
  // The full membership test behind the ASCII and Latin tables (regex_class.cc).
  bool Slow(char32_t cp) const;

  uint64_t ascii_[2] = {0, 0};
  uint64_t latin_[(0x800 - 0x80) / 64] = {};
  uint32_t gc_mask_ = 0;
  bool space_ = false;
  std::vector<std::pair<char32_t, char32_t>> ranges_;
  std::vector<Atom> other_;
};

// Adds to `atoms` every code point that is case-fold equivalent to one in [lo, hi].
void AddCaseClosure(char32_t lo, char32_t hi, std::vector<Atom>* atoms);

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

inline NodeP MakeNode(Node::Kind k) {
  NodeP n = std::make_unique<Node>();
  n->kind = k;
  return n;
}

inline bool IsSingleCharNode(const Node& n) {
  return n.kind == Node::kChar || n.kind == Node::kClass || n.kind == Node::kAny;
}

// Whether n can match the empty string (regex_parse.cc).
bool Nullable(const Node& n);

// ---------------------------------------------------------------------------------------------
// Parser: structure in regex_parse.cc, escapes and bracket classes in regex_parse_escape.cc.

class Parser {
 public:
  Parser(std::string_view p, std::vector<CharClass>* classes, std::string* err)
      : p_(p), classes_(classes), err_(err) {}

  NodeP Parse();

 private:
  NodeP Fail(const std::string& what, size_t at);
  NodeP Unsupported(const std::string& construct, size_t at);
  bool More() const { return i_ < p_.size(); }
  char Peek() const { return p_[i_]; }
  bool DecodePatternChar(char32_t* cp);

  NodeP ParseAlt(bool icase, int depth);
  bool CheckFoldRun(const std::u32string& run, size_t at);
  NodeP ParseConcat(bool icase, int depth);
  bool ParseInterval(int* min, int* max);
  NodeP ParseQuantifiers(NodeP atom, size_t atom_at);
  NodeP CharNode(char32_t cp, bool icase);
  NodeP ClassNode(CharClass cc);
  NodeP ParseAtom(bool icase, int depth);
  NodeP ParseGroup(bool icase, int depth);

  bool ParseHex(size_t min_digits, size_t max_digits, char32_t* out);
  int ParseEscapeBody(bool in_class, char32_t* cp, std::vector<Atom>* atoms);
  NodeP ParseEscape(bool icase);
  bool ParseClass(bool icase, CharClass* cc);

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

inline bool FirstAdmits(const Program& prog, const FirstSet& fs, char32_t cp) {
  if (fs.always) return true;
  if (cp < 128) return (fs.ascii[cp >> 6] >> (cp & 63)) & 1;
  if (fs.any_nonascii) return true;
  for (const auto& m : fs.matchers) {
    if (prog.MatchOne(m.first, m.second, cp)) return true;
  }
  return false;
}

// Compiles the AST into *prog (whose classes the parser filled); false with *err set on failure
// (regex_compile.cc).
bool CompileProgram(const Node& root, Program* prog, std::string* err);

}  // namespace collie::tok::regex_detail
