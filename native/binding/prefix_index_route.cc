// The routing hot path of the JS class `PrefixIndex`, in as few N-API crossings as possible:
// lookupText hashes a routing text and matches it in one call (the hashes stay here), and
// insertLast records the chosen worker for those same hashes and queues them for
// publishing; takePending hands the queued hashes to JS once per flush.
#include <algorithm>
#include <string>
#include <utility>

#include "../core/hash.h"
#include "guard.h"
#include "prefix_index_args.h"
#include "prefix_index_wrap.h"

namespace collie {
namespace {

constexpr const char* kConfigureUsage = "configureText(blockSize: number, seed: bigint)";
constexpr const char* kLookupUsage =
    "lookupText(model: string, text: string, out: Uint32Array, limit?: number)";
constexpr const char* kInsertLastUsage =
    "insertLast(model: string, worker: number, tick: number, publish: boolean)";

template <typename F>
Napi::Value Guard(Napi::Env env, F&& body) {
  return binding::Guard(env, "collie native prefix index", std::forward<F>(body));
}

}  // namespace

// configureText(blockSize, seed) -> undefined: how lookupText cuts and hashes text
// (blocks of 4·blockSize UTF-8 bytes, chained from `seed`; see ChainedByteBlockHashes).
Napi::Value PrefixIndexWrap::ConfigureText(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Guard(env, [&]() -> Napi::Value {
    double bs = info.Length() > 0 && info[0].IsNumber() ? info[0].As<Napi::Number>().DoubleValue()
                                                        : 0;
    if (!(bs >= 1 && bs <= 1048576) || bs != static_cast<double>(static_cast<int64_t>(bs))) {
      binding::ThrowType(env, kConfigureUsage, "blockSize must be an integer in [1, 1048576]");
    }
    if (info.Length() < 2 || !info[1].IsBigInt()) {
      binding::ThrowType(env, kConfigureUsage, "seed must be a bigint");
    }
    bool lossless = false;
    text_seed_ = info[1].As<Napi::BigInt>().Uint64Value(&lossless);
    text_block_bytes_ = static_cast<size_t>(bs) * 4;
    return env.Undefined();
  });
}

// lookupText(model, text, out, limit?) -> number of matching workers (at most limit).
// Writes out[0] = the text's blocks, out[1] = that count, then (worker, length) pairs as
// matchInto does, as many as fit; the hashes are kept for insertLast.
Napi::Value PrefixIndexWrap::LookupText(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Guard(env, [&]() -> Napi::Value {
    if (text_block_bytes_ == 0) binding::ThrowType(env, kLookupUsage, "configureText() first");
    std::string model = ModelArg(info, 0, kLookupUsage);
    if (info.Length() < 3 || !info[1].IsString() || !info[2].IsTypedArray() ||
        info[2].As<Napi::TypedArray>().TypedArrayType() != napi_uint32_array) {
      binding::ThrowType(env, kLookupUsage, "text must be a string and out a Uint32Array");
    }
    size_t limit = LimitArg(info, 3, kLookupUsage);
    // One pass: a UTF-16 unit never needs more than 3 UTF-8 bytes.
    size_t units = 0;
    napi_get_value_string_utf16(env, info[1], nullptr, 0, &units);
    if (utf8_.size() < 3 * units + 1) utf8_.resize(3 * units + 1);
    size_t len = 0;
    napi_get_value_string_utf8(env, info[1], utf8_.data(), utf8_.size(), &len);
    hashes_.resize(len / text_block_bytes_);
    ChainedByteBlockHashes(reinterpret_cast<const uint8_t*>(utf8_.data()), len, text_block_bytes_,
                           text_seed_, hashes_.data(), hashes_.size());
    index_.Match(model, hashes_.data(), hashes_.size(), &matches_, limit);
    auto out = info[2].As<Napi::Uint32Array>();
    uint32_t* data = out.Data();
    size_t room = out.ElementLength();
    if (room >= 2) {
      data[0] = static_cast<uint32_t>(hashes_.size());
      data[1] = static_cast<uint32_t>(matches_.size());
    }
    if (room > 2) WriteMatches(data + 2, room - 2);
    return Napi::Number::New(env, static_cast<double>(matches_.size()));
  });
}

// insertLast(model, worker, tick, publish) -> number of blocks: records the worker as holder
// of the last lookupText/matchInto query's blocks; with publish, queues them for takePending.
Napi::Value PrefixIndexWrap::InsertLast(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Guard(env, [&]() -> Napi::Value {
    std::string model = ModelArg(info, 0, kInsertLastUsage);
    uint32_t worker = WorkerArg(info, 1, kInsertLastUsage);
    auto tick = static_cast<uint64_t>(TickArg(info, 2, kInsertLastUsage));
    if (info.Length() < 4 || !info[3].IsBoolean()) {
      binding::ThrowType(env, kInsertLastUsage, "publish must be a boolean");
    }
    index_.Insert(model, worker, hashes_.data(), hashes_.size(), tick);
    if (info[3].As<Napi::Boolean>().Value()) {
      pending_.insert(pending_.end(), hashes_.begin(), hashes_.end());
    }
    return Napi::Number::New(env, static_cast<double>(hashes_.size()));
  });
}

// takePending() -> Buffer: the hashes queued by insertLast since the last call, as
// little-endian uint64 bytes in queue order; the queue is emptied.
Napi::Value PrefixIndexWrap::TakePending(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Guard(env, [&]() -> Napi::Value {
    auto buf = Napi::Buffer<uint8_t>::Copy(env, reinterpret_cast<const uint8_t*>(pending_.data()),
                                           pending_.size() * sizeof(uint64_t));
    pending_.clear();
    return buf;
  });
}

}  // namespace collie
