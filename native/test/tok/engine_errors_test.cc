// Load failures: every unsupported component is named, corrupt files report the byte offset,
// and nothing that HF would tokenize differently is loaded silently.
#include "engine_fixtures.h"

namespace {

using engine_test::LoadFailsWith;

// A minimal valid byte-level tokenizer.json with one component replaced.
std::string Mini(const std::string& field, const std::string& value) {
  std::string normalizer = "null", pre = "{\"type\":\"ByteLevel\",\"add_prefix_space\":false,\"use_regex\":true}";
  std::string post = "null", decoder = "{\"type\":\"ByteLevel\"}";
  std::string model = "{\"type\":\"BPE\",\"vocab\":{\"a\":0,\"b\":1,\"ab\":2},\"merges\":[\"a b\"]}";
  if (field == "normalizer") normalizer = value;
  if (field == "pre_tokenizer") pre = value;
  if (field == "post_processor") post = value;
  if (field == "decoder") decoder = value;
  if (field == "model") model = value;
  return "{\"version\":\"1.0\",\"added_tokens\":[],\"normalizer\":" + normalizer + ",\"pre_tokenizer\":" + pre +
         ",\"post_processor\":" + post + ",\"decoder\":" + decoder + ",\"model\":" + model + "}";
}

}  // namespace

TEST(engine_errors_minimal_tokenizer_loads) {
  std::string dir = engine_test::TempDir() + "/mini-ok";
  std::string mk = "mkdir -p '" + dir + "'";
  CHECK(std::system(mk.c_str()) == 0);
  std::string path = dir + "/tokenizer.json";
  std::ofstream(path) << Mini("", "");
  auto tok = engine_test::LoadOrFail(path);
  if (!tok) return;
  // "abab" merges to [ab, ab]; in " a" the space is not in the vocab and is dropped (HF).
  CHECK(engine_test::Enc(*tok, "abab a") == (std::vector<uint32_t>{2, 2, 0}));
  CHECK_EQ(tok->info().vocab_size, 3u);
}

TEST(engine_errors_unsupported_components) {
  CHECK(LoadFailsWith("e1", Mini("normalizer", "{\"type\":\"BertNormalizer\"}"), "unsupported normalizer 'BertNormalizer'"));
  CHECK(LoadFailsWith("e2", Mini("normalizer", "{\"type\":\"Lowercase\"}"), "unsupported normalizer 'Lowercase'"));
  CHECK(LoadFailsWith("e3", Mini("pre_tokenizer", "{\"type\":\"Whitespace\"}"), "unsupported pre_tokenizer 'Whitespace'"));
  CHECK(LoadFailsWith("e4", Mini("decoder", "{\"type\":\"WordPiece\",\"prefix\":\"##\"}"), "unsupported decoder 'WordPiece'"));
  CHECK(LoadFailsWith("e5", Mini("post_processor", "{\"type\":\"Frobnicate\"}"), "unsupported post_processor 'Frobnicate'"));
  CHECK(LoadFailsWith("e6", Mini("model", "{\"type\":\"WordPiece\",\"vocab\":{}}"), "unsupported model 'WordPiece'"));
  CHECK(LoadFailsWith("e7", Mini("model", "{\"type\":\"Unigram\",\"vocab\":[]}"), "unsupported model 'Unigram'"));
  CHECK(LoadFailsWith("e8", Mini("model", "{\"type\":\"BPE\",\"dropout\":0.1,\"vocab\":{\"a\":0},\"merges\":[]}"), "unsupported BPE dropout"));
  CHECK(LoadFailsWith("e9", Mini("model", "{\"type\":\"BPE\",\"continuing_subword_prefix\":\"##\",\"vocab\":{\"a\":0},\"merges\":[]}"),
                      "unsupported BPE continuing_subword_prefix"));
  CHECK(LoadFailsWith("e10", Mini("model", "{\"type\":\"BPE\",\"vocab\":{\"a\":0},\"merges\":[\"a q\"]}"), "'q' which is not in the vocabulary"));
  CHECK(LoadFailsWith("e11", Mini("pre_tokenizer", "{\"type\":\"Split\",\"pattern\":{\"Regex\":\"(a)\\\\1\"},\"behavior\":\"Isolated\"}"),
                      "pre_tokenizer 'Split': unsupported regex construct"));
  CHECK(LoadFailsWith("e12", Mini("pre_tokenizer", "{\"type\":\"Sequence\",\"pretokenizers\":[{\"type\":\"ByteLevel\"},{\"type\":\"Digits\"}]}"),
                      "'Digits' after 'ByteLevel'"));
  CHECK(LoadFailsWith("e13", Mini("pre_tokenizer", "{\"type\":\"Split\",\"pattern\":{\"String\":\"x\"},\"behavior\":\"Sideways\"}"),
                      "unsupported split behavior 'Sideways'"));
}

TEST(engine_errors_corrupt_files) {
  std::string good = Mini("", "");
  CHECK(LoadFailsWith("c1", good.substr(0, good.size() / 2), "invalid JSON at byte"));
  CHECK(LoadFailsWith("c2", "", "invalid JSON at byte 0"));
  CHECK(LoadFailsWith("c3", "[1,2]", "must hold an object"));
  CHECK(LoadFailsWith("c4", "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": \"zero\"}, \"merges\": []}}", "has no valid id"));
  // A truncated real file fails too (and names the offset).
  std::string real = engine_test::Slurp(engine_test::HfFixture("llama2"));
  CHECK(!real.empty());
  CHECK(LoadFailsWith("c5", real.substr(0, real.size() - 100), "invalid JSON at byte"));
}

TEST(engine_errors_paths) {
  std::string empty_dir = engine_test::TempDir() + "/empty-dir";
  std::string mk = "mkdir -p '" + empty_dir + "'";
  CHECK(std::system(mk.c_str()) == 0);
  try {
    collie::tok::Tokenizer::Load(empty_dir);
    CHECK(false);
  } catch (const collie::tok::LoadError& e) {
    CHECK(std::string(e.what()).find("holds no tokenizer.json or *.tiktoken") != std::string::npos);
  }
  try {
    collie::tok::Tokenizer::Load(engine_test::TempDir() + "/does-not-exist.json");
    CHECK(false);
  } catch (const collie::tok::LoadError& e) {
    CHECK(std::string(e.what()).find("no such file") != std::string::npos);
  }
  std::string bad_tik = engine_test::WriteTemp("unknown_enc.tiktoken", "YQ== 0\n");
  try {
    collie::tok::Tokenizer::Load(bad_tik);
    CHECK(false);
  } catch (const collie::tok::LoadError& e) {
    CHECK(std::string(e.what()).find("unknown tiktoken encoding 'unknown_enc'") != std::string::npos);
  }
  std::string dir = engine_test::TempDir() + "/badranks";
  mk = "mkdir -p '" + dir + "'";
  CHECK(std::system(mk.c_str()) == 0);
  std::ofstream(dir + "/cl100k_base.tiktoken") << "YQ== 0\n!!!! 1\n";
  try {
    collie::tok::Tokenizer::Load(dir + "/cl100k_base.tiktoken");
    CHECK(false);
  } catch (const collie::tok::LoadError& e) {
    CHECK(std::string(e.what()).find("line 2 is not 'base64 rank'") != std::string::npos);
  }
}
