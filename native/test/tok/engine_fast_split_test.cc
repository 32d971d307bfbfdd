// The hand-written pre-tokenizer splitters (fast_split.h) against the regex engine on the
// same patterns: random strings over an alphabet that hits every class boundary (letters of
// each case category, marks, digits of each kind, every kind of space, CR/LF, apostrophe
// contractions with case variants and U+017F, punctuation, emoji), plus real prose.
#include <random>

#include "../../tokenizer/fast_split.h"
#include "../../tokenizer/regex.h"
#include "engine_fixtures.h"

namespace {

const char* const kPatterns[] = {
    R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)",
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)",
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)",
    R"([^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?)"
    R"(|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?)"
    R"(|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+)",
    // DeepSeek V3's three Split patterns (they leave gaps between matches).
    R"(\p{N}{1,3})",
    "[\xE4\xB8\x80-\xE9\xBE\xA5\xE3\x81\x80-\xE3\x82\x9F\xE3\x82\xA0-\xE3\x83\xBF]+",
    "[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\r\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+| "
    "?[\\p{P}\\p{S}]+[\r\n]*|\\s*[\r\n]+|\\s+(?!\\S)|\\s+",
};

const char* const kAlphabet[] = {
    "a", "Z", "\xc3\xa9", "\xc3\x89", "\xc5\xbf", "\xc7\x85", "\xca\xb0", "\xe4\xb8\xad", "\xcc\x81", "\xe0\xa4\x83",
    "1", "\xd9\xa3", "\xe2\x85\xab", "\xc2\xbd", " ", " ", " ", "\t", "\n", "\r", "\xc2\xa0", "\xe2\x80\x83",
    "\xe3\x80\x80", "\xc2\x85", "\xe2\x80\xa8", "\xe2\x80\x8b", "'", "'", "s", "S", "t", "T", "r", "R", "e", "E",
    "v", "m", "M", "l", "L", "d", "D", ".", ",", "/", "!", "\xf0\x9f\x98\x80", "\xe2\x84\xaa", "x", "_", "-",
    // CJK inside/outside DeepSeek's ranges, kana, controls, format, private use, symbols.
    "\xe9\xbe\xa5", "\xe9\xbe\xa6", "\xe3\x90\x80", "\xe3\x81\x82", "\xe3\x82\xa2", "\xe3\x83\xbf", "\x01",
    "\xee\x80\x80", "\xe2\x82\xac", "+", "^", "`", "~", "(", "\\", "7", "42",
};

using Spans = std::vector<std::pair<uint32_t, uint32_t>>;

Spans ViaSplitter(const collie::tok::FastSplitter& s, std::string_view text) {
  std::vector<collie::tok::Piece> out;
  s.Split(collie::tok::Piece{text, true}, &out);
  Spans spans;
  for (const auto& p : out) {
    uint32_t b = static_cast<uint32_t>(p.text.data() - text.data());
    spans.emplace_back(b, b + static_cast<uint32_t>(p.text.size()));
  }
  return spans;
}

// The Isolated split: every non-empty match and every gap between matches, in order.
Spans ViaRegex(const collie::tok::Regex& re, std::string_view text) {
  Spans m, out;
  re.FindAll(text, &m);
  uint32_t prev = 0;
  for (const auto& [b, e] : m) {
    if (b > prev) out.emplace_back(prev, b);
    if (e > b) out.emplace_back(b, e);
    prev = e;
  }
  if (text.size() > prev) out.emplace_back(prev, static_cast<uint32_t>(text.size()));
  return out;
}

}  // namespace

TEST(engine_fast_split_matches_regex) {
  std::mt19937 rng(12345);
  std::string prose = engine_test::Slurp(engine_test::FixtureRoot() + "/README.md");
  CHECK(!prose.empty());
  for (const char* pattern : kPatterns) {
    const collie::tok::FastSplitter* fast = collie::tok::FindFastSplitter(pattern);
    CHECK(fast != nullptr);
    std::string err;
    auto re = collie::tok::Regex::Compile(pattern, &err);
    CHECK(re != nullptr);
    if (!fast || !re) continue;
    int reported = 0;
    auto compare = [&](const std::string& text) {
      Spans a = ViaSplitter(*fast, text), b = ViaRegex(*re, text);
      if (a == b) return;
      if (reported++ < 3) {
        std::string esc;
        for (unsigned char c : text) {
          char buf[8];
          std::snprintf(buf, sizeof buf, c < 0x20 || c >= 0x7f ? "\\x%02x" : "%c", c);
          esc += buf;
        }
        std::fprintf(stderr, "pattern %.30s... differs on \"%s\"\n", pattern, esc.c_str());
      }
    };
    for (int iter = 0; iter < 4000; ++iter) {
      std::string text;
      int len = 1 + static_cast<int>(rng() % 12);
      for (int k = 0; k < len; ++k) text += kAlphabet[rng() % (sizeof kAlphabet / sizeof kAlphabet[0])];
      compare(text);
    }
    compare(prose);
    CHECK_EQ(reported, 0);
  }
  CHECK(collie::tok::FindFastSplitter("\\p{L}+") == nullptr);
}
