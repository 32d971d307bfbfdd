// Parser of the regex engine (regex_internal.h): pattern structure (alternation, concatenation,
// quantifiers, groups, atoms). Escapes and bracket classes are in regex_parse_escape.cc.
#include <cstdio>

#include "regex_internal.h"

namespace collie::tok::regex_detail {
namespace {

// Oniguruma refuses to repeat an anchor or lookahead, or an alternation with such a branch,
// unless it is enclosed in a capture or option group.
bool InvalidRepeatTarget(const Node& n) {
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

std::string Hex(char32_t cp) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "%04X", static_cast<unsigned>(cp));
  return buf;
}

}  // namespace

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

NodeP Parser::Parse() {
  NodeP n = ParseAlt(false, 0);
  if (!n) return nullptr;
  if (i_ < p_.size()) return Fail("unmatched ')'", i_);
  return n;
}

NodeP Parser::Fail(const std::string& what, size_t at) {
  if (err_->empty()) {
    *err_ = what + " at offset " + std::to_string(at) + " in pattern '" + std::string(p_) + "'";
  }
  return nullptr;
}

NodeP Parser::Unsupported(const std::string& construct, size_t at) {
  return Fail("unsupported regex construct '" + construct + "'", at);
}

bool Parser::DecodePatternChar(char32_t* cp) {
  size_t len = DecodeUtf8(p_.data() + i_, p_.size() - i_, cp);
  if (*cp == 0xFFFD && len == 1) {
    Fail("invalid UTF-8 in pattern", i_);
    return false;
  }
  i_ += len;
  return true;
}

NodeP Parser::ParseAlt(bool icase, int depth) {
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
bool Parser::CheckFoldRun(const std::u32string& run, size_t at) {
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

NodeP Parser::ParseConcat(bool icase, int depth) {
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
bool Parser::ParseInterval(int* min, int* max) {
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

NodeP Parser::ParseQuantifiers(NodeP atom, size_t atom_at) {
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

NodeP Parser::CharNode(char32_t cp, bool icase) {
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

NodeP Parser::ClassNode(CharClass cc) {
  cc.Finish();
  classes_->push_back(std::move(cc));
  NodeP n = MakeNode(Node::kClass);
  n->cls = static_cast<int>(classes_->size() - 1);
  return n;
}

NodeP Parser::ParseAtom(bool icase, int depth) {
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

NodeP Parser::ParseGroup(bool icase, int depth) {
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

}  // namespace collie::tok::regex_detail
