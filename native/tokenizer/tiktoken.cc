#include "tiktoken.h"

#include <cstring>

#include "errors.h"
#include "file_util.h"
#include "tokenizer.h"

namespace collie::tok {

namespace {

const char kR50kPattern[] = R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";
const char kCl100kPattern[] =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
const char kO200kPattern[] =
    R"([^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?)"
    R"(|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?)"
    R"(|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+)";

struct Known {
  const char* name;
  const char* pattern;
  std::vector<std::pair<std::string, uint32_t>> specials;
};

const std::vector<Known>& KnownEncodings() {
  static const std::vector<Known> k = {
      {"o200k_base", kO200kPattern, {{"<|endoftext|>", 199999}, {"<|endofprompt|>", 200018}}},
      {"cl100k_base",
       kCl100kPattern,
       {{"<|endoftext|>", 100257},
        {"<|fim_prefix|>", 100258},
        {"<|fim_middle|>", 100259},
        {"<|fim_suffix|>", 100260},
        {"<|endofprompt|>", 100276}}},
      {"p50k_base", kR50kPattern, {{"<|endoftext|>", 50256}}},
      {"p50k_edit",
       kR50kPattern,
       {{"<|endoftext|>", 50256}, {"<|fim_prefix|>", 50281}, {"<|fim_middle|>", 50282}, {"<|fim_suffix|>", 50283}}},
      {"r50k_base", kR50kPattern, {{"<|endoftext|>", 50256}}},
      {"gpt2", kR50kPattern, {{"<|endoftext|>", 50256}}},
  };
  return k;
}

int B64(unsigned char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+' || c == '-') return 62;
  if (c == '/' || c == '_') return 63;
  return -1;
}

bool DecodeBase64(std::string_view s, std::string* out) {
  out->clear();
  uint32_t acc = 0;
  int bits = 0;
  size_t i = 0;
  for (; i < s.size() && s[i] != '='; ++i) {
    int v = B64(static_cast<unsigned char>(s[i]));
    if (v < 0) return false;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out->push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  for (; i < s.size(); ++i) {
    if (s[i] != '=') return false;
  }
  return !out->empty();
}

std::string JsonQuote(std::string_view s) {
  std::string q = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      q.push_back('\\');
      q.push_back(c);
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      q += buf;
    } else {
      q.push_back(c);
    }
  }
  return q + "\"";
}

std::unique_ptr<PreTokenizer> MakeTiktokenPreTokenizer(const std::string& pattern) {
  std::string spec = R"({"type":"Sequence","pretokenizers":[{"type":"Split","pattern":{"Regex":)" + JsonQuote(pattern) +
                     R"(},"behavior":"Isolated","invert":false},{"type":"ByteLevel","add_prefix_space":false,"use_regex":false}]})";
  auto doc = json::Document::Parse(spec);
  PreTokenizerInfo info;
  return MakePreTokenizer(doc->root(), &info);
}

// Applies a sibling tokenizer_config.json: pattern, special tokens, bos/eos.
void ApplyConfig(const std::string& cfg_path, std::string* pattern, std::vector<AddedToken>* specials, TokenizerInfo* info) {
  std::unique_ptr<json::Document> cfg;
  try {
    cfg = json::Document::Parse(ReadFile(cfg_path));
  } catch (const json::JsonError& e) {
    throw LoadError(cfg_path + ": " + e.what());
  }
  json::Value root = cfg->root();
  for (const char* key : {"pat_str", "pattern"}) {
    if (root[key].is_string()) *pattern = std::string(root[key].as_string());
  }
  json::Value dec = root["added_tokens_decoder"];
  if (dec.is_object() && dec.size() > 0) {
    specials->clear();
    for (size_t i = 0; i < dec.size(); ++i) {
      json::Value t = dec.at(i);
      AddedToken a;
      a.content = t.GetString("content", "");
      a.id = static_cast<uint32_t>(std::strtoul(std::string(t.key()).c_str(), nullptr, 10));
      a.special = t.GetBool("special", true);
      a.lstrip = t.GetBool("lstrip", false);
      a.rstrip = t.GetBool("rstrip", false);
      a.single_word = t.GetBool("single_word", false);
      a.normalized = false;
      specials->push_back(std::move(a));
    }
  }
  for (const char* key : {"bos_token", "eos_token"}) {
    json::Value v = root[key];
    std::string s = v.is_string() ? std::string(v.as_string()) : v.is_object() ? v.GetString("content", "") : "";
    (key[0] == 'b' ? info->bos_token : info->eos_token) = s;
  }
}

}  // namespace

std::vector<std::pair<std::string, uint32_t>> ParseTiktokenRanks(std::string_view text, const std::string& path) {
  std::vector<std::pair<std::string, uint32_t>> out;
  out.reserve(text.size() / 12);
  size_t line_no = 0;
  std::string tok;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    size_t sp = line.find(' ');
    std::string_view rank_s = sp == std::string_view::npos ? std::string_view() : line.substr(sp + 1);
    uint64_t rank = 0;
    bool ok = !rank_s.empty() && rank_s.size() < 10;
    for (char c : rank_s) ok = ok && c >= '0' && c <= '9', rank = rank * 10 + static_cast<uint64_t>(c - '0');
    if (!ok || !DecodeBase64(line.substr(0, sp), &tok)) {
      throw LoadError(path + ": line " + std::to_string(line_no) + " is not 'base64 rank'");
    }
    out.emplace_back(tok, static_cast<uint32_t>(rank));
  }
  if (out.empty()) throw LoadError(path + ": no ranks in tiktoken file");
  return out;
}

std::shared_ptr<const Tokenizer> LoadTiktoken(const std::string& path) {
  std::string name = BaseName(path);
  name = name.substr(0, name.size() - std::strlen(".tiktoken"));
  TokenizerParts parts;
  parts.info.kind = "tiktoken";
  parts.info.model = "tiktoken";
  std::string pattern;
  for (const Known& k : KnownEncodings()) {
    if (name != k.name) continue;
    pattern = k.pattern;
    for (const auto& [content, id] : k.specials) {
      AddedToken a;
      a.content = content;
      a.id = id;
      a.special = true;
      parts.added_tokens.push_back(a);
    }
  }
  std::string cfg_path = DirName(path) + "/tokenizer_config.json";
  if (FileExists(cfg_path)) ApplyConfig(cfg_path, &pattern, &parts.added_tokens, &parts.info);
  if (pattern.empty()) {
    throw LoadError(path + ": unknown tiktoken encoding '" + name +
                    "' (known: o200k_base, cl100k_base, p50k_base, p50k_edit, r50k_base, gpt2; or give "
                    "\"pat_str\" in tokenizer_config.json)");
  }
  if (parts.info.eos_token.empty()) {
    for (const AddedToken& a : parts.added_tokens) {
      if (a.content == "<|endoftext|>") parts.info.eos_token = a.content;
    }
  }
  try {
    parts.pre_tokenizer = MakeTiktokenPreTokenizer(pattern);
    parts.decoder = MakeDecoder(json::Document::Parse(R"({"type":"ByteLevel"})")->root());
  } catch (const LoadError& e) {
    throw LoadError(std::string(e.what()) + " (" + path + ")");
  }
  parts.model = BpeModel::FromRanks(ParseTiktokenRanks(ReadFile(path), path));
  parts.explicit_added_ids = true;
  return std::make_shared<const Tokenizer>(std::move(parts));
}

}  // namespace collie::tok
