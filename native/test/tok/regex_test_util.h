// Shared by the regex tests (regex_test.cc, regex_robustness_test.cc): the pre-tokenizer
// patterns of the real tokenizer files and small match helpers.
#pragma once
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "../../tokenizer/regex.h"
#include "mini_test.h"

namespace collie::tok::regex_test {

using collie::tok::Regex;

inline const char* kLlama3 = R"PAT((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)PAT";
inline const char* kQwen = R"PAT((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)PAT";
inline const char* kDsDigits = R"PAT(\p{N}{1,3})PAT";
inline const char* kDsCjk = R"PAT([一-龥぀-ゟ゠-ヿ]+)PAT";
inline const char* kDsMain = R"PAT([!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~][A-Za-z]+|[^\r\n\p{L}\p{P}\p{S}]?[\p{L}\p{M}]+| ?[\p{P}\p{S}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)PAT";
inline const char* kGpt2 = R"PAT('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)PAT";
inline const char* kO200k = R"PAT([^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+)PAT";

inline std::vector<std::string> Matches(const char* pattern, const std::string& text) {
  std::string err;
  auto re = Regex::Compile(pattern, &err);
  if (!re) {
    std::fprintf(stderr, "compile failed: %s\n", err.c_str());
    return {"<compile error>"};
  }
  std::vector<std::pair<uint32_t, uint32_t>> m;
  re->FindAll(text, &m);
  std::vector<std::string> out;
  for (const auto& p : m) {
    // Oniguruma's search loop reports empty matches too; tokenizers (the oracle) drops them.
    if (p.second > p.first) out.push_back(text.substr(p.first, p.second - p.first));
  }
  return out;
}

inline std::string Join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += "[" + x + "]";
  return s;
}

inline void Expect(const char* pattern, const std::string& text, const std::vector<std::string>& want) {
  std::string got = Join(Matches(pattern, text));
  if (got != Join(want)) {
    std::fprintf(stderr, "pattern %s\n  text %s\n", pattern, text.c_str());
  }
  CHECK_EQ(got, Join(want));
}

inline std::vector<std::pair<uint32_t, uint32_t>> Spans(const char* pattern, const std::string& text) {
  std::string err;
  auto re = Regex::Compile(pattern, &err);
  std::vector<std::pair<uint32_t, uint32_t>> m;
  if (re) re->FindAll(text, &m);
  return m;
}

inline std::string CompileError(const char* pattern) {
  std::string err;
  auto re = Regex::Compile(pattern, &err);
  return re ? std::string("<compiled>") : err;
}

}  // namespace collie::tok::regex_test
