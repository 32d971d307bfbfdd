// Debug surface of the tokenizer's regex engine and Unicode layer, for differential tests from
// JS (test/unit/native/tokenizer-regex.test.ts):
//   tokenizerRegexFindAll(pattern: string, text: string) -> Uint32Array
//       [start, end) pairs of successive matches, as UTF-16 code-unit offsets into text.
//   tokenizerNormalize(form: 'NFC' | 'NFKC' | 'NFD' | 'NFKD', text: string) -> string
//   tokenizerGeneralCategory(codePoints: Uint32Array) -> Uint8Array  (collie::tok::Gc values)
// Argument errors throw TypeError; a pattern outside the supported subset throws Error with the
// compile message. Compiled patterns are kept in a small process-wide cache of plain C++ objects
// (immutable, safe to share between threads); no napi values are held across calls.
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "../../tokenizer/regex.h"
#include "../../tokenizer/unicode.h"
#include "register.h"

namespace collie::tok {
namespace {

// Most recently used compiled patterns (the differential tests call thousands of times with the
// same pattern).
std::shared_ptr<const Regex> CompileCached(const std::string& pattern, std::string* error) {
  static std::mutex mu;
  static std::list<std::pair<std::string, std::shared_ptr<const Regex>>> cache;
  {
    std::lock_guard<std::mutex> lock(mu);
    for (auto it = cache.begin(); it != cache.end(); ++it) {
      if (it->first == pattern) {
        cache.splice(cache.begin(), cache, it);
        return cache.front().second;
      }
    }
  }
  std::shared_ptr<const Regex> re(Regex::Compile(pattern, error).release());
  if (!re) return nullptr;
  std::lock_guard<std::mutex> lock(mu);
  cache.emplace_front(pattern, re);
  if (cache.size() > 16) cache.pop_back();
  return re;
}

Napi::Value RegexFindAll(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsString() || !info[1].IsString()) {
    throw Napi::TypeError::New(env, "tokenizerRegexFindAll(pattern: string, text: string)");
  }
  std::string pattern = info[0].As<Napi::String>().Utf8Value();
  std::string text = info[1].As<Napi::String>().Utf8Value();
  std::string error;
  std::shared_ptr<const Regex> re = CompileCached(pattern, &error);
  if (!re) throw Napi::Error::New(env, error);
  std::vector<std::pair<uint32_t, uint32_t>> matches;
  re->FindAll(text, &matches);
  // Byte offsets -> UTF-16 offsets. Match boundaries are increasing, so one forward walk works.
  auto result = Napi::Uint32Array::New(env, matches.size() * 2);
  size_t byte = 0;
  uint32_t unit = 0;
  auto to_unit = [&](uint32_t target) {
    while (byte < target) {
      char32_t cp;
      size_t len = DecodeUtf8(text.data() + byte, text.size() - byte, &cp);
      byte += len;
      unit += cp >= 0x10000 ? 2 : 1;
    }
    return unit;
  };
  for (size_t i = 0; i < matches.size(); ++i) {
    result[2 * i] = to_unit(matches[i].first);
    result[2 * i + 1] = to_unit(matches[i].second);
  }
  return result;
}

Napi::Value NormalizeText(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsString() || !info[1].IsString()) {
    throw Napi::TypeError::New(env, "tokenizerNormalize(form: 'NFC' | 'NFKC' | 'NFD' | 'NFKD', text: string)");
  }
  std::string form = info[0].As<Napi::String>().Utf8Value();
  NormForm f;
  if (form == "NFC") {
    f = NormForm::kNfc;
  } else if (form == "NFKC") {
    f = NormForm::kNfkc;
  } else if (form == "NFD") {
    f = NormForm::kNfd;
  } else if (form == "NFKD") {
    f = NormForm::kNfkd;
  } else {
    throw Napi::TypeError::New(env, "tokenizerNormalize: form must be 'NFC', 'NFKC', 'NFD' or 'NFKD'");
  }
  std::string text = info[1].As<Napi::String>().Utf8Value();
  std::string out;
  Normalize(f, text, &out);
  return Napi::String::New(env, out);
}

Napi::Value GeneralCategories(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsTypedArray() ||
      info[0].As<Napi::TypedArray>().TypedArrayType() != napi_uint32_array) {
    throw Napi::TypeError::New(env, "tokenizerGeneralCategory(codePoints: Uint32Array)");
  }
  auto cps = info[0].As<Napi::Uint32Array>();
  size_t n = cps.ElementLength();
  auto out = Napi::Uint8Array::New(env, n);
  for (size_t i = 0; i < n; ++i) out[i] = static_cast<uint8_t>(GeneralCategory(cps[i]));
  return out;
}

}  // namespace

void RegisterRegexDebug(Napi::Env env, Napi::Object exports) {
  exports.Set("tokenizerRegexFindAll", Napi::Function::New(env, RegexFindAll, "tokenizerRegexFindAll"));
  exports.Set("tokenizerNormalize", Napi::Function::New(env, NormalizeText, "tokenizerNormalize"));
  exports.Set("tokenizerGeneralCategory",
              Napi::Function::New(env, GeneralCategories, "tokenizerGeneralCategory"));
}

}  // namespace collie::tok
