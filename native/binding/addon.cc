// N-API glue only: validate arguments, copy inputs, call the pure core, build results.
// Context-aware (Napi::Addon), so every worker thread can load its own instance.
#include <napi.h>

#include <string>
#include <vector>

#include "../core/hash.h"
#include "prefix_index_wrap.h"
#include "tokenizer/register.h"

namespace {

uint64_t SeedArg(const Napi::CallbackInfo& info, size_t idx) {
  if (info.Length() <= idx || info[idx].IsUndefined()) return 0;
  if (!info[idx].IsBigInt()) {
    throw Napi::TypeError::New(info.Env(), "seed must be a bigint");
  }
  bool lossless = false;
  return info[idx].As<Napi::BigInt>().Uint64Value(&lossless);
}

class CollieAddon : public Napi::Addon<CollieAddon> {
 public:
  CollieAddon(Napi::Env env, Napi::Object exports) {
    // The class is defined per environment and its constructor is owned by this addon
    // instance, so a worker thread's PrefixIndex never touches another thread's isolate.
    Napi::Function prefix_index = collie::PrefixIndexWrap::Define(env);
    prefix_index_ctor_ = Napi::Persistent(prefix_index);
    DefineAddon(exports, {
                             InstanceMethod("hash64", &CollieAddon::Hash64),
                             InstanceMethod("chainedBlockHashes", &CollieAddon::BlockHashes),
                             InstanceMethod("textBlockHashesInto", &CollieAddon::TextBlockHashesInto),
                             InstanceValue("PrefixIndex", prefix_index, napi_enumerable),
                         });
    collie::tok::RegisterTokenizer(env, exports);
    collie::tok::RegisterRegexDebug(env, exports);
  }

 private:
  Napi::FunctionReference prefix_index_ctor_;

  // hash64(data: string | Uint8Array, seed?: bigint) -> bigint
  Napi::Value Hash64(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (info.Length() < 1) {
      throw Napi::TypeError::New(env, "hash64(data, seed?) expects a string or Uint8Array");
    }
    uint64_t seed = SeedArg(info, 1);
    if (info[0].IsString()) {
      std::string s = info[0].As<Napi::String>().Utf8Value();
      return Napi::BigInt::New(
          env, collie::Hash64(reinterpret_cast<const uint8_t*>(s.data()), s.size(), seed));
    }
    if (info[0].IsTypedArray()) {
      auto ta = info[0].As<Napi::TypedArray>();
      if (ta.TypedArrayType() == napi_uint8_array) {
        auto u8 = ta.As<Napi::Uint8Array>();
        return Napi::BigInt::New(env, collie::Hash64(u8.Data(), u8.ByteLength(), seed));
      }
    }
    throw Napi::TypeError::New(env, "hash64(data, seed?) expects a string or Uint8Array");
  }

  // chainedBlockHashes(tokens: Uint32Array, blockSize: number, seed?: bigint) -> BigUint64Array
  Napi::Value BlockHashes(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (info.Length() < 2 || !info[0].IsTypedArray() ||
        info[0].As<Napi::TypedArray>().TypedArrayType() != napi_uint32_array) {
      throw Napi::TypeError::New(env, "chainedBlockHashes(tokens: Uint32Array, blockSize, seed?)");
    }
    if (!info[1].IsNumber()) throw Napi::TypeError::New(env, "blockSize must be a number");
    double bs = info[1].As<Napi::Number>().DoubleValue();
    if (!(bs >= 1 && bs <= 1048576) || bs != static_cast<double>(static_cast<int64_t>(bs))) {
      throw Napi::RangeError::New(env, "blockSize must be an integer in [1, 1048576]");
    }
    uint64_t seed = SeedArg(info, 2);
    auto tokens = info[0].As<Napi::Uint32Array>();
    size_t block = static_cast<size_t>(bs);
    // Copy the input before work so nothing aliases JS memory during the computation.
    std::vector<uint32_t> copy(tokens.Data(), tokens.Data() + tokens.ElementLength());
    size_t n = copy.size() / block;
    auto out = Napi::BigUint64Array::New(env, n);
    collie::ChainedBlockHashes(copy.data(), copy.size(), block, seed, out.Data(), n);
    return out;
  }

  // textBlockHashesInto(text: string, blockSize, seed: bigint, out: BigUint64Array) -> number
  // Chained hashes of the text's UTF-8 bytes in blocks of 4·blockSize bytes (equal to
  // chainedBlockHashes over the bytes as 4-byte pseudo-tokens). Writes at most out.length
  // hashes and returns how many the text has; allocates nothing per call on the JS heap.
  Napi::Value TextBlockHashesInto(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (info.Length() < 4 || !info[0].IsString() || !info[1].IsNumber() || !info[2].IsBigInt() ||
        !info[3].IsTypedArray() ||
        info[3].As<Napi::TypedArray>().TypedArrayType() != napi_biguint64_array) {
      throw Napi::TypeError::New(
          env, "textBlockHashesInto(text: string, blockSize, seed: bigint, out: BigUint64Array)");
    }
    double bs = info[1].As<Napi::Number>().DoubleValue();
    if (!(bs >= 1 && bs <= 1048576) || bs != static_cast<double>(static_cast<int64_t>(bs))) {
      throw Napi::RangeError::New(env, "blockSize must be an integer in [1, 1048576]");
    }
    uint64_t seed = SeedArg(info, 2);
    // UTF-8 of the string into a reused per-instance buffer (one per thread's addon instance).
    // One pass: a UTF-16 unit never needs more than 3 UTF-8 bytes, so a buffer of
    // 3·length + 1 cannot truncate and no separate length pass is needed.
    size_t units = 0;
    napi_status st = napi_get_value_string_utf16(env, info[0], nullptr, 0, &units);
    if (st != napi_ok) throw Napi::TypeError::New(env, "text must be a string");
    if (utf8_.size() < 3 * units + 1) utf8_.resize(3 * units + 1);
    size_t len = 0;
    napi_get_value_string_utf8(env, info[0], utf8_.data(), utf8_.size(), &len);
    auto out = info[3].As<Napi::BigUint64Array>();
    size_t n = collie::ChainedByteBlockHashes(reinterpret_cast<const uint8_t*>(utf8_.data()), len,
                                              static_cast<size_t>(bs) * 4, seed, out.Data(),
                                              out.ElementLength());
    return Napi::Number::New(env, static_cast<double>(n));
  }

  std::vector<char> utf8_;
};

}  // namespace

NODE_API_ADDON(CollieAddon)
