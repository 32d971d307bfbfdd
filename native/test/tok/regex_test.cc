// Tests of native/tokenizer/regex.h: the pre-tokenizer patterns on hand-picked text (expected
// values produced by Hugging Face tokenizers' Oniguruma), syntax coverage and rejected
// constructs. Invalid UTF-8 and adversarial inputs: regex_robustness_test.cc.
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "regex_test_util.h"

using namespace collie::tok::regex_test;  // NOLINT

TEST(regex_pretokenizer_patterns) {
  Expect(kLlama3, "Hello world! It's 2024, we'RE here'S",
         {"Hello", " world", "!", " It", "'s", " ", "202", "4", ",", " we", "'RE", " here", "'S"});
  Expect(kLlama3, "x'ſa 'll'LL 'd'D",
         {"x", "'ſ", "a", " '", "ll", "'LL", " '", "d", "'D"});
  Expect(kLlama3, "  a\n\n  b   \r\n\tc  ",
         {" ", " a", "\n\n", " ", " b", "   \r\n", "\tc", "  "});
  Expect(kLlama3, "12345678 ١٢٣٤ ½Ⅻ",
         {"123", "456", "78", " ", "١٢٣", "٤", " ", "½Ⅻ"});
  Expect(kLlama3, "price: $1,234.56!!\n\nok",
         {"price", ":", " $", "1", ",", "234", ".", "56", "!!\n\n", "ok"});
  Expect(kLlama3, "中文字符 and 日本語のテキスト",
         {"中文字符", " and", " 日本語のテキスト"});
  Expect(kLlama3, "emoji 😀👍🏽 done",
         {"emoji", " 😀👍🏽", " done"});
  Expect(kLlama3, "tabs\t\tand\u00a0nbsp\u3000x",
         {"tabs", "\t", "\tand", "\u00a0nbsp", "\u3000x"});
  Expect(kLlama3, "line\u2028sep\u0085nel",
         {"line", "\u2028sep", "\u0085nel"});
  Expect(kQwen, "Hello world 12345 it's",
         {"Hello", " world", " ", "1", "2", "3", "4", "5", " it", "'s"});
  Expect(kQwen, "x'Ll \n\n 3.14",
         {"x", "'Ll", " \n\n", " ", "3", ".", "1", "4"});
  Expect(kDsDigits, "a12345b1 99x٣٤٥٦",
         {"123", "45", "1", "99", "٣٤٥", "٦"});
  Expect(kDsCjk, "中文字符abc日本語のテキストー한국어",
         {"中文字符", "日本語のテキストー"});
  Expect(kDsMain, "Hello, world!This is (test) 'quote'",
         {"Hello", ",", " world", "!This", " is", " (", "test", ")", " '", "quote", "'"});
  Expect(kDsMain, "\"abc\" x\r\n\ny  z",
         {"\"abc", "\"", " x", "\r\n\n", "y", " ", " z"});
  Expect(kDsMain, "naïve café e\u0301 中文",
         {"naïve", " café", " e\u0301", " 中文"});
  Expect(kDsMain, "1234 ... 55?!",
         {" ...", " ", "?!"});
  Expect(kDsMain, "#tag @user\\path",
         {"#tag", " @", "user", "\\path"});
  Expect(kGpt2, "Hello world's 123 !!! ok  \n\n x",
         {"Hello", " world", "'s", " 123", " !!!", " ok", "  \n\n", " x"});
  Expect(kGpt2, "'S 'veX  'm",
         {"'", "S", " '", "veX", " ", " '", "m"});
  Expect(kGpt2, " \u00a0 a",
         {" \u00a0", " a"});
  Expect(kO200k, "HelloWorld HTTPServer it's JSON'S",
         {"Hello", "World", " HTTPServer", " it's", " JSON'S"});
  Expect(kO200k, "camelCaseX ABCdef 12345 a/b\n//c",
         {"camel", "Case", "X", " ABCdef", " ", "123", "45", " a", "/b", "\n", "//", "c"});
  Expect(kO200k, "Ǆemo ǅx ʰʰa",
         {"Ǆemo", " ǅx", " ʰʰa"});
  Expect(kO200k, "Ünïcödé ÉCOLE",
         {"Ünïcödé", " ÉCOLE"});
}
TEST(regex_syntax_matches_oniguruma) {
  Expect(R"PAT((?i)[a-z]+)PAT", "Hello ſKy KK",
         {"Hello", "ſKy", "KK"});
  Expect(R"PAT((?i:ab)c)PAT", "ABc ABC aBc",
         {"ABc", "aBc"});
  Expect(R"PAT(a(?i)b|c)PAT", "abC aB c C",
         {"ab", "aB"});
  Expect(R"PAT((?i)[^k]+)PAT", "kKKXyz",
         {"Xyz"});
  Expect(R"PAT((?i)\p{Lu})PAT", "aA",
         {"A"});
  Expect(R"PAT((?i:'s))PAT", "'S 'ſ 's 'ß",
         {"'S", "'ſ", "'s"});
  Expect(R"PAT([\w-]+)PAT", "foo-bar_baz ½x",
         {"foo-bar_baz", "x"});
  Expect(R"PAT(\w+)PAT", "aⒶ🄰b \u200dc",
         {"aⒶ🄰b", "c"});
  Expect(R"PAT(\W+)PAT", "a, b!",
         {", ", "!"});
  Expect(R"PAT(\d+)PAT", "12 ٣٤ Ⅻ½",
         {"12", "٣٤"});
  Expect(R"PAT(\D+)PAT", "a1b",
         {"a", "b"});
  Expect(R"PAT(\s+)PAT", "a \t\n\x0b""\x0c""\r\u0085\u00a0\u1680\u2000\u200a\u2028\u2029\u202f\u205f\u3000b\ufeff\u200bc",
         {" \t\n\x0b""\x0c""\r\u0085\u00a0\u1680\u2000\u200a\u2028\u2029\u202f\u205f\u3000"});
  Expect(R"PAT(\S+)PAT", "ab c\u00a0d",
         {"ab", "c", "d"});
  Expect(R"PAT(^.)PAT", "ab\ncd\n\nef\r\ngh\n",
         {"a", "c", "e", "g"});
  Expect(R"PAT(.$)PAT", "ab\ncd\n\nef\r\ngh\n",
         {"b", "d", "\r", "h"});
  Expect(R"PAT((?:^|\n)\n)PAT", "\n\n\n",
         {"\n", "\n", "\n"});
  Expect(R"PAT(x$|^y)PAT", "x\ny\nx",
         {"x", "y", "x"});
  Expect(R"PAT([a-]+|[]x]+)PAT", "a-b]x",
         {"a-", "]x"});
  Expect(R"PAT(a{,2})PAT", "aaaaa",
         {"aa", "aa", "a"});
  Expect(R"PAT(a{2)PAT", "a{2 aa{2",
         {"a{2", "a{2"});
  Expect(R"PAT(x{2}{3})PAT", "xxxxxxxx",
         {"xxxxxx"});
  Expect(R"PAT(a{2,3})PAT", "aaaaaaa",
         {"aaa", "aaa"});
  Expect(R"PAT((?:ab){2,})PAT", "abababa ab abab",
         {"ababab", "abab"});
  Expect(R"PAT(\x41\u0042\x{43}\x{1F600})PAT", "ABC😀",
         {"ABC😀"});
  Expect(R"PAT([\x{3000}-\x{3002}]+)PAT", "\u3000、。〃",
         {"\u3000、。"});
  Expect(R"PAT(\p{^L}+|\P{N})PAT", "a1b2",
         {"a", "1", "b", "2"});
  Expect(R"PAT(\p{Letter}\p{lu}\p{L_})PAT", "aAb",
         {"aAb"});
  Expect(R"PAT(\p{Lt}|\p{Lm}|\p{Me}|\p{Nl}|\p{Pi}|\p{Pf}|\p{Sk}|\p{Zl}|\p{Cf}|\p{Co})PAT", "ǅʰ\u20ddⅫ«»^\u2028\u200b\ue000",
         {"ǅ", "ʰ", "\u20dd", "Ⅻ", "«", "»", "^", "\u2028", "\u200b", "\ue000"});
  Expect(R"PAT((?:a|ab)(?:c|bcd)(?:d*))PAT", "abcd",
         {"abcd"});
  Expect(R"PAT((a|ab)(c|bcd)?)PAT", "abcd",
         {"abcd"});
  Expect(R"PAT((?:a*)*b)PAT", "aaab b",
         {"aaab", "b"});
  Expect(R"PAT((?:a|)+b)PAT", "aab",
         {"aab"});
  Expect(R"PAT(a(?=b))PAT", "ab ac",
         {"a"});
  Expect(R"PAT(a(?!b))PAT", "ab ac",
         {"a"});
  Expect(R"PAT((?=\p{Lu})\w+)PAT", "helloWorld Foo",
         {"World", "Foo"});
  Expect(R"PAT(\s+(?!\S)|\s+)PAT", "a   b    ",
         {"  ", " ", "    "});
  Expect(R"PAT([\r\n]+)PAT", "a\r\n\rb",
         {"\r\n\r"});
  Expect(R"PAT([\\\]\[\-]+)PAT", "a\\][-b",
         {"\\][-"});
  Expect(R"PAT(\/\.\*\+\?\(\)\{\}\|\^\$)PAT", "/.*+?(){}|^$",
         {"/.*+?(){}|^$"});
  Expect(R"PAT(.+)PAT", "aé中😀\nb",
         {"aé中😀", "b"});
  Expect(R"PAT([^a])PAT", "aé",
         {"é"});
  Expect(R"PAT(中+|é)PAT", "中中ée",
         {"中中", "é"});
  Expect(R"PAT(\t\f\v\a\e)PAT", "\t\x0c""\x0b""\x07""\x1b""",
         {"\t\x0c""\x0b""\x07""\x1b"""});
}


TEST(regex_empty_matches_advance_one_character) {
  using Spans_t = std::vector<std::pair<uint32_t, uint32_t>>;
  CHECK(Spans("a*", "baa\xC3\xA9") == (Spans_t{{0, 0}, {1, 3}, {3, 3}, {5, 5}}));
  CHECK(Spans("(?=b)", "abb") == (Spans_t{{1, 1}, {2, 2}}));
  CHECK(Spans("^", "a\nb\n") == (Spans_t{{0, 0}, {2, 2}}));
  CHECK(Spans("$", "a\nb") == (Spans_t{{1, 1}, {3, 3}}));
  CHECK(Spans("x*", "") == (Spans_t{{0, 0}}));
  CHECK(Spans("x", "") == Spans_t{});
  CHECK(Spans("(?:a|)+b", "aab") == (Spans_t{{0, 3}}));
}

TEST(regex_rejects_unsupported_constructs) {
  struct Case {
    const char* pattern;
    const char* fragment;
  };
  const Case cases[] = {
      {"(a)\\1", "'\\1 (backreference)' at offset 3"},
      {"(?<=a)b", "'(?<= (lookbehind)' at offset 0"},
      {"x(?<!a)b", "'(?<! (lookbehind)' at offset 1"},
      {"a*?", "'*? (lazy/possessive quantifier)' at offset 1"},
      {"a+?", "lazy/possessive"},
      {"a??", "lazy/possessive"},
      {"a++", "lazy/possessive"},
      {"a*+", "lazy/possessive"},
      {"a{1,2}?", "lazy"},
      {"(?>ab)", "'(?> (atomic group)' at offset 0"},
      {"\\bfoo", "'\\b' at offset 0"},
      {"foo\\B", "'\\B' at offset 3"},
      {"(?<n>a)", "named group"},
      {"(?P<n>a)", "named group"},
      {"\\X", "'\\X'"},
      {"\\p{Han}", "'\\p{Han}'"},
      {"\\p{Greek}", "'\\p{Greek}'"},
      {"\\pL", "without braces"},
      {"(?m)a", "inline option other than i"},
      {"(?x)a", "inline option other than i"},
      {"(?s:a)", "inline option other than i"},
      {"\\A", "'\\A'"},
      {"\\z", "'\\z'"},
      {"\\h", "'\\h'"},
      {"\\k<a>", "'\\k'"},
      {"[[:alpha:]]", "POSIX bracket"},
      {"[a[b]]", "nested character class"},
      {"[a&&b]", "class intersection"},
      {"\\0", "octal"},
      {"(?#c)", "comment"},
      // Oniguruma's multi-character case folding under (?i) is refused rather than ignored.
      {"(?i)[\\w]A", "multi-character case folding (U+00DF)"},
      {"x(?i:[a-z\\x{DF}])", "' at offset 5"},
      {"(?i)\\x{DF}", "(?i) literal with a multi-character case folding (U+00DF)"},
      {"(?i:ﬁ)", "multi-character case folding (U+FB01)"},
      {"a(?i:class)", "'(?i) literal sequence matching the case folding of U+00DF' at offset 5"},
      {"(?i)st", "case folding of U+FB05"},
      // Counted repeats of groups that can match empty (Oniguruma's result depends on how it
      // happens to compile them).
      {"(?:a?){2,3}", "'counted repeat {2,3} of a group that can match empty' at offset 6"},
      {"(?:^a?){2,}", "counted repeat {2,}"},
      {"(a|){3}", "counted repeat {3,3}"},
  };
  for (const Case& c : cases) {
    std::string err = CompileError(c.pattern);
    if (err.find(c.fragment) == std::string::npos) {
      std::fprintf(stderr, "pattern %s: error '%s' lacks '%s'\n", c.pattern, err.c_str(), c.fragment);
    }
    CHECK(err.find(c.fragment) != std::string::npos);
    CHECK(err.find("unsupported regex construct") != std::string::npos);
  }
  // Malformed patterns fail with an error too (never crash).
  for (const char* bad : {"(", "(?:a", ")", "a)", "[a", "[]", "[^]", "*a", "+", "a|*", "x{3,2}",
                          "\\", "[z-a]", "[\\w-z]", "\\x{110000}", "\\x{D800}", "\\uD800",
                          "\\p{L", "(?", "\xFF", "a\xC3"}) {
    std::string err = CompileError(bad);
    if (err == "<compiled>" || err.empty()) std::fprintf(stderr, "compiled: %s\n", bad);
    CHECK(err != "<compiled>" && !err.empty());
  }
  // (?i) forms without multi-character foldings compile: negated classes, properties outside
  // brackets, literal runs split by other atoms.
  for (const char* ok : {"(?:a?)*", "(?:a?)+", "(?:a?)?", "(?:a?){1,}", "(?:a?){0,1}", "(?:ab){2,5}",
                         "(?i)[^k]A", "(?i)\\w+", "(?i)\\p{L}", "(?i)s[t]", "(?i)s+s", "(?i:'s|'t)",
                         "(?i)[a-z]+", "(?-i:ss)", "ss"}) {
    if (CompileError(ok) != "<compiled>") std::fprintf(stderr, "%s: %s\n", ok, CompileError(ok).c_str());
    CHECK_EQ(CompileError(ok), std::string("<compiled>"));
  }
  // Deep nesting is refused, not overflowed.
  std::string deep(5000, '(');
  CHECK(CompileError(deep.c_str()) != "<compiled>");
  std::string deep_ok;
  for (int i = 0; i < 100; ++i) deep_ok += "(?:";
  deep_ok += "a";
  for (int i = 0; i < 100; ++i) deep_ok += ")";
  CHECK_EQ(Join(Matches(deep_ok.c_str(), "aba")), std::string("[a][a]"));
  // Huge counted repeats of groups exceed the program limit instead of exhausting memory.
  CHECK(CompileError("(?:ab|cd){100000}{100000}") != "<compiled>");
  CHECK(Regex::Compile("a", nullptr) != nullptr);
  CHECK(Regex::Compile("(", nullptr) == nullptr);
}
