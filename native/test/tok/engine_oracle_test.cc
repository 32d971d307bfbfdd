// The real tokenizer files against ids recorded from the Hugging Face `tokenizers` oracle
// (@anush008/tokenizers) and, for tiktoken, from the `tiktoken` package's encode(text, 'all').
#include "engine_fixtures.h"

namespace {

using engine_test::Enc;
using Ids = std::vector<uint32_t>;

const char* const kTexts[] = {
    "Hello world! It's 2024.",
    " <s>x</s> \n\n  tabs\there",
    "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e \xf0\x9f\x98\x80 caf\xc3\xa9",  // 日本語 😀 café
    "<|im_start|>user\nhi<|im_end|>",
};

struct Expect {
  const char* model;
  std::vector<Ids> plain;     // add_special_tokens = false
  std::vector<Ids> special;   // add_special_tokens = true
};

const std::vector<Expect>& Expectations() {
  static const std::vector<Expect> e = {
      {"llama3_1",
       {{9906, 1917, 0, 1102, 596, 220, 2366, 19, 13},
        {366, 82, 29357, 524, 82, 29, 4815, 220, 23204, 197, 6881},
        {102433, 102158, 91416, 53050},
        {27, 91, 318, 5011, 91, 29, 882, 198, 6151, 27, 91, 318, 6345, 91, 29}},
       {{128000, 9906, 1917, 0, 1102, 596, 220, 2366, 19, 13},
        {128000, 366, 82, 29357, 524, 82, 29, 4815, 220, 23204, 197, 6881},
        {128000, 102433, 102158, 91416, 53050},
        {128000, 27, 91, 318, 5011, 91, 29, 882, 198, 6151, 27, 91, 318, 6345, 91, 29}}},
      {"qwen3",
       {{9707, 1879, 0, 1084, 594, 220, 17, 15, 17, 19, 13},
        {366, 82, 28257, 522, 82, 29, 4710, 220, 22398, 197, 6739},
        {101059, 102819, 90316, 51950},
        {151644, 872, 198, 6023, 151645}},
       {}},
      {"deepseek_v3",
       {{19923, 2058, 3, 983, 734, 223, 939, 22, 16},
        {818, 85, 117306, 1718, 85, 32, 1004, 223, 61302, 200, 1036},
        {88768, 53769, 225, 57664},
        {30, 94, 328, 37864, 94, 32, 5265, 201, 6366, 30, 94, 328, 42616, 94, 32}},
       {}},
      {"llama2",
       {{22557, 1526, 28808, 661, 28742, 28713, 28705, 28750, 28734, 28750, 28781, 28723},
        {259, 1, 1318, 2, 259, 13, 13, 28705, 261, 4737, 12, 7750},
        {28705, 29142, 29119, 30321, 28705, 30575, 28345},
        {523, 28766, 321, 28730, 2521, 28766, 28767, 1838, 13, 5365, 28789, 28766, 321, 28730, 416, 28766, 28767}},
       {{1, 22557, 1526, 28808, 661, 28742, 28713, 28705, 28750, 28734, 28750, 28781, 28723},
        {1, 259, 1, 1318, 2, 259, 13, 13, 28705, 261, 4737, 12, 7750},
        {1, 28705, 29142, 29119, 30321, 28705, 30575, 28345},
        {1, 523, 28766, 321, 28730, 2521, 28766, 28767, 1838, 13, 5365, 28789, 28766, 321, 28730, 416, 28766, 28767}}},
      {"gemma",
       {{4521, 2134, 235341, 1165, 235303, 235256, 235248, 235284, 235276, 235284, 235310, 235265},
        {968, 235256, 235313, 235297, 727, 235256, 235313, 235248, 109, 139, 31973, 226, 1828},
        {62938, 79937, 18688},
        {235322, 235371, 571, 235298, 2997, 73786, 1645, 108, 544, 235322, 235371, 571, 235298, 615, 73786}},
       {}},
  };
  return e;
}

}  // namespace

TEST(engine_oracle_hf_fixtures) {
  for (const Expect& e : Expectations()) {
    auto tok = engine_test::LoadOrFail(engine_test::HfFixture(e.model));
    if (!tok) continue;
    for (size_t i = 0; i < e.plain.size(); ++i) {
      Ids got = Enc(*tok, kTexts[i], false);
      if (got != e.plain[i]) std::fprintf(stderr, "%s text %zu: got %s\n", e.model, i, engine_test::Str(got).c_str());
      CHECK(got == e.plain[i]);
      // Without a TemplateProcessing step add_special_tokens changes nothing; gemma's template
      // prepends <bos> (2).
      Ids with = Enc(*tok, kTexts[i], true);
      Ids want = e.special.empty() ? e.plain[i] : e.special[i];
      if (std::string(e.model) == "gemma") want.insert(want.begin(), 2);
      CHECK(with == want);
    }
  }
}

TEST(engine_oracle_long_words) {
  // Long words take the heap merge path (more than 48 initial symbols).
  struct Case {
    const char* model;
    Ids ids;
  };
  std::string text = std::string(120, 'a') + "b";
  const Case cases[] = {
      {"llama3_1", {70540, 70540, 70540, 70540, 70540, 70540, 70540, 70540, 70540, 70540, 70540, 70540, 70540, 70540, 29558, 33746, 370}},
      {"llama2", {264, 25332, 25332, 25332, 25332, 25332, 25332, 25332, 25332, 25332, 25332, 25332, 25332, 25332, 25332, 12648, 4474, 375}},
      {"gemma", {84377, 84377, 84377, 84377, 84377, 84377, 84377, 84377, 84377, 84377, 84377, 84377, 84377, 84377, 29066, 35551, 670}},
  };
  for (const Case& c : cases) {
    auto tok = engine_test::LoadOrFail(engine_test::HfFixture(c.model));
    if (!tok) continue;
    CHECK(Enc(*tok, text) == c.ids);
  }
  std::string xyzzy;
  for (int i = 0; i < 30; ++i) xyzzy += "xyzzy";
  auto llama3 = engine_test::LoadOrFail(engine_test::HfFixture("llama3_1"));
  auto gemma = engine_test::LoadOrFail(engine_test::HfFixture("gemma"));
  if (!llama3 || !gemma) return;
  Ids want3, wantg;
  for (int i = 0; i < 30; ++i) want3.insert(want3.end(), {29954, 4341}), wantg.insert(wantg.end(), {4032, 33260});
  CHECK(Enc(*llama3, xyzzy) == want3);
  CHECK(Enc(*gemma, xyzzy) == wantg);
}

TEST(engine_oracle_roundtrip_decode) {
  // Byte-level BPE decodes back to the exact input; SentencePiece models too (the prepended
  // "▁" is stripped by the decoder) as long as the text does not start with a space and holds
  // no added token (HF prepends "▁" to every piece between added tokens).
  const char* texts[] = {"Hello world! It's 2024.", "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e \xf0\x9f\x98\x80 caf\xc3\xa9",
                         "tabs\tand\r\nnewlines\n\n  x", "<|eot_id|> and <s> stay text"};
  for (const char* m : {"llama3_1", "qwen3", "deepseek_v3", "llama2", "gemma"}) {
    auto tok = engine_test::LoadOrFail(engine_test::HfFixture(m));
    if (!tok) continue;
    bool sentencepiece = tok->info().model == "sentencepiece_bpe";
    for (const char* t : texts) {
      if (sentencepiece && std::string(t).find("<s>") != std::string::npos) continue;
      Ids ids = Enc(*tok, t);
      CHECK_EQ(tok->Decode(ids.data(), ids.size(), false), std::string(t));
    }
  }
}

TEST(engine_oracle_special_tokens) {
  auto tok = engine_test::LoadOrFail(engine_test::HfFixture("llama3_1"));
  if (!tok) return;
  // Special tokens in the text are recognised with add_special_tokens = false too (HF).
  CHECK(Enc(*tok, "x<|eot_id|>y") == (Ids{87, 128009, 88}));
  Ids ids = {128000, 9906, 128009};
  CHECK_EQ(tok->Decode(ids.data(), ids.size(), false), std::string("<|begin_of_text|>Hello<|eot_id|>"));
  CHECK_EQ(tok->Decode(ids.data(), ids.size(), true), std::string("Hello"));
  uint32_t id = 0;
  CHECK(tok->TokenToId("<|eot_id|>", &id) && id == 128009);
  CHECK(tok->TokenToId("Hello", &id) && id == 9906);
  CHECK(!tok->TokenToId("no such token at all", &id));
  std::string s;
  CHECK(tok->IdToToken(9906, &s) && s == "Hello");
  CHECK(tok->IdToToken(128009, &s) && s == "<|eot_id|>");
  CHECK(!tok->IdToToken(5000000, &s));
  CHECK_EQ(tok->info().vocab_size, 128256u);
  CHECK_EQ(tok->info().model, std::string("byte_level_bpe"));
  CHECK_EQ(tok->info().eos_token, std::string("<|eot_id|>"));
  CHECK_EQ(tok->info().bos_token, std::string("<|begin_of_text|>"));
  CHECK_EQ(tok->info().special_tokens.size(), 256u);
}

TEST(engine_oracle_tiktoken) {
  struct Case {
    const char* name;
    std::vector<Ids> ids;
  };
  const Case cases[] = {
      {"o200k_base",
       {{13225, 2375, 0, 7744, 220, 1323, 19, 13, 199999},
        {464, 82, 173405, 808, 82, 29, 1202, 220, 38191, 197, 19992, 199999},
        {9048, 40909, 88038, 30469, 199999},
        {27, 91, 321, 10949, 91, 29, 1428, 198, 3686, 27, 91, 321, 13707, 91, 29, 199999}}},
      {"cl100k_base",
       {{9906, 1917, 0, 1102, 596, 220, 2366, 19, 13, 100257},
        {366, 82, 29357, 524, 82, 29, 4815, 220, 23204, 197, 6881, 100257},
        {9080, 22656, 45918, 252, 91416, 53050, 100257},
        {27, 91, 318, 5011, 91, 29, 882, 198, 6151, 27, 91, 318, 6345, 91, 29, 100257}}},
  };
  for (const Case& c : cases) {
    std::string dir = engine_test::TempDir() + "/tik-" + c.name;
    std::string mk = "mkdir -p '" + dir + "'";
    CHECK(std::system(mk.c_str()) == 0);
    std::string path = engine_test::TiktokenFixture(c.name, dir);
    // Both the file and its directory load.
    auto tok = engine_test::LoadOrFail(path);
    auto by_dir = engine_test::LoadOrFail(dir);
    if (!tok || !by_dir) continue;
    CHECK_EQ(tok->info().kind, std::string("tiktoken"));
    CHECK_EQ(tok->info().eos_token, std::string("<|endoftext|>"));
    for (size_t i = 0; i < c.ids.size(); ++i) {
      std::string text = std::string(kTexts[i]) + "<|endoftext|>";
      Ids got = Enc(*tok, text);
      if (got != c.ids[i]) std::fprintf(stderr, "%s text %zu: got %s\n", c.name, i, engine_test::Str(got).c_str());
      CHECK(got == c.ids[i]);
      CHECK(Enc(*by_dir, text) == c.ids[i]);
      CHECK_EQ(tok->Decode(got.data(), got.size(), false), text);
      CHECK_EQ(tok->Decode(got.data(), got.size(), true), std::string(kTexts[i]));
    }
  }
}

TEST(engine_oracle_tiktoken_with_config) {
  // An unknown file name takes its pattern and special tokens from tokenizer_config.json.
  std::string dir = engine_test::TempDir() + "/tik-custom";
  std::string mk = "mkdir -p '" + dir + "'";
  CHECK(std::system(mk.c_str()) == 0);
  std::string ranks = engine_test::Slurp(engine_test::TiktokenFixture("cl100k_base", dir));
  std::ofstream(dir + "/my-model.tiktoken", std::ios::binary) << ranks;
  std::remove((dir + "/cl100k_base.tiktoken").c_str());
  std::ofstream(dir + "/tokenizer_config.json") << R"({
    "pat_str": "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
    "added_tokens_decoder": {"100257": {"content": "<|endoftext|>", "special": true},
                             "100300": {"content": "<|custom|>", "special": true}},
    "bos_token": "<|endoftext|>", "eos_token": {"content": "<|custom|>"}
  })";
  auto tok = engine_test::LoadOrFail(dir);  // the directory's single *.tiktoken
  if (!tok) return;
  CHECK(Enc(*tok, std::string(kTexts[0]) + "<|custom|><|endoftext|>") ==
        (Ids{9906, 1917, 0, 1102, 596, 220, 2366, 19, 13, 100300, 100257}));
  CHECK_EQ(tok->info().eos_token, std::string("<|custom|>"));
  CHECK_EQ(tok->info().bos_token, std::string("<|endoftext|>"));
  CHECK_EQ(tok->info().vocab_size, 100301u);
}
