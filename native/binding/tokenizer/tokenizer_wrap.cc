// N-API glue of the tokenizer engine (contract: src/native/tokenizer-addon.ts). Handles live in
// the process-wide registry (native/tokenizer/registry.h), so they work on every thread that
// loads the addon. Arguments are validated here (TypeError), ids against the vocabulary
// (RangeError); every body runs inside Guard.
#include <cstring>
#include <string>
#include <vector>

#include "register.h"
#include "wrap_util.h"

namespace collie::tok {

Napi::Function DefineDecodeStream(Napi::Env env);  // decode_stream_wrap.cc

namespace {

using wrap::BoolArg;
using wrap::Guard;
using wrap::HandleArg;
using wrap::ThrowType;
using wrap::U32Arg;
using wrap::Utf8Arg;

constexpr const char* kLoadUsage = "tokenizerLoad(file: string)";
constexpr const char* kFreeUsage = "tokenizerFree(handle: number)";
constexpr const char* kInfoUsage = "tokenizerInfo(handle: number)";
constexpr const char* kEncodeUsage = "tokenizerEncode(handle: number, text: string, addSpecialTokens: boolean)";
constexpr const char* kBatchUsage =
    "tokenizerEncodeBatch(handle: number, texts: string[], addSpecialTokens: boolean)";
constexpr const char* kDecodeUsage = "tokenizerDecode(handle: number, ids: Uint32Array, skipSpecialTokens: boolean)";
constexpr const char* kToIdUsage = "tokenizerTokenToId(handle: number, token: string)";
constexpr const char* kToTokenUsage = "tokenizerIdToToken(handle: number, id: number)";

// Loads off the JS thread; resolves with the registered handle.
class LoadWorker : public Napi::AsyncWorker {
 public:
  LoadWorker(Napi::Env env, std::string path)
      : Napi::AsyncWorker(env, "collie:tokenizerLoad"), path_(std::move(path)), deferred_(Napi::Promise::Deferred::New(env)) {}
  Napi::Promise Promise() const { return deferred_.Promise(); }

  void Execute() override {
    try {
      tok_ = Tokenizer::Load(path_);
    } catch (const std::exception& e) {
      SetError(e.what());
    } catch (...) {
      SetError("cannot load tokenizer '" + path_ + "': unknown error");
    }
  }
  void OnOK() override { deferred_.Resolve(Napi::Number::New(Env(), registry::Add(std::move(tok_)))); }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  std::string path_;
  Napi::Promise::Deferred deferred_;
  std::shared_ptr<const Tokenizer> tok_;
};

Napi::Uint32Array ToArray(Napi::Env env, const std::vector<uint32_t>& ids) {
  Napi::Uint32Array a = Napi::Uint32Array::New(env, ids.size());
  if (!ids.empty()) std::memcpy(a.Data(), ids.data(), ids.size() * sizeof(uint32_t));
  return a;
}

Napi::Value Load(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&]() -> Napi::Value {
    if (info.Length() < 1 || !info[0].IsString()) ThrowType(info.Env(), kLoadUsage, "file must be a string");
    std::string path = info[0].As<Napi::String>().Utf8Value();
    if (path.empty()) ThrowType(info.Env(), kLoadUsage, "file must not be empty");
    auto* w = new LoadWorker(info.Env(), std::move(path));
    Napi::Promise p = w->Promise();
    w->Queue();
    return p;
  });
}

Napi::Value Free(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&]() -> Napi::Value {
    registry::Remove(U32Arg(info, 0, kFreeUsage, "handle"));  // unknown handles: no-op
    return info.Env().Undefined();
  });
}

Napi::Value Info(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&]() -> Napi::Value {
    Napi::Env env = info.Env();
    auto t = HandleArg(info, 0, kInfoUsage);
    const TokenizerInfo& ti = t->info();
    Napi::Object o = Napi::Object::New(env);
    o.Set("vocabSize", Napi::Number::New(env, ti.vocab_size));
    o.Set("kind", Napi::String::New(env, ti.kind));
    o.Set("model", Napi::String::New(env, ti.model));
    Napi::Array specials = Napi::Array::New(env, ti.special_tokens.size());
    for (size_t i = 0; i < ti.special_tokens.size(); ++i) {
      Napi::Object s = Napi::Object::New(env);
      s.Set("content", Napi::String::New(env, ti.special_tokens[i].first));
      s.Set("id", Napi::Number::New(env, ti.special_tokens[i].second));
      specials.Set(static_cast<uint32_t>(i), s);
    }
    o.Set("specialTokens", specials);
    if (!ti.bos_token.empty()) o.Set("bosToken", Napi::String::New(env, ti.bos_token));
    if (!ti.eos_token.empty()) o.Set("eosToken", Napi::String::New(env, ti.eos_token));
    return o;
  });
}

Napi::Value Encode(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&]() -> Napi::Value {
    thread_local std::string buf;
    thread_local std::vector<uint32_t> ids;
    auto t = HandleArg(info, 0, kEncodeUsage);
    std::string_view text = Utf8Arg(info, 1, kEncodeUsage, "text", &buf);
    bool add = BoolArg(info, 2, kEncodeUsage, "addSpecialTokens");
    t->Encode(text, add, &ids);
    return ToArray(info.Env(), ids);
  });
}

Napi::Value EncodeBatch(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&]() -> Napi::Value {
    Napi::Env env = info.Env();
    thread_local std::string buf;
    thread_local std::vector<uint32_t> ids;
    auto t = HandleArg(info, 0, kBatchUsage);
    if (info.Length() < 2 || !info[1].IsArray()) ThrowType(env, kBatchUsage, "texts must be an array of strings");
    bool add = BoolArg(info, 2, kBatchUsage, "addSpecialTokens");
    Napi::Array texts = info[1].As<Napi::Array>();
    const uint32_t n = texts.Length();
    Napi::Array out = Napi::Array::New(env, n);
    for (uint32_t i = 0; i < n; ++i) {
      Napi::Value v = texts.Get(i);
      if (!v.IsString()) ThrowType(env, kBatchUsage, "texts[" + std::to_string(i) + "] must be a string");
      t->Encode(wrap::Utf8Of(env, v, &buf), add, &ids);
      out.Set(i, ToArray(env, ids));
    }
    return out;
  });
}

Napi::Value Decode(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&]() -> Napi::Value {
    Napi::Env env = info.Env();
    auto t = HandleArg(info, 0, kDecodeUsage);
    if (info.Length() < 2 || !info[1].IsTypedArray() ||
        info[1].As<Napi::TypedArray>().TypedArrayType() != napi_uint32_array) {
      ThrowType(env, kDecodeUsage, "ids must be a Uint32Array");
    }
    bool skip = BoolArg(info, 2, kDecodeUsage, "skipSpecialTokens");
    Napi::Uint32Array ids = info[1].As<Napi::Uint32Array>();
    const uint32_t* data = ids.Data();
    const size_t n = ids.ElementLength();
    const uint32_t vocab = t->info().vocab_size;
    for (size_t i = 0; i < n; ++i) {
      if (data[i] >= vocab) {
        throw Napi::RangeError::New(env, "tokenizerDecode: token id " + std::to_string(data[i]) + " at index " +
                                             std::to_string(i) + " is out of range (vocab size " +
                                             std::to_string(vocab) + ")");
      }
    }
    return Napi::String::New(env, t->Decode(data, n, skip));
  });
}

Napi::Value TokenToId(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&]() -> Napi::Value {
    thread_local std::string buf;
    auto t = HandleArg(info, 0, kToIdUsage);
    std::string_view token = Utf8Arg(info, 1, kToIdUsage, "token", &buf);
    uint32_t id;
    if (!t->TokenToId(token, &id)) return info.Env().Undefined();
    return Napi::Number::New(info.Env(), id);
  });
}

Napi::Value IdToToken(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&]() -> Napi::Value {
    auto t = HandleArg(info, 0, kToTokenUsage);
    uint32_t id = U32Arg(info, 1, kToTokenUsage, "id");
    std::string token;
    if (!t->IdToToken(id, &token)) return info.Env().Undefined();
    return Napi::String::New(info.Env(), token);
  });
}

}  // namespace

void RegisterTokenizer(Napi::Env env, Napi::Object exports) {
  exports.Set("tokenizerLoad", Napi::Function::New(env, Load, "tokenizerLoad"));
  exports.Set("tokenizerFree", Napi::Function::New(env, Free, "tokenizerFree"));
  exports.Set("tokenizerInfo", Napi::Function::New(env, Info, "tokenizerInfo"));
  exports.Set("tokenizerEncode", Napi::Function::New(env, Encode, "tokenizerEncode"));
  exports.Set("tokenizerEncodeBatch", Napi::Function::New(env, EncodeBatch, "tokenizerEncodeBatch"));
  exports.Set("tokenizerDecode", Napi::Function::New(env, Decode, "tokenizerDecode"));
  exports.Set("tokenizerTokenToId", Napi::Function::New(env, TokenToId, "tokenizerTokenToId"));
  exports.Set("tokenizerIdToToken", Napi::Function::New(env, IdToToken, "tokenizerIdToToken"));
  exports.Set("TokenizerDecodeStream", DefineDecodeStream(env));
}

}  // namespace collie::tok
