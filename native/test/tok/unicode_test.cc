// Tests of native/tokenizer/unicode.h against known values (categories and case folding: Unicode
// 16.0; normalization: Unicode 9.0, as HF tokenizers).
#include <string>

#include "../../tokenizer/unicode.h"
#include "mini_test.h"

using collie::tok::AppendUtf8;
using collie::tok::CaseFoldOrbitNext;
using collie::tok::CaseFoldSimple;
using collie::tok::CombiningClass;
using collie::tok::DecodeUtf8;
using collie::tok::Gc;
using collie::tok::GeneralCategory;
using collie::tok::IsNormalized;
using collie::tok::IsValidUtf8;
using collie::tok::IsWhiteSpace;
using collie::tok::Normalize;
using collie::tok::NormForm;

namespace {

std::string U8(std::u32string_view cps) {
  std::string s;
  for (char32_t c : cps) AppendUtf8(&s, c);
  return s;
}

std::string Norm(NormForm f, const std::string& s) {
  std::string out = "garbage";
  Normalize(f, s, &out);
  return out;
}

int GcInt(char32_t cp) { return static_cast<int>(GeneralCategory(cp)); }

}  // namespace

TEST(unicode_utf8_decode_encode) {
  for (char32_t cp : {0x0u, 0x41u, 0x7Fu, 0x80u, 0x7FFu, 0x800u, 0xD7FFu, 0xE000u, 0xFFFDu, 0xFFFFu,
                      0x10000u, 0x1F600u, 0x10FFFFu}) {
    std::string s;
    AppendUtf8(&s, cp);
    char32_t back = 0;
    CHECK_EQ(DecodeUtf8(s.data(), s.size(), &back), s.size());
    CHECK_EQ(static_cast<uint32_t>(back), static_cast<uint32_t>(cp));
    CHECK(IsValidUtf8(s));
  }
  CHECK_EQ(U8(U"\u00e9").size(), 2u);
  CHECK_EQ(U8(U"\u4e2d").size(), 3u);
  CHECK_EQ(U8(U"\U0001F600").size(), 4u);
  // Invalid: lone continuation, overlong, surrogate, above U+10FFFF, truncated.
  for (const char* bad : {"\x80", "\xC0\xAF", "\xC1\xBF", "\xE0\x80\xAF", "\xED\xA0\x80",
                          "\xF4\x90\x80\x80", "\xF5\x80\x80\x80", "\xE4\xB8", "\xF0\x9F\x98",
                          "\xFF"}) {
    std::string s(bad);
    char32_t cp = 0;
    CHECK_EQ(DecodeUtf8(s.data(), s.size(), &cp), 1u);
    CHECK_EQ(static_cast<uint32_t>(cp), 0xFFFDu);
    CHECK(!IsValidUtf8(s));
  }
  CHECK(IsValidUtf8(""));
  CHECK(IsValidUtf8("plain ascii text that is long enough for the 8-byte path"));
  CHECK(!IsValidUtf8("plain ascii text that is long enough \xE4\xB8 for the path"));
  // A truncated sequence consumes one byte even when the buffer is short.
  char32_t cp = 0;
  CHECK_EQ(DecodeUtf8("\xE4\xB8\xAD", 2, &cp), 1u);
}

TEST(unicode_general_category) {
  CHECK_EQ(GcInt('A'), static_cast<int>(Gc::Lu));
  CHECK_EQ(GcInt('z'), static_cast<int>(Gc::Ll));
  CHECK_EQ(GcInt('5'), static_cast<int>(Gc::Nd));
  CHECK_EQ(GcInt(' '), static_cast<int>(Gc::Zs));
  CHECK_EQ(GcInt('\n'), static_cast<int>(Gc::Cc));
  CHECK_EQ(GcInt('_'), static_cast<int>(Gc::Pc));
  CHECK_EQ(GcInt('-'), static_cast<int>(Gc::Pd));
  CHECK_EQ(GcInt('('), static_cast<int>(Gc::Ps));
  CHECK_EQ(GcInt('+'), static_cast<int>(Gc::Sm));
  CHECK_EQ(GcInt('$'), static_cast<int>(Gc::Sc));
  CHECK_EQ(GcInt('^'), static_cast<int>(Gc::Sk));
  CHECK_EQ(GcInt(0x01C5), static_cast<int>(Gc::Lt));   // ǅ
  CHECK_EQ(GcInt(0x02B0), static_cast<int>(Gc::Lm));   // ʰ
  CHECK_EQ(GcInt(0x4E2D), static_cast<int>(Gc::Lo));   // 中
  CHECK_EQ(GcInt(0x9FFF), static_cast<int>(Gc::Lo));   // last CJK unified ideograph of 14.0
  CHECK_EQ(GcInt(0x0301), static_cast<int>(Gc::Mn));
  CHECK_EQ(GcInt(0x0903), static_cast<int>(Gc::Mc));
  CHECK_EQ(GcInt(0x20DD), static_cast<int>(Gc::Me));
  CHECK_EQ(GcInt(0x2160), static_cast<int>(Gc::Nl));   // Ⅰ
  CHECK_EQ(GcInt(0x00BD), static_cast<int>(Gc::No));   // ½
  CHECK_EQ(GcInt(0x00AB), static_cast<int>(Gc::Pi));
  CHECK_EQ(GcInt(0x00BB), static_cast<int>(Gc::Pf));
  CHECK_EQ(GcInt(0x3001), static_cast<int>(Gc::Po));
  CHECK_EQ(GcInt(0x1F600), static_cast<int>(Gc::So));
  CHECK_EQ(GcInt(0x2028), static_cast<int>(Gc::Zl));
  CHECK_EQ(GcInt(0x2029), static_cast<int>(Gc::Zp));
  CHECK_EQ(GcInt(0x200B), static_cast<int>(Gc::Cf));
  CHECK_EQ(GcInt(0xFEFF), static_cast<int>(Gc::Cf));
  CHECK_EQ(GcInt(0xD800), static_cast<int>(Gc::Cs));
  CHECK_EQ(GcInt(0xE000), static_cast<int>(Gc::Co));
  CHECK_EQ(GcInt(0x10FFFD), static_cast<int>(Gc::Co));
  CHECK_EQ(GcInt(0x0378), static_cast<int>(Gc::Cn));
  CHECK_EQ(GcInt(0x10FFFF), static_cast<int>(Gc::Cn));
  CHECK_EQ(GcInt(0x110000), static_cast<int>(Gc::Cn));
  // Categories are Unicode 16.0 (as the oracle's regex): 16.0 additions are assigned, 17.0 not.
  CHECK_EQ(GcInt(0x1E290), static_cast<int>(Gc::Lo));  // Toto letter (14.0)
  CHECK_EQ(GcInt(0x1FAE0), static_cast<int>(Gc::So));  // melting face (14.0)
  CHECK_EQ(GcInt(0x1F6DC), static_cast<int>(Gc::So));  // wireless (15.0)
  CHECK_EQ(GcInt(0x31350), static_cast<int>(Gc::Lo));  // CJK ext. H (15.0)
  CHECK_EQ(GcInt(0x1C89), static_cast<int>(Gc::Lu));   // Cyrillic capital TJE (16.0)
  CHECK_EQ(GcInt(0x088F), static_cast<int>(Gc::Cn));   // assigned in 17.0
}

TEST(unicode_white_space) {
  const char32_t ws[] = {0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000,
                         0x2005, 0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000};
  for (char32_t c : ws) CHECK(IsWhiteSpace(c));
  int count = 0;
  for (char32_t c = 0; c < 0x110000; ++c) count += IsWhiteSpace(c) ? 1 : 0;
  CHECK_EQ(count, 25);
  for (char32_t c : {0x08u, 0x0Eu, 0x1Fu, 0x200Bu, 0x180Eu, 0xFEFFu, 0x2060u, 0x41u}) {
    CHECK(!IsWhiteSpace(c));
  }
}

TEST(unicode_case_fold) {
  CHECK_EQ(static_cast<uint32_t>(CaseFoldSimple('A')), 0x61u);
  CHECK_EQ(static_cast<uint32_t>(CaseFoldSimple('a')), 0x61u);
  CHECK_EQ(static_cast<uint32_t>(CaseFoldSimple('1')), 0x31u);
  CHECK_EQ(static_cast<uint32_t>(CaseFoldSimple(0x017F)), 0x73u);   // ſ -> s
  CHECK_EQ(static_cast<uint32_t>(CaseFoldSimple(0x212A)), 0x6Bu);   // Kelvin -> k
  CHECK_EQ(static_cast<uint32_t>(CaseFoldSimple(0x00B5)), 0x3BCu);  // micro -> mu
  CHECK_EQ(static_cast<uint32_t>(CaseFoldSimple(0x1E9E)), 0xDFu);   // ẞ -> ß (status S)
  CHECK_EQ(static_cast<uint32_t>(CaseFoldSimple(0x00DF)), 0xDFu);   // ß: full folding only
  CHECK_EQ(static_cast<uint32_t>(CaseFoldSimple(0x0130)), 0x130u);  // İ: status T/F only
  CHECK_EQ(static_cast<uint32_t>(CaseFoldSimple(0x1F88)), 0x1F80u); // ᾈ -> ᾀ (status S)
  CHECK_EQ(static_cast<uint32_t>(CaseFoldSimple(0x13F8)), 0x13F0u); // Cherokee
  CHECK_EQ(static_cast<uint32_t>(CaseFoldSimple(0xAB70)), 0x13A0u);
  CHECK_EQ(static_cast<uint32_t>(CaseFoldSimple(0x10400)), 0x10428u);  // Deseret
  CHECK_EQ(static_cast<uint32_t>(CaseFoldSimple(0x1E921)), 0x1E943u);  // Adlam
  // Orbit of 's': s -> ſ -> S (sorted cycle S, s, ſ).
  char32_t c = 's';
  std::u32string orbit;
  do {
    orbit.push_back(c);
    c = CaseFoldOrbitNext(c);
  } while (c != 's' && orbit.size() < 10);
  CHECK_EQ(orbit.size(), 3u);
  CHECK(orbit.find(U'S') != std::u32string::npos);
  CHECK(orbit.find(U'\u017F') != std::u32string::npos);
  CHECK_EQ(static_cast<uint32_t>(CaseFoldOrbitNext('1')), 0x31u);
  // k, K and the Kelvin sign; Greek sigma forms.
  CHECK_EQ(static_cast<uint32_t>(CaseFoldOrbitNext(CaseFoldOrbitNext(CaseFoldOrbitNext('k')))),
           0x6Bu);
  CHECK_EQ(static_cast<uint32_t>(CaseFoldSimple(0x03C2)), 0x3C3u);
}

TEST(unicode_combining_class) {
  CHECK_EQ(static_cast<int>(CombiningClass('a')), 0);
  CHECK_EQ(static_cast<int>(CombiningClass(0x0301)), 230);
  CHECK_EQ(static_cast<int>(CombiningClass(0x0327)), 202);
  CHECK_EQ(static_cast<int>(CombiningClass(0x0323)), 220);
  CHECK_EQ(static_cast<int>(CombiningClass(0x05B0)), 10);
  CHECK_EQ(static_cast<int>(CombiningClass(0x3099)), 8);
}

TEST(unicode_normalize_known) {
  const std::string e_acute = U8(U"e\u0301");
  CHECK_EQ(Norm(NormForm::kNfc, e_acute), U8(U"\u00e9"));
  CHECK_EQ(Norm(NormForm::kNfd, U8(U"\u00e9")), e_acute);
  // Canonical ordering: dot below (220) before acute (230), whatever the input order.
  CHECK_EQ(Norm(NormForm::kNfd, U8(U"a\u0301\u0323")), U8(U"a\u0323\u0301"));
  CHECK_EQ(Norm(NormForm::kNfc, U8(U"a\u0301\u0323")), U8(U"\u1ea1\u0301"));
  CHECK_EQ(Norm(NormForm::kNfc, U8(U"q\u0307\u0323")), U8(U"q\u0323\u0307"));
  // Recursive decomposition: ǖ -> u + ̈ + ̄ ; NFKD of ﬃ -> ffi; ① -> 1.
  CHECK_EQ(Norm(NormForm::kNfd, U8(U"\u01d6")), U8(U"u\u0308\u0304"));
  CHECK_EQ(Norm(NormForm::kNfkd, U8(U"\ufb03")), "ffi");
  CHECK_EQ(Norm(NormForm::kNfkc, U8(U"\u2460")), "1");
  CHECK_EQ(Norm(NormForm::kNfc, U8(U"\ufb03")), U8(U"\ufb03"));
  // NFKC: ẛ̣ (U+1E9B U+0323) -> ṩ ; NFC keeps ẛ̣.
  CHECK_EQ(Norm(NormForm::kNfkc, U8(U"\u1e9b\u0323")), U8(U"\u1e69"));
  CHECK_EQ(Norm(NormForm::kNfc, U8(U"\u1e9b\u0323")), U8(U"\u1e9b\u0323"));
  CHECK_EQ(Norm(NormForm::kNfd, U8(U"\u1e9b\u0323")), U8(U"\u017f\u0323\u0307"));
  // Singletons and composition exclusions: Ohm -> Omega, Angstrom -> Å; U+0958 stays decomposed.
  CHECK_EQ(Norm(NormForm::kNfc, U8(U"\u2126")), U8(U"\u03a9"));
  CHECK_EQ(Norm(NormForm::kNfc, U8(U"\u212b")), U8(U"\u00c5"));
  CHECK_EQ(Norm(NormForm::kNfc, U8(U"\u0958")), U8(U"\u0915\u093c"));
  CHECK_EQ(Norm(NormForm::kNfc, U8(U"\u0915\u093c")), U8(U"\u0915\u093c"));
  // Non-starter decomposition: U+0344 -> U+0308 U+0301.
  CHECK_EQ(Norm(NormForm::kNfc, U8(U"\u0344")), U8(U"\u0308\u0301"));
  // Hangul: algorithmic both ways, LV + T, and a syllable followed by a trailing jamo.
  CHECK_EQ(Norm(NormForm::kNfd, U8(U"\ud55c")), U8(U"\u1112\u1161\u11ab"));
  CHECK_EQ(Norm(NormForm::kNfc, U8(U"\u1112\u1161\u11ab")), U8(U"\ud55c"));
  CHECK_EQ(Norm(NormForm::kNfc, U8(U"\ud558\u11ab")), U8(U"\ud55c"));
  CHECK_EQ(Norm(NormForm::kNfc, U8(U"\u1100\u1161")), U8(U"\uac00"));
  // Starter + starter composition outside Hangul (Oriya AI length mark).
  CHECK_EQ(Norm(NormForm::kNfc, U8(U"\u0b47\u0b3e")), U8(U"\u0b4b"));
  // Blocked composition: a mark with the same class in between.
  CHECK_EQ(Norm(NormForm::kNfc, U8(U"a\u0301\u0301")), U8(U"\u00e1\u0301"));
  // Compatibility: full-width, super/subscripts, ligatures, CJK compatibility.
  CHECK_EQ(Norm(NormForm::kNfkc, U8(U"\uff21\uff42\uff43\u00b2\u2082")), "Abc22");
  CHECK_EQ(Norm(NormForm::kNfkc, U8(U"\u3300")), U8(U"\u30a2\u30d1\u30fc\u30c8"));
  CHECK_EQ(Norm(NormForm::kNfkc, U8(U"\uff76\uff9e")), U8(U"\u30ac"));  // half-width ｶﾞ -> ガ
  CHECK_EQ(Norm(NormForm::kNfc, U8(U"\uf900")), U8(U"\u8c48"));
  CHECK_EQ(Norm(NormForm::kNfkd, U8(U"\u00a0")), " ");
  CHECK_EQ(Norm(NormForm::kNfc, U8(U"\U0001d15e")), U8(U"\U0001d157\U0001d165"));
}

TEST(unicode_normalize_fast_paths) {
  const std::string ascii = "The quick brown fox jumps over the lazy dog. 0123456789 !?";
  for (NormForm f : {NormForm::kNfc, NormForm::kNfkc, NormForm::kNfd, NormForm::kNfkd}) {
    CHECK_EQ(Norm(f, ascii), ascii);
    CHECK_EQ(Norm(f, ""), "");
    CHECK(IsNormalized(f, ascii));
  }
  const std::string cjk = U8(U"中文字符、日本語のテキスト。한국어 텍스트");
  CHECK_EQ(Norm(NormForm::kNfc, cjk), cjk);
  CHECK(IsNormalized(NormForm::kNfc, cjk));
  CHECK(!IsNormalized(NormForm::kNfd, cjk));
  const std::string latin = U8(U"Déjà vu, naïve façade — Ünïcödé");
  CHECK_EQ(Norm(NormForm::kNfc, latin), latin);
  CHECK_EQ(Norm(NormForm::kNfc, Norm(NormForm::kNfd, latin)), latin);
  // A mix of normalized and unnormalized regions.
  const std::string mixed = U8(U"abc e\u0301 def \u2126 ghi \u1100\u1161 jkl");
  CHECK_EQ(Norm(NormForm::kNfc, mixed), U8(U"abc \u00e9 def \u03a9 ghi \uac00 jkl"));
  // Invalid bytes pass through unchanged, also next to text that changes.
  const std::string bad = "x\xFFy e\xCC\x81\x80z";
  CHECK_EQ(Norm(NormForm::kNfc, bad), std::string("x\xFFy \xC3\xA9\x80z"));
  CHECK_EQ(Norm(NormForm::kNfd, "\xFF"), "\xFF");
  // Idempotence over every code point in a few blocks, each form.
  for (NormForm f : {NormForm::kNfc, NormForm::kNfkc, NormForm::kNfd, NormForm::kNfkd}) {
    std::string all;
    for (char32_t c = 0xA0; c < 0x2000; ++c) AppendUtf8(&all, c);
    std::string once = Norm(f, all);
    CHECK_EQ(Norm(f, once), once);
    CHECK(IsNormalized(f, once));
  }
}
