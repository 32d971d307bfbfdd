// llama2-based variants of tokenizer.json (normalizer / pre-tokenizer / decoder / added tokens
// swapped by text surgery, the same surgery as the generator) checked against ids and decodes
// recorded from the Hugging Face `tokenizers` oracle (@anush008/tokenizers 0.6 = tokenizers 0.22).
#include "engine_fixtures.h"

namespace {

using engine_test::Enc;

struct Row {
  std::vector<uint32_t> ids;
  const char* dec;
  const char* skip;
};

struct Variant {
  const char* name;
  const char* norm;  // nullptr: keep; else replaces normalizer + pre_tokenizer
  const char* pre;
  const char* dec;  // nullptr: keep
  const char* added;  // nullptr: none; else prepended to added_tokens
  std::vector<Row> rows;
};

const char* const kTexts[] = {"Hello  world", " hot dog [M]  x", "a cat, concat cat_ cat", "<s>  Hi </s>\n12 345", "\xef""\xac""\x81""ve \xe2""\x91""\xa0"" \xef""\xbc""\xa1""\xef""\xbc""\xa2""  spaced   out ", "", "\xe2""\x96""\x81""\xe2""\x96""\x81""x  y"};

std::string Surgery(std::string s, const Variant& v) {
  if (v.norm) {
    size_t a = s.find("\"normalizer\": "), b = s.find("\"post_processor\": ");
    s = s.substr(0, a) + "\"normalizer\": " + v.norm + ", \"pre_tokenizer\": " + v.pre + ", " + s.substr(b);
  }
  if (v.dec) {
    size_t a = s.find("\"decoder\": "), b = s.find("\"model\": ");
    s = s.substr(0, a) + "\"decoder\": " + v.dec + ", " + s.substr(b);
  }
  if (v.added) {
    const std::string key = "\"added_tokens\": [";
    s.replace(s.find(key), key.size(), key + v.added + ",");
  }
  return s;
}

const std::vector<Variant>& Variants() {
  static const std::vector<Variant> v = {
      {"metaspace_first",
       "null",
       "{\"type\":\"Metaspace\",\"replacement\":\"\xe2""\x96""\x81""\",\"prepend_scheme\":\"first\",\"split\":false}",
       "{\"type\":\"Metaspace\",\"replacement\":\"\xe2""\x96""\x81""\",\"prepend_scheme\":\"first\",\"split\":false}",
       nullptr,
       {
           {{22557,28705,1526}, "Hello  world", "Hello  world"},
           {{3296,3914,733,28755,28793,28705,1318}, "hot dog [M]  x", "hot dog [M]  x"},
           {{264,5255,28725,3078,270,5255,28730,5255}, "a cat, concat cat_ cat", "a cat, concat cat_ cat"},
           {{1,28705,15359,28705,2,13,28740,28750,28705,28770,28781,28782}, "<s>  Hi </s><0x0A>12 345", " Hi <0x0A>12 345"},
           {{28705,30160,333,28705,229,148,163,28705,242,191,164,242,191,165,28705,668,2701,259,575,28705}, "\xef""\xac""\x81""ve <0xE2><0x91><0xA0> <0xEF><0xBC><0xA1><0xEF><0xBC><0xA2>  spaced   out ", "\xef""\xac""\x81""ve <0xE2><0x91><0xA0> <0xEF><0xBC><0xA1><0xEF><0xBC><0xA2>  spaced   out "},
           {{}, "", ""},
           {{28705,1318,28705,337}, " x  y", " x  y"},
       }},
      {"metaspace_always_split",
       "null",
       "{\"type\":\"Metaspace\",\"replacement\":\"\xe2""\x96""\x81""\",\"prepend_scheme\":\"always\",\"split\":true}",
       "{\"type\":\"Sequence\",\"decoders\":[{\"type\":\"ByteFallback\"},{\"type\":\"Metaspace\",\"replacement\":\"\xe2""\x96""\x81""\",\"prepend_scheme\":\"always\",\"split\":true}]}",
       nullptr,
       {
           {{22557,28705,1526}, "Hello  world", "Hello  world"},
           {{3296,3914,733,28755,28793,28705,1318}, "hot dog [M]  x", "hot dog [M]  x"},
           {{264,5255,28725,3078,270,5255,28730,5255}, "a cat, concat cat_ cat", "a cat, concat cat_ cat"},
           {{1,28705,15359,28705,2,28705,13,28740,28750,28705,28770,28781,28782}, "<s>  Hi </s> \n12 345", " Hi  \n12 345"},
           {{28705,30160,333,28705,229,148,163,28705,242,191,164,242,191,165,28705,668,2701,28705,28705,575,28705}, "\xef""\xac""\x81""ve \xe2""\x91""\xa0"" \xef""\xbc""\xa1""\xef""\xbc""\xa2""  spaced   out ", "\xef""\xac""\x81""ve \xe2""\x91""\xa0"" \xef""\xbc""\xa1""\xef""\xbc""\xa2""  spaced   out "},
           {{}, "", ""},
           {{28705,1318,28705,337}, " x  y", " x  y"},
       }},
      {"metaspace_legacy",
       "null",
       "{\"type\":\"Metaspace\",\"replacement\":\"\xe2""\x96""\x81""\",\"add_prefix_space\":true}",
       "{\"type\":\"Metaspace\",\"replacement\":\"\xe2""\x96""\x81""\",\"add_prefix_space\":true}",
       nullptr,
       {
           {{22557,28705,1526}, "Hello  world", "Hello  world"},
           {{3296,3914,733,28755,28793,28705,1318}, "hot dog [M]  x", "hot dog [M]  x"},
           {{264,5255,28725,3078,270,5255,28730,5255}, "a cat, concat cat_ cat", "a cat, concat cat_ cat"},
           {{1,28705,15359,28705,2,28705,13,28740,28750,28705,28770,28781,28782}, "<s>  Hi </s> <0x0A>12 345", " Hi  <0x0A>12 345"},
           {{28705,30160,333,28705,229,148,163,28705,242,191,164,242,191,165,28705,668,2701,28705,28705,575,28705}, "\xef""\xac""\x81""ve <0xE2><0x91><0xA0> <0xEF><0xBC><0xA1><0xEF><0xBC><0xA2>  spaced   out ", "\xef""\xac""\x81""ve <0xE2><0x91><0xA0> <0xEF><0xBC><0xA1><0xEF><0xBC><0xA2>  spaced   out "},
           {{}, "", ""},
           {{28705,1318,28705,337}, " x  y", " x  y"},
       }},
      {"added_flags",
       nullptr,
       nullptr,
       nullptr,
       "{\"id\":32000,\"content\":\"[M]\",\"single_word\":false,\"lstrip\":true,\"rstrip\":true,\"normalized\":false,\"special\":true},{\"id\":32001,\"content\":\"cat\",\"single_word\":true,\"lstrip\":false,\"rstrip\":false,\"normalized\":false,\"special\":false},{\"id\":32002,\"content\":\"dog\",\"single_word\":false,\"lstrip\":false,\"rstrip\":false,\"normalized\":true,\"special\":false}",
       {
           {{22557,28705,1526}, "Hello  world", "Hello  world"},
           {{28705,3296,17693,32000,1318}, " hotdog[M] x", " hotdog x"},
           {{264,28705,6272,1200,3078,270,5255,28730,28705,6272}, "a cat , concat cat_ cat", "a cat , concat cat_ cat"},
           {{1,259,15359,28705,2,28705,13,28740,28750,28705,28770,28781,28782}, "<s>   Hi </s> \n12 345", "  Hi  \n12 345"},
           {{28705,30160,333,28705,229,148,163,28705,242,191,164,242,191,165,28705,668,2701,259,575,28705}, "\xef""\xac""\x81""ve \xe2""\x91""\xa0"" \xef""\xbc""\xa1""\xef""\xbc""\xa2""  spaced   out ", "\xef""\xac""\x81""ve \xe2""\x91""\xa0"" \xef""\xbc""\xa1""\xef""\xbc""\xa2""  spaced   out "},
           {{}, "", ""},
           {{259,1318,28705,337}, "  x  y", "  x  y"},
       }},
      {"nfkc_strip_regex",
       "{\"type\":\"Sequence\",\"normalizers\":[{\"type\":\"NFKC\"},{\"type\":\"Strip\",\"strip_left\":true,\"strip_right\":true},{\"type\":\"Replace\",\"pattern\":{\"Regex\":\" {2,}\"},\"content\":\" \"},{\"type\":\"Prepend\",\"prepend\":\"\xe2""\x96""\x81""\"},{\"type\":\"Replace\",\"pattern\":{\"String\":\" \"},\"content\":\"\xe2""\x96""\x81""\"}]}",
       "null",
       nullptr,
       nullptr,
       {
           {{22557,1526}, "Hello world", "Hello world"},
           {{3296,3914,733,28755,28793,1318}, "hot dog [M] x", "hot dog [M] x"},
           {{264,5255,28725,3078,270,5255,28730,5255}, "a cat, concat cat_ cat", "a cat, concat cat_ cat"},
           {{1,15359,2,28705,28740,28750,28705,28770,28781,28782}, "<s> Hi</s> 12 345", "Hi 12 345"},
           {{3359,28705,28740,18322,668,2701,575}, "five 1 AB spaced out", "five 1 AB spaced out"},
           {{}, "", ""},
           {{259,1318,337}, "  x y", "  x y"},
       }},
      {"split_removed",
       "{\"type\":\"Replace\",\"pattern\":{\"String\":\" \"},\"content\":\"\xe2""\x96""\x81""\"}",
       "{\"type\":\"Split\",\"pattern\":{\"String\":\"\xe2""\x96""\x81""\"},\"behavior\":\"Removed\",\"invert\":false}",
       nullptr,
       nullptr,
       {
           {{16230,9471}, "Helloworld", "Helloworld"},
           {{10672,17693,28792,28755,28793,28744}, "hotdog[M]x", "hotdog[M]x"},
           {{28708,6272,28725,16781,6272,28730,6272}, "acat,concatcat_cat", "acat,concatcat_cat"},
           {{1,23809,2,13,28740,28750,28770,28781,28782}, "<s>Hi</s>\n12345", "Hi\n12345"},
           {{30160,333,229,148,163,242,191,164,242,191,165,886,2701,406}, "\xef""\xac""\x81""ve\xe2""\x91""\xa0""\xef""\xbc""\xa1""\xef""\xbc""\xa2""spacedout", "\xef""\xac""\x81""ve\xe2""\x91""\xa0""\xef""\xbc""\xa1""\xef""\xbc""\xa2""spacedout"},
           {{}, "", ""},
           {{28744,28724}, "xy", "xy"},
       }},
      {"split_prev",
       "{\"type\":\"Replace\",\"pattern\":{\"String\":\" \"},\"content\":\"\xe2""\x96""\x81""\"}",
       "{\"type\":\"Split\",\"pattern\":{\"String\":\"\xe2""\x96""\x81""\"},\"behavior\":\"MergedWithPrevious\",\"invert\":false}",
       nullptr,
       nullptr,
       {
           {{16230,28705,28705,9471}, "Hello  world", "Hello  world"},
           {{28705,10672,28705,17693,28705,28792,28755,28793,28705,28705,28744}, "hot dog [M]  x", "hot dog [M]  x"},
           {{28708,28705,6272,28725,28705,16781,28705,6272,28730,28705,6272}, "a cat, concat cat_ cat", "a cat, concat cat_ cat"},
           {{1,28705,28705,23809,28705,2,13,28740,28750,28705,28770,28781,28782}, "<s>  Hi </s>\n12 345", " Hi \n12 345"},
           {{30160,333,28705,229,148,163,28705,242,191,164,242,191,165,28705,28705,886,2701,28705,28705,28705,406,28705}, "\xef""\xac""\x81""ve \xe2""\x91""\xa0"" \xef""\xbc""\xa1""\xef""\xbc""\xa2""  spaced   out ", "\xef""\xac""\x81""ve \xe2""\x91""\xa0"" \xef""\xbc""\xa1""\xef""\xbc""\xa2""  spaced   out "},
           {{}, "", ""},
           {{28705,28705,28744,28705,28705,28724}, " x  y", " x  y"},
       }},
      {"split_next",
       "{\"type\":\"Replace\",\"pattern\":{\"String\":\" \"},\"content\":\"\xe2""\x96""\x81""\"}",
       "{\"type\":\"Split\",\"pattern\":{\"String\":\"\xe2""\x96""\x81""\"},\"behavior\":\"MergedWithNext\",\"invert\":false}",
       nullptr,
       nullptr,
       {
           {{16230,28705,1526}, "Hello  world", "Hello  world"},
           {{3296,3914,733,28755,28793,28705,1318}, "hot dog [M]  x", "hot dog [M]  x"},
           {{28708,5255,28725,3078,270,5255,28730,5255}, "a cat, concat cat_ cat", "a cat, concat cat_ cat"},
           {{1,28705,15359,28705,2,13,28740,28750,28705,28770,28781,28782}, "<s>  Hi </s>\n12 345", " Hi \n12 345"},
           {{30160,333,28705,229,148,163,28705,242,191,164,242,191,165,28705,668,2701,28705,28705,575,28705}, "\xef""\xac""\x81""ve \xe2""\x91""\xa0"" \xef""\xbc""\xa1""\xef""\xbc""\xa2""  spaced   out ", "\xef""\xac""\x81""ve \xe2""\x91""\xa0"" \xef""\xbc""\xa1""\xef""\xbc""\xa2""  spaced   out "},
           {{}, "", ""},
           {{28705,1318,28705,337}, " x  y", " x  y"},
       }},
      {"split_contig_invert",
       "{\"type\":\"Replace\",\"pattern\":{\"String\":\" \"},\"content\":\"\xe2""\x96""\x81""\"}",
       "{\"type\":\"Sequence\",\"pretokenizers\":[{\"type\":\"Split\",\"pattern\":{\"Regex\":\"[a-z]\"},\"behavior\":\"Contiguous\",\"invert\":true},{\"type\":\"Digits\",\"individual_digits\":true}]}",
       nullptr,
       nullptr,
       {
           {{28769,4508,259,9471}, "Hello  world", "Hello  world"},
           {{28705,10672,28705,17693,733,28755,28793,259,28744}, "hot dog [M]  x", "hot dog [M]  x"},
           {{28708,28705,6272,28725,28705,16781,28705,6272,28730,28705,6272}, "a cat, concat cat_ cat", "a cat, concat cat_ cat"},
           {{1,28705,382,28710,28705,2,13,28740,28750,28705,28770,28781,28782}, "<s>  Hi </s>\n12 345", " Hi \n12 345"},
           {{30160,333,28705,229,148,163,28705,242,191,164,242,191,165,259,886,2701,2287,406,28705}, "\xef""\xac""\x81""ve \xe2""\x91""\xa0"" \xef""\xbc""\xa1""\xef""\xbc""\xa2""  spaced   out ", "\xef""\xac""\x81""ve \xe2""\x91""\xa0"" \xef""\xbc""\xa1""\xef""\xbc""\xa2""  spaced   out "},
           {{}, "", ""},
           {{259,28744,259,28724}, " x  y", " x  y"},
       }},
      {"no_decoder",
       nullptr,
       nullptr,
       "null",
       nullptr,
       {
           {{22557,28705,1526}, "\xe2""\x96""\x81""Hello \xe2""\x96""\x81"" \xe2""\x96""\x81""world", "\xe2""\x96""\x81""Hello \xe2""\x96""\x81"" \xe2""\x96""\x81""world"},
           {{28705,3296,3914,733,28755,28793,28705,1318}, "\xe2""\x96""\x81"" \xe2""\x96""\x81""hot \xe2""\x96""\x81""dog \xe2""\x96""\x81""[ M ] \xe2""\x96""\x81"" \xe2""\x96""\x81""x", "\xe2""\x96""\x81"" \xe2""\x96""\x81""hot \xe2""\x96""\x81""dog \xe2""\x96""\x81""[ M ] \xe2""\x96""\x81"" \xe2""\x96""\x81""x"},
           {{264,5255,28725,3078,270,5255,28730,5255}, "\xe2""\x96""\x81""a \xe2""\x96""\x81""cat , \xe2""\x96""\x81""conc at \xe2""\x96""\x81""cat _ \xe2""\x96""\x81""cat", "\xe2""\x96""\x81""a \xe2""\x96""\x81""cat , \xe2""\x96""\x81""conc at \xe2""\x96""\x81""cat _ \xe2""\x96""\x81""cat"},
           {{1,259,15359,28705,2,28705,13,28740,28750,28705,28770,28781,28782}, "<s> \xe2""\x96""\x81""\xe2""\x96""\x81"" \xe2""\x96""\x81""Hi \xe2""\x96""\x81"" </s> \xe2""\x96""\x81"" <0x0A> 1 2 \xe2""\x96""\x81"" 3 4 5", "\xe2""\x96""\x81""\xe2""\x96""\x81"" \xe2""\x96""\x81""Hi \xe2""\x96""\x81"" \xe2""\x96""\x81"" <0x0A> 1 2 \xe2""\x96""\x81"" 3 4 5"},
           {{28705,30160,333,28705,229,148,163,28705,242,191,164,242,191,165,28705,668,2701,259,575,28705}, "\xe2""\x96""\x81"" \xef""\xac""\x81"" ve \xe2""\x96""\x81"" <0xE2> <0x91> <0xA0> \xe2""\x96""\x81"" <0xEF> <0xBC> <0xA1> <0xEF> <0xBC> <0xA2> \xe2""\x96""\x81"" \xe2""\x96""\x81""sp aced \xe2""\x96""\x81""\xe2""\x96""\x81"" \xe2""\x96""\x81""out \xe2""\x96""\x81""", "\xe2""\x96""\x81"" \xef""\xac""\x81"" ve \xe2""\x96""\x81"" <0xE2> <0x91> <0xA0> \xe2""\x96""\x81"" <0xEF> <0xBC> <0xA1> <0xEF> <0xBC> <0xA2> \xe2""\x96""\x81"" \xe2""\x96""\x81""sp aced \xe2""\x96""\x81""\xe2""\x96""\x81"" \xe2""\x96""\x81""out \xe2""\x96""\x81"""},
           {{}, "", ""},
           {{259,1318,28705,337}, "\xe2""\x96""\x81""\xe2""\x96""\x81"" \xe2""\x96""\x81""x \xe2""\x96""\x81"" \xe2""\x96""\x81""y", "\xe2""\x96""\x81""\xe2""\x96""\x81"" \xe2""\x96""\x81""x \xe2""\x96""\x81"" \xe2""\x96""\x81""y"},
       }},
  };
  return v;
}

}  // namespace

TEST(engine_variants_match_hf_oracle) {
  std::string base = engine_test::Slurp(engine_test::HfFixture("llama2"));
  CHECK(!base.empty());
  if (base.empty()) return;
  for (const Variant& v : Variants()) {
    std::string path = engine_test::WriteTemp(std::string("variant-") + v.name + ".json", Surgery(base, v));
    auto tok = engine_test::LoadOrFail(path);
    if (!tok) continue;
    for (size_t i = 0; i < v.rows.size(); ++i) {
      const Row& r = v.rows[i];
      std::vector<uint32_t> ids = Enc(*tok, kTexts[i]);
      if (ids != r.ids) std::fprintf(stderr, "variant %s text %zu: got %s\n", v.name, i, engine_test::Str(ids).c_str());
      CHECK(ids == r.ids);
      CHECK_EQ(tok->Decode(r.ids.data(), r.ids.size(), false), std::string(r.dec));
      CHECK_EQ(tok->Decode(r.ids.data(), r.ids.size(), true), std::string(r.skip));
    }
  }
}
