// Unicode support for the tokenizer engine: UTF-8 coding, general categories, White_Space,
// and NFC/NFKC normalization. Tables are generated (scripts/gen-unicode-tables.py) and committed.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace collie::tok {

// Decodes one scalar value at s[0..n) (n > 0). Returns the bytes consumed (1..4). Invalid or
// truncated sequences and encoded surrogates yield *cp = 0xFFFD and consume 1 byte.
size_t DecodeUtf8(const char* s, size_t n, char32_t* cp);
// Appends the UTF-8 encoding of cp (cp must be a scalar value).
void AppendUtf8(std::string* out, char32_t cp);
// True if s is well-formed UTF-8 (no surrogates, no overlongs).
bool IsValidUtf8(std::string_view s);

enum class Gc : uint8_t {
  Lu, Ll, Lt, Lm, Lo,
  Mn, Mc, Me,
  Nd, Nl, No,
  Pc, Pd, Ps, Pe, Pi, Pf, Po,
  Sm, Sc, Sk, So,
  Zs, Zl, Zp,
  Cc, Cf, Cs, Co, Cn,
};
Gc GeneralCategory(char32_t cp);
// Unicode White_Space property (what Oniguruma's \s matches under Unicode).
bool IsWhiteSpace(char32_t cp);

enum class NormForm : uint8_t { kNfc, kNfkc, kNfd, kNfkd };
// Writes the normalization of `in` to *out (out is cleared first). ASCII input is copied as is.
// Text that passes the quick check (already normalized) is copied after one table lookup per
// non-ASCII character; bytes that are not well-formed UTF-8 pass through unchanged (as
// starters). `in` must not point into *out.
void Normalize(NormForm form, std::string_view in, std::string* out);

// Simple case folding (CaseFolding.txt statuses C and S); cp itself when it has no folding.
char32_t CaseFoldSimple(char32_t cp);
// Next member of cp's simple-case-folding equivalence class (a cycle through every code point
// with the same CaseFoldSimple); cp itself when the class has one member.
char32_t CaseFoldOrbitNext(char32_t cp);
// Full case folding of cp when it is more than one code point (CaseFolding.txt status F, e.g.
// ß -> ss, ﬁ -> fi): writes the code points to out and returns their count (2 or 3); 0 when
// cp's full folding is a single code point.
int CaseFoldMulti(char32_t cp, char32_t out[3]);
// The code points that have such a folding, ascending: MultiCaseFoldSource(i), i < count.
size_t MultiCaseFoldCount();
char32_t MultiCaseFoldSource(size_t i);
// Canonical combining class (0 for starters and unassigned code points).
uint8_t CombiningClass(char32_t cp);
// True when NFC/NFKC/NFD/NFKD(s) == s (exact: runs the quick check, then normalizes if needed).
bool IsNormalized(NormForm form, std::string_view s);

}  // namespace collie::tok
