// Parser of the regex engine (regex_internal.h): escapes, \p{..} property names and bracket
// classes. The pattern structure is parsed in regex_parse.cc.
#include <cctype>

#include "regex_internal.h"

namespace collie::tok::regex_detail {
namespace {

bool PropertyMask(std::string_view raw, uint32_t* mask) {
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

}  // namespace

// Reads hex digits for \xHH, \x{...}, \uHHHH.
bool Parser::ParseHex(size_t min_digits, size_t max_digits, char32_t* out) {
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
int Parser::ParseEscapeBody(bool in_class, char32_t* cp, std::vector<Atom>* atoms) {
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

NodeP Parser::ParseEscape(bool icase) {
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
bool Parser::ParseClass(bool icase, CharClass* cc) {
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

}  // namespace collie::tok::regex_detail
