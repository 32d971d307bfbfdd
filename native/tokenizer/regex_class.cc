// Character classes of the regex engine (regex_internal.h): the fast-path tables of CharClass and
// the case closure used under (?i).
#include <algorithm>

#include "regex_internal.h"

namespace collie::tok::regex_detail {
namespace {

inline uint32_t GcBit(char32_t cp) {
  return cp >= 0x110000 ? 0u : 1u << static_cast<unsigned>(GeneralCategory(cp));
}

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

}  // namespace

void CharClass::Finish() {
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

bool CharClass::Slow(char32_t cp) const {
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

}  // namespace collie::tok::regex_detail
