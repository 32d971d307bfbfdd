// Tokenizer::Load: tokenizer.json (+ tokenizer_config.json), *.tiktoken, or a directory.
#include <sys/stat.h>

#include "errors.h"
#include "file_util.h"
#include "tiktoken.h"
#include "tokenizer.h"

namespace collie::tok {

namespace {

bool EndsWith(const std::string& s, const char* suffix) {
  size_t n = std::char_traits<char>::length(suffix);
  return s.size() >= n && s.compare(s.size() - n, n, suffix) == 0;
}

// "bos_token": "<s>" or {"content": "<s>", ...} or null.
std::string TokenField(json::Value cfg, const char* key) {
  json::Value v = cfg[key];
  if (v.is_string()) return std::string(v.as_string());
  if (v.is_object() && v["content"].is_string()) return std::string(v["content"].as_string());
  return "";
}

std::unique_ptr<BpeModel> MakeModel(json::Value m, bool byte_level) {
  if (!m.is_object()) throw LoadError("tokenizer.json has no 'model' object");
  std::string type = m.GetString("type", m["merges"].missing() ? "" : "BPE");
  if (type != "BPE") throw LoadError("unsupported model '" + type + "' in tokenizer.json (only BPE is supported)");
  json::Value dropout = m["dropout"];
  if (!dropout.absent() && !(dropout.is_number() && dropout.as_number() == 0.0)) {
    throw LoadError("unsupported BPE dropout in tokenizer.json");
  }
  if (!m.GetString("continuing_subword_prefix", "").empty()) {
    throw LoadError("unsupported BPE continuing_subword_prefix in tokenizer.json");
  }
  if (!m.GetString("end_of_word_suffix", "").empty()) throw LoadError("unsupported BPE end_of_word_suffix in tokenizer.json");

  BpeConfig cfg;
  cfg.byte_level = byte_level;
  cfg.ignore_merges = m.GetBool("ignore_merges", false);
  cfg.byte_fallback = m.GetBool("byte_fallback", false);
  cfg.fuse_unk = m.GetBool("fuse_unk", false);
  cfg.unk_token = m.GetString("unk_token", "");

  json::Value vocab = m["vocab"];
  if (!vocab.is_object()) throw LoadError("BPE model without a 'vocab' object in tokenizer.json");
  BpeModel::Vocab entries;  // views into the document, which outlives the model's constructor
  entries.reserve(vocab.size());
  for (size_t i = 0; i < vocab.size(); ++i) {
    json::Value e = vocab.at(i);
    if (!e.is_number() || e.as_number() < 0 || e.as_number() >= 4294967295.0) {
      throw LoadError("BPE vocab entry '" + std::string(e.key()) + "' has no valid id in tokenizer.json");
    }
    entries.emplace_back(e.key(), static_cast<uint32_t>(e.as_number()));
  }
  json::Value merges = m["merges"];
  BpeModel::Merges pairs;
  pairs.reserve(merges.size());
  for (size_t i = 0; i < merges.size(); ++i) {
    json::Value e = merges.at(i);
    if (e.is_string()) {
      std::string_view s = e.as_string();
      size_t sp = s.find(' ');
      if (sp == std::string_view::npos || s.find(' ', sp + 1) != std::string_view::npos) {
        throw LoadError("BPE merge " + std::to_string(i) + " is not 'a b' in tokenizer.json");
      }
      pairs.emplace_back(s.substr(0, sp), s.substr(sp + 1));
    } else if (e.is_array() && e.size() == 2 && e.at(0).is_string() && e.at(1).is_string()) {
      pairs.emplace_back(e.at(0).as_string(), e.at(1).as_string());
    } else {
      throw LoadError("BPE merge " + std::to_string(i) + " is malformed in tokenizer.json");
    }
  }
  return std::make_unique<BpeModel>(std::move(cfg), entries, pairs);
}

std::vector<AddedToken> ParseAddedTokens(json::Value list) {
  std::vector<AddedToken> out;
  if (list.absent()) return out;
  if (!list.is_array()) throw LoadError("'added_tokens' must be an array in tokenizer.json");
  for (size_t i = 0; i < list.size(); ++i) {
    json::Value v = list.at(i);
    AddedToken t;
    t.content = v.GetString("content", "");
    t.id = static_cast<uint32_t>(v.GetNumber("id", 0));
    t.single_word = v.GetBool("single_word", false);
    t.lstrip = v.GetBool("lstrip", false);
    t.rstrip = v.GetBool("rstrip", false);
    t.normalized = v.GetBool("normalized", true);
    t.special = v.GetBool("special", false);
    out.push_back(std::move(t));
  }
  return out;
}

std::shared_ptr<const Tokenizer> LoadHfJson(const std::string& path) {
  std::unique_ptr<json::Document> doc;
  try {
    doc = json::Document::Parse(ReadFile(path));
  } catch (const json::JsonError& e) {
    throw LoadError(path + ": " + e.what());
  }
  json::Value root = doc->root();
  if (!root.is_object()) throw LoadError(path + ": tokenizer.json must hold an object");
  TokenizerParts parts;
  try {
    parts.normalizer = MakeNormalizer(root["normalizer"]);
    PreTokenizerInfo pinfo;
    parts.pre_tokenizer = MakePreTokenizer(root["pre_tokenizer"], &pinfo);
    parts.model = MakeModel(root["model"], pinfo.byte_level);
    parts.post_processor = MakePostProcessor(root["post_processor"]);
    parts.decoder = MakeDecoder(root["decoder"]);
    parts.added_tokens = ParseAddedTokens(root["added_tokens"]);
    parts.info.kind = "hf";
    parts.info.model = pinfo.byte_level ? "byte_level_bpe" : "sentencepiece_bpe";
  } catch (const LoadError& e) {
    throw LoadError(std::string(e.what()) + " (" + path + ")");
  } catch (const std::exception& e) {
    throw LoadError(path + ": " + e.what());
  }
  // Optional sibling tokenizer_config.json: bos/eos names only (HF tokenizers ignores it).
  std::string cfg_path = DirName(path) + "/tokenizer_config.json";
  if (FileExists(cfg_path)) {
    try {
      auto cfg = json::Document::Parse(ReadFile(cfg_path));
      parts.info.bos_token = TokenField(cfg->root(), "bos_token");
      parts.info.eos_token = TokenField(cfg->root(), "eos_token");
    } catch (const json::JsonError& e) {
      throw LoadError(cfg_path + ": " + e.what());
    }
  }
  return std::make_shared<const Tokenizer>(std::move(parts));
}

}  // namespace

std::shared_ptr<const Tokenizer> Tokenizer::Load(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) throw LoadError("cannot open tokenizer '" + path + "': no such file or directory");
  if (S_ISDIR(st.st_mode)) {
    std::string json_path = path + "/tokenizer.json";
    if (FileExists(json_path)) return LoadHfJson(json_path);
    std::vector<std::string> tik = ListFiles(path, ".tiktoken");
    if (tik.size() == 1) return LoadTiktoken(path + "/" + tik[0]);
    if (tik.size() > 1) throw LoadError("directory '" + path + "' holds several *.tiktoken files; pass one of them");
    throw LoadError("directory '" + path + "' holds no tokenizer.json or *.tiktoken file");
  }
  if (EndsWith(path, ".tiktoken")) return LoadTiktoken(path);
  return LoadHfJson(path);
}

}  // namespace collie::tok
