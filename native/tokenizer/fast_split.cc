// Each matcher returns the end of the leftmost-first match at i (these patterns match at every
// position, with at least one char), following the regex alternatives in order; the comments
// give the alternative and how backtracking resolves.
#include "fast_split.h"

#include <cctype>
#include <cstring>
#include <memory>

#include "unicode.h"

namespace collie::tok {

namespace {

enum : uint8_t {
  kL = 1,       // \p{L}
  kN = 2,       // \p{N}
  kWs = 4,      // \s (White_Space)
  kCrLf = 8,    // \r or \n
  kUpper = 16,  // [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]
  kLower = 32,  // [\p{Ll}\p{Lm}\p{Lo}\p{M}]
  kPs = 64,     // [\p{P}\p{S}]
  kM = 128,     // \p{M}
};

uint8_t Classify(char32_t cp) {
  uint8_t c = IsWhiteSpace(cp) ? kWs : 0;
  if (cp == '\r' || cp == '\n') c |= kCrLf;
  switch (GeneralCategory(cp)) {
    case Gc::Lu: case Gc::Lt: return c | kL | kUpper;
    case Gc::Ll: return c | kL | kLower;
    case Gc::Lm: case Gc::Lo: return c | kL | kUpper | kLower;
    case Gc::Mn: case Gc::Mc: case Gc::Me: return c | kUpper | kLower | kM;
    case Gc::Nd: case Gc::Nl: case Gc::No: return c | kN;
    case Gc::Pc: case Gc::Pd: case Gc::Ps: case Gc::Pe: case Gc::Pi: case Gc::Pf: case Gc::Po:
    case Gc::Sm: case Gc::Sc: case Gc::Sk: case Gc::So:
      return c | kPs;
    default: return c;
  }
}

// Class bits for every BMP code point, built once (64 KB); astral code points are computed.
const uint8_t* BmpTable() {
  static const std::unique_ptr<uint8_t[]> t = [] {
    std::unique_ptr<uint8_t[]> a(new uint8_t[0x10000]);
    for (char32_t cp = 0; cp < 0x10000; ++cp) a[cp] = (cp >= 0xD800 && cp <= 0xDFFF) ? Classify(0xFFFD) : Classify(cp);
    return a;
  }();
  return t.get();
}

struct Ch {
  uint8_t cls;
  uint8_t len;  // bytes; 0 at the end of the text
  char32_t cp;
};

class Text {
 public:
  Text(std::string_view s) : p_(s.data()), n_(s.size()), bmp_(BmpTable()) {}
  size_t size() const { return n_; }
  Ch At(size_t i) const {
    if (i >= n_) return {0, 0, 0};
    unsigned char b = static_cast<unsigned char>(p_[i]);
    if (b < 0x80) return {bmp_[b], 1, b};
    char32_t cp;
    size_t len = DecodeUtf8(p_ + i, n_ - i, &cp);
    return {cp < 0x10000 ? bmp_[cp] : Classify(cp), static_cast<uint8_t>(len), cp};
  }
  char Byte(size_t i) const { return i < n_ ? p_[i] : '\0'; }
  // End of the run of chars from i whose class has any of the bits `any`.
  size_t Run(size_t i, uint8_t any) const {
    for (;;) {
      Ch c = At(i);
      if (c.len == 0 || !(c.cls & any)) return i;
      i += c.len;
    }
  }
  // End of the run of chars from i whose class has none of the bits `none`.
  size_t RunNot(size_t i, uint8_t none) const {
    for (;;) {
      Ch c = At(i);
      if (c.len == 0 || (c.cls & none)) return i;
      i += c.len;
    }
  }

 private:
  const char* p_;
  size_t n_;
  const uint8_t* bmp_;
};

bool FoldsTo(char32_t cp, char ascii, bool fold) {
  if (cp == static_cast<unsigned char>(ascii)) return true;
  if (!fold) return false;
  if (cp < 0x80) return cp == static_cast<char32_t>(ascii - 'a' + 'A');
  return CaseFoldSimple(cp) == static_cast<char32_t>(ascii);
}

// \p{N}{0,max} from i: the end of the run.
size_t DigitRun(const Text& t, size_t i, int max) {
  size_t j = i;
  for (int k = 0; k < max; ++k) {
    Ch d = t.At(j);
    if (!(d.cls & kN) || d.len == 0) break;
    j += d.len;
  }
  return j;
}

// '(s|t|re|ve|m|ll|d) after the apostrophe at i: returns the match end or 0.
size_t Contraction(const Text& t, size_t i, bool fold) {
  if (t.Byte(i) != '\'') return 0;
  Ch a = t.At(i + 1);
  if (a.len == 0) return 0;
  size_t j = i + 1 + a.len;
  for (char c : {'s', 't', 'm', 'd'}) {
    if (FoldsTo(a.cp, c, fold)) return j;
  }
  Ch b = t.At(j);
  if (b.len == 0) return 0;
  static const char kTwo[][2] = {{'r', 'e'}, {'v', 'e'}, {'l', 'l'}};
  for (const auto& two : kTwo) {
    if (FoldsTo(a.cp, two[0], fold) && FoldsTo(b.cp, two[1], fold)) return j + b.len;
  }
  return 0;
}

// The whitespace alternatives at i (c is whitespace): `\s*[\r\n]+` (when `newline_alt`),
// then `\s+(?!\S)`, then `\s+`.
size_t Whitespace(const Text& t, size_t i, bool newline_alt) {
  size_t last_nl = 0, last_start = i, j = i;
  bool has_nl = false;
  int count = 0;
  for (;;) {
    Ch c = t.At(j);
    if (c.len == 0 || !(c.cls & kWs)) break;
    if (c.cls & kCrLf) has_nl = true, last_nl = j;
    last_start = j;
    j += c.len;
    ++count;
  }
  if (newline_alt && has_nl) return last_nl + 1;  // \s* backtracks to the last \r|\n
  if (j == t.size() || count == 1) return j;        // (?!\S) holds at the end; else \s+ alone
  return last_start;                                 // give back one char so (?!\S) holds
}

// GPT-2: 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
size_t MatchGpt2(const Text& t, size_t i) {
  if (size_t e = Contraction(t, i, false)) return e;
  Ch c = t.At(i);
  size_t j = i;
  if (t.Byte(i) == ' ') {
    Ch d = t.At(i + 1);
    if (d.len && !(d.cls & kWs)) j = i + 1, c = d;  // the optional ' ' joins the run after it
  }
  if (c.cls & kL) return t.Run(j, kL);
  if (c.cls & kN) return t.Run(j, kN);
  if (!(c.cls & kWs)) return t.RunNot(j, kL | kN | kWs);
  return Whitespace(t, i, false);
}

// Llama 3 / cl100k (max_digits 3) and Qwen 2/3 (max_digits 1):
// (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|
// \s*[\r\n]+|\s+(?!\S)|\s+
size_t MatchCl100k(const Text& t, size_t i, int max_digits) {
  if (size_t e = Contraction(t, i, true)) return e;
  Ch c = t.At(i);
  if (c.cls & kL) return t.Run(i, kL);
  if (!(c.cls & (kN | kCrLf))) {
    if (t.At(i + c.len).cls & kL) return t.Run(i + c.len, kL);
  }
  if (c.cls & kN) return DigitRun(t, i, max_digits);
  size_t j = t.Byte(i) == ' ' ? i + 1 : i;
  Ch o = t.At(j);
  if (o.len && !(o.cls & (kL | kN | kWs))) {
    j = t.RunNot(j, kL | kN | kWs);
    while (t.Byte(j) == '\r' || t.Byte(j) == '\n') ++j;
    return j;
  }
  return Whitespace(t, i, true);
}

// o200k: [^\r\n\p{L}\p{N}]?U*W+C?|[^\r\n\p{L}\p{N}]?U+W*C?|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|
// \s*[\r\n]+|\s+(?!\S)|\s+ with U = [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}], W = [\p{Ll}\p{Lm}\p{Lo}\p{M}],
// C = (?i:'s|'t|'re|'ve|'m|'ll|'d).
// U*W+ at p: the maximal U run, then W+ from its end (its first char must be Ll); else U* gives
// back chars until one of them (Lm/Lo/M, in both sets) starts W+, which then ends after it.
size_t UStarWPlus(const Text& t, size_t p) {
  size_t u_end = t.Run(p, kUpper);
  if (t.At(u_end).cls & kLower) return t.Run(u_end, kLower);
  size_t best = 0;
  for (size_t q = p; q < u_end;) {
    Ch c = t.At(q);
    if (c.cls & kLower) best = q + c.len;
    q += c.len;
  }
  return best;  // 0: no match (a match always ends after p >= 0, so 0 is unambiguous unless p == 0)
}

size_t MatchO200k(const Text& t, size_t i) {
  Ch c = t.At(i);
  const bool prefix = !(c.cls & (kL | kN | kCrLf));
  auto with_contraction = [&](size_t e) {
    size_t k = Contraction(t, e, true);
    return k ? k : e;
  };
  // Alternative A, first with the optional prefix char, then without.
  for (int pass = 0; pass < 2; ++pass) {
    if (pass == 0 && !prefix) continue;
    size_t p = pass == 0 ? i + c.len : i;
    size_t e = UStarWPlus(t, p);
    if (e > p) return with_contraction(e);
  }
  // Alternative B.
  for (int pass = 0; pass < 2; ++pass) {
    if (pass == 0 && !prefix) continue;
    size_t p = pass == 0 ? i + c.len : i;
    size_t u_end = t.Run(p, kUpper);
    if (u_end > p) return with_contraction(t.Run(u_end, kLower));
  }
  if (c.cls & kN) return DigitRun(t, i, 3);
  size_t j = t.Byte(i) == ' ' ? i + 1 : i;
  Ch o = t.At(j);
  if (o.len && !(o.cls & (kL | kN | kWs))) {
    j = t.RunNot(j, kL | kN | kWs);
    while (t.Byte(j) == '\r' || t.Byte(j) == '\n' || t.Byte(j) == '/') ++j;
    return j;
  }
  return Whitespace(t, i, true);
}

// The matchers below may fail at i (return i): those chars go to a gap.

// \p{N}{1,3}
size_t MatchDigits3(const Text& t, size_t i) { return DigitRun(t, i, 3); }

// [一-龥぀-ゟ゠-ヿ]+ (U+4E00-U+9FA5, U+3040-U+30FF)
size_t MatchCjk(const Text& t, size_t i) {
  for (;;) {
    Ch c = t.At(i);
    if (c.len == 0 || !((c.cp >= 0x4E00 && c.cp <= 0x9FA5) || (c.cp >= 0x3040 && c.cp <= 0x30FF))) return i;
    i += c.len;
  }
}

bool AsciiPunct(char c) { return c > ' ' && c < 0x7F && !std::isalnum(static_cast<unsigned char>(c)); }
bool AsciiAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// DeepSeek V3: [!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~][A-Za-z]+|[^\r\n\p{L}\p{P}\p{S}]?[\p{L}\p{M}]+|
//  ?[\p{P}\p{S}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
size_t MatchDeepSeek(const Text& t, size_t i) {
  if (AsciiPunct(t.Byte(i)) && AsciiAlpha(t.Byte(i + 1))) {
    size_t j = i + 1;
    while (AsciiAlpha(t.Byte(j))) ++j;
    return j;
  }
  Ch c = t.At(i);
  if (!(c.cls & (kCrLf | kL | kPs))) {  // the optional prefix char, then [\p{L}\p{M}]+
    size_t e = t.Run(i + c.len, kL | kM);
    if (e > i + c.len) return e;
  }
  if (c.cls & (kL | kM)) return t.Run(i, kL | kM);
  size_t j = (t.Byte(i) == ' ' && (t.At(i + 1).cls & kPs)) ? i + 1 : i;
  if (t.At(j).cls & kPs) {
    j = t.Run(j, kPs);
    while (t.Byte(j) == '\r' || t.Byte(j) == '\n') ++j;
    return j;
  }
  if (c.cls & kWs) return Whitespace(t, i, true);
  return i;
}

enum class Kind { kGpt2, kCl100k, kQwen, kO200k, kDigits3, kCjk, kDeepSeek };

class Splitter : public FastSplitter {
 public:
  explicit Splitter(Kind k) : kind_(k) {}
  void Split(const Piece& piece, std::vector<Piece>* out) const override {
    Text t(piece.text);
    size_t i = 0, gap = 0;  // gap: start of the pending run of unmatched chars
    auto emit = [&](size_t b, size_t e) {
      if (e > b) out->push_back({piece.text.substr(b, e - b), piece.at_start && b == 0});
    };
    while (i < t.size()) {
      size_t e = MatchAt(t, i);
      if (e <= i) {  // no match here: the char joins the gap
        i += t.At(i).len;
        continue;
      }
      emit(gap, i);
      emit(i, e);
      i = gap = e;
    }
    emit(gap, i);
  }
  size_t MatchAt(const Text& t, size_t i) const {
    switch (kind_) {
      case Kind::kGpt2: return MatchGpt2(t, i);
      case Kind::kCl100k: return MatchCl100k(t, i, 3);
      case Kind::kQwen: return MatchCl100k(t, i, 1);
      case Kind::kO200k: return MatchO200k(t, i);
      case Kind::kDigits3: return MatchDigits3(t, i);
      case Kind::kCjk: return MatchCjk(t, i);
      case Kind::kDeepSeek: return MatchDeepSeek(t, i);
    }
    return i + 1;
  }

 private:
  Kind kind_;
};

}  // namespace

const FastSplitter* FindFastSplitter(std::string_view pattern) {
  static const Splitter gpt2(Kind::kGpt2), cl100k(Kind::kCl100k), qwen(Kind::kQwen), o200k(Kind::kO200k),
      digits3(Kind::kDigits3), cjk(Kind::kCjk), deepseek(Kind::kDeepSeek);
  static const struct {
    const char* pattern;
    const FastSplitter* splitter;
  } kKnown[] = {
      {R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)", &gpt2},
      {R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)", &cl100k},
      {R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)", &qwen},
      {R"([^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?)"
       R"(|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?)"
       R"(|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+)",
       &o200k},
      {R"(\p{N}{1,3})", &digits3},
      {"[\xE4\xB8\x80-\xE9\xBE\xA5\xE3\x81\x80-\xE3\x82\x9F\xE3\x82\xA0-\xE3\x83\xBF]+", &cjk},
      {"[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\r\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+| "
       "?[\\p{P}\\p{S}]+[\r\n]*|\\s*[\r\n]+|\\s+(?!\\S)|\\s+",
       &deepseek},
  };
  for (const auto& k : kKnown) {
    if (pattern == k.pattern) return k.splitter;
  }
  return nullptr;
}

}  // namespace collie::tok
