// Building blocks: JSON DOM, UTF-8 lossy decoding, byte-level mapping, hash tables, decoders,
// and the incremental decoder against full decodes of real files.
#include <atomic>
#include <thread>

#include "../../tokenizer/byte_level.h"
#include "../../tokenizer/decode_stream.h"
#include "../../tokenizer/token_map.h"
#include "../../tokenizer/utf8_lossy.h"
#include "engine_fixtures.h"

using collie::tok::json::Document;
using collie::tok::json::JsonError;

namespace {

size_t JsonErrorOffset(const std::string& text) {
  try {
    Document::Parse(text);
  } catch (const JsonError& e) {
    return e.offset();
  }
  return static_cast<size_t>(-1);
}

std::string Lossy(const std::string& bytes) {
  std::string out;
  collie::tok::AppendUtf8Lossy(bytes, &out);
  return out;
}

}  // namespace

TEST(engine_json_values) {
  auto doc = Document::Parse(R"( {"a": [1, -2.5e3, true, false, null], "s": "x\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00", "o": {}} )");
  auto root = doc->root();
  CHECK(root.is_object());
  CHECK_EQ(root["a"].size(), 5u);
  CHECK_EQ(root["a"].at(0).as_number(), 1.0);
  CHECK_EQ(root["a"].at(1).as_number(), -2500.0);
  CHECK(root["a"].at(2).as_bool());
  CHECK(root["a"].at(4).is_null());
  CHECK_EQ(std::string(root["s"].as_string()), std::string("x\"\\/\b\f\n\r\t\xc3\xa9\xf0\x9f\x98\x80"));
  CHECK(root["o"].is_object() && root["o"].size() == 0);
  CHECK(root["missing"].missing());
  CHECK(root["missing"]["deeper"].absent());
  CHECK_EQ(std::string(root.at(1).key()), std::string("s"));
}

TEST(engine_json_errors_have_offsets) {
  CHECK_EQ(JsonErrorOffset("{\"a\": tru}"), 6u);
  CHECK_EQ(JsonErrorOffset("{\"a\": 1,}"), 8u);
  CHECK_EQ(JsonErrorOffset("[1 2]"), 3u);
  CHECK_EQ(JsonErrorOffset("\"\\ud800\""), 7u);      // lone surrogate
  CHECK_EQ(JsonErrorOffset("\"a\xff\""), 2u);         // invalid UTF-8
  CHECK_EQ(JsonErrorOffset("{} x"), 3u);
  CHECK_EQ(JsonErrorOffset("01"), 0u);
  CHECK(JsonErrorOffset(std::string(1000, '[')) != static_cast<size_t>(-1));  // depth limit, no crash
}

TEST(engine_utf8_lossy_matches_rust) {
  CHECK_EQ(Lossy("abc"), std::string("abc"));
  CHECK_EQ(Lossy("a\xff" "b"), std::string("a\xef\xbf\xbd" "b"));
  CHECK_EQ(Lossy("\xe6\x97"), std::string("\xef\xbf\xbd"));                 // truncated: one U+FFFD
  CHECK_EQ(Lossy("\xe6\x97x"), std::string("\xef\xbf\xbdx"));
  CHECK_EQ(Lossy("\xed\xa0\x80"), std::string("\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"));  // surrogate
  CHECK_EQ(Lossy("\xf0\x9f\x98"), std::string("\xef\xbf\xbd"));
  CHECK_EQ(Lossy("\xc0\x80"), std::string("\xef\xbf\xbd\xef\xbf\xbd"));     // overlong
  CHECK_EQ(collie::tok::CompleteUtf8Prefix("ab\xe6\x97"), 2u);
  CHECK_EQ(collie::tok::CompleteUtf8Prefix("ab\xff"), 3u);
}

TEST(engine_byte_level_mapping) {
  CHECK_EQ(static_cast<uint32_t>(collie::tok::ByteToChar(' ')), 0x120u);  // 'Ġ'
  CHECK_EQ(static_cast<uint32_t>(collie::tok::ByteToChar('\n')), 0x10Au);  // 'Ċ'
  CHECK_EQ(static_cast<uint32_t>(collie::tok::ByteToChar('A')), 0x41u);
  for (int b = 0; b < 256; ++b) CHECK_EQ(collie::tok::CharToByte(collie::tok::ByteToChar(static_cast<uint8_t>(b))), b);
  std::string raw;
  CHECK(collie::tok::ByteLevelToBytes("\xc4\xa0hi", &raw) && raw == " hi");
  CHECK(!collie::tok::ByteLevelToBytes("\xe6\x97\xa5", &raw));
}

TEST(engine_hash_tables) {
  collie::tok::TokenMap m;
  for (uint32_t i = 0; i < 5000; ++i) m.Insert("tok" + std::to_string(i), i);
  m.Insert("tok7", 70);  // overwrite
  uint32_t id = 0;
  CHECK(m.Find("tok4999", &id) && id == 4999);
  CHECK(m.Find("tok7", &id) && id == 70);
  CHECK(!m.Find("tok5000", &id));
  CHECK(!m.Find("", &id));
  CHECK_EQ(m.size(), 5000u);
  collie::tok::MergeMap mm;
  for (uint32_t i = 0; i < 3000; ++i) mm.Insert(i, i + 1, i * 2, i + 7);
  uint32_t rank = 0, merged = 0;
  CHECK(mm.Find(10, 11, &rank, &merged) && rank == 20 && merged == 17);
  CHECK(!mm.Find(11, 10, &rank, &merged));
}

TEST(engine_decode_stream_equals_full_decode) {
  const char* text =
      "Stream \xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e and emoji \xf0\x9f\x98\x80\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd, caf\xc3\xa9 \n"
      "  spaced\tout <s> </s> <|eot_id|> done \xe1\x9a\x80";
  for (const char* m : {"llama3_1", "qwen3", "deepseek_v3", "llama2", "gemma"}) {
    auto tok = engine_test::LoadOrFail(engine_test::HfFixture(m));
    if (!tok) continue;
    std::vector<uint32_t> ids = engine_test::Enc(*tok, text, true);
    for (bool skip : {false, true}) {
      collie::tok::DecodeStream stream(tok, skip);
      std::string all;
      bool partial_seen = false;
      for (uint32_t id : ids) {
        std::string piece = stream.Step(id);
        CHECK(collie::tok::CompleteUtf8Prefix(piece) == piece.size());
        partial_seen = partial_seen || piece.empty();
        all += piece;
      }
      all += stream.Flush();
      CHECK_EQ(all, tok->Decode(ids.data(), ids.size(), skip));
      (void)partial_seen;
    }
  }
}

TEST(engine_decode_stream_holds_incomplete_utf8) {
  auto tok = engine_test::LoadOrFail(engine_test::HfFixture("llama2"));
  if (!tok) return;
  // 日 as byte-fallback tokens <0xE6><0x97><0xA5>: nothing until the third byte.
  uint32_t e6, x97, xa5;
  CHECK(tok->TokenToId("<0xE6>", &e6) && tok->TokenToId("<0x97>", &x97) && tok->TokenToId("<0xA5>", &xa5));
  collie::tok::DecodeStream s(tok, false);
  CHECK_EQ(s.Step(e6), std::string());
  CHECK_EQ(s.Step(x97), std::string());
  CHECK_EQ(s.Step(xa5), std::string("\xe6\x97\xa5"));
  // An incomplete tail is held back, then flushed as U+FFFD.
  CHECK_EQ(s.Step(e6), std::string());
  std::string rest = s.Flush();
  CHECK(rest.size() >= 3 && rest.compare(rest.size() - 3, 3, "\xef\xbf\xbd") == 0);
  CHECK(collie::tok::CompleteUtf8Prefix(rest) == rest.size());
  CHECK_EQ(s.Flush(), std::string());
}

TEST(engine_concurrent_encode_is_consistent) {
  // One immutable tokenizer, several threads: per-thread scratch and caches must not leak
  // state between threads (each result equals the single-threaded one).
  auto tok = engine_test::LoadOrFail(engine_test::HfFixture("qwen3"));
  if (!tok) return;
  std::vector<std::string> texts;
  for (int i = 0; i < 200; ++i) {
    texts.push_back("Thread-safety check " + std::to_string(i * 7919) + ": caf\xc3\xa9 <|im_start|>user\n" +
                    std::string(static_cast<size_t>(i % 13), ' ') + "words words " + std::to_string(i));
  }
  std::vector<std::vector<uint32_t>> want;
  for (const auto& t : texts) want.push_back(engine_test::Enc(*tok, t, true));
  std::atomic<int> bad{0};
  std::vector<std::thread> threads;
  for (int th = 0; th < 4; ++th) {
    threads.emplace_back([&, th] {
      std::vector<uint32_t> ids;
      for (int rep = 0; rep < 20; ++rep) {
        for (size_t i = (th * 37) % texts.size(), n = 0; n < texts.size(); ++n, i = (i + 1) % texts.size()) {
          tok->Encode(texts[i], true, &ids);
          if (ids != want[i]) ++bad;
          if (tok->Decode(ids.data(), ids.size(), false) != texts[i]) ++bad;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK_EQ(bad.load(), 0);
}

TEST(engine_decode_stream_window_is_bounded) {
  auto tok = engine_test::LoadOrFail(engine_test::HfFixture("llama3_1"));
  if (!tok) return;
  // Skipped special tokens decode to nothing: the window must not grow without bound.
  collie::tok::DecodeStream s(tok, true);
  size_t max_window = 0;
  std::string out;
  for (int i = 0; i < 5000; ++i) {
    out += s.Step(128009);  // <|eot_id|>
    max_window = std::max(max_window, s.window());
  }
  for (uint32_t id : engine_test::Enc(*tok, "after the specials")) out += s.Step(id);
  out += s.Flush();
  CHECK(max_window <= collie::tok::DecodeStream::kMaxWindow + 1);
  CHECK_EQ(out, std::string("after the specials"));
}
