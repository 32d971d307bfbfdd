// N-API glue only: validate arguments, copy inputs, call the pure core, build results.
// Every method body runs inside Guard, so no C++ exception escapes as anything but a JS
// Error (argument problems are TypeErrors with the method's usage in the message).
#include "prefix_index_wrap.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

#include "guard.h"
#include "prefix_index_args.h"

namespace collie {
namespace {

using binding::ThrowType;

template <typename F>
Napi::Value Guard(Napi::Env env, F&& body) {
  return binding::Guard(env, "collie native prefix index", std::forward<F>(body));
}

constexpr const char* kMatchUsage = "match(model: string, hashes: BigUint64Array)";
constexpr const char* kMatchIntoUsage =
    "matchInto(model: string, hashes: BigUint64Array, out: Uint32Array, limit?: number)";
constexpr const char* kInsertUsage =
    "insert(model: string, worker: number, hashes: BigUint64Array, tick: number)";
constexpr const char* kCapacityUsage = "setCapacity(worker: number, blocks: number)";
constexpr const char* kRemoveUsage = "removeWorker(worker: number)";
constexpr const char* kClearUsage = "clear(model?: string)";

}  // namespace

Napi::Function PrefixIndexWrap::Define(Napi::Env env) {
  return DefineClass(env, "PrefixIndex",
                     {
                         InstanceMethod("match", &PrefixIndexWrap::Match),
                         InstanceMethod("matchInto", &PrefixIndexWrap::MatchInto),
                         InstanceMethod("insert", &PrefixIndexWrap::Insert),
                         InstanceMethod("setCapacity", &PrefixIndexWrap::SetCapacity),
                         InstanceMethod("removeWorker", &PrefixIndexWrap::RemoveWorker),
                         InstanceMethod("clear", &PrefixIndexWrap::Clear),
                         InstanceMethod("stats", &PrefixIndexWrap::Stats),
                         InstanceMethod("configureText", &PrefixIndexWrap::ConfigureText),
                         InstanceMethod("lookupText", &PrefixIndexWrap::LookupText),
                         InstanceMethod("insertLast", &PrefixIndexWrap::InsertLast),
                         InstanceMethod("takePending", &PrefixIndexWrap::TakePending),
                     });
}

PrefixIndexWrap::PrefixIndexWrap(const Napi::CallbackInfo& info)
    : Napi::ObjectWrap<PrefixIndexWrap>(info) {
  if (info.Length() > 0 && !info[0].IsUndefined()) {
    throw Napi::TypeError::New(info.Env(), "new PrefixIndex() takes no arguments");
  }
}

void PrefixIndexWrap::WriteMatches(uint32_t* out, size_t room) const {
  size_t pairs = std::min(matches_.size(), room / 2);
  for (size_t i = 0; i < pairs; ++i) {
    out[2 * i] = matches_[i].worker;
    out[2 * i + 1] = matches_[i].blocks;
  }
}

void PrefixIndexWrap::CopyHashes(const Napi::CallbackInfo& info, size_t idx, const char* usage) {
  if (info.Length() <= idx || !info[idx].IsTypedArray() ||
      info[idx].As<Napi::TypedArray>().TypedArrayType() != napi_biguint64_array) {
    ThrowType(info.Env(), usage, "hashes must be a BigUint64Array");
  }
  auto arr = info[idx].As<Napi::BigUint64Array>();
  // Copy before work: the core never reads JS-owned memory.
  hashes_.assign(arr.Data(), arr.Data() + arr.ElementLength());
}

// match(model, hashes) -> { total, workers: Uint32Array, lengths: Uint32Array } (desc)
Napi::Value PrefixIndexWrap::Match(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Guard(env, [&]() -> Napi::Value {
    std::string model = ModelArg(info, 0, kMatchUsage);
    CopyHashes(info, 1, kMatchUsage);
    size_t total = index_.Match(model, hashes_.data(), hashes_.size(), &matches_);
    // One backing store for both arrays: workers = [0, k), lengths = [k, 2k).
    size_t k = matches_.size();
    auto buffer = Napi::ArrayBuffer::New(env, 2 * k * sizeof(uint32_t));
    auto* data = static_cast<uint32_t*>(buffer.Data());
    for (size_t i = 0; i < k; ++i) {
      data[i] = matches_[i].worker;
      data[k + i] = matches_[i].blocks;
    }
    Napi::Object out = Napi::Object::New(env);
    out.Set("total", Napi::Number::New(env, static_cast<double>(total)));
    out.Set("workers", Napi::Uint32Array::New(env, k, buffer, 0));
    out.Set("lengths",
            Napi::Uint32Array::New(env, k, buffer, k * sizeof(uint32_t)));
    return out;
  });
}

// matchInto(model, hashes, out, limit?) -> number of matching workers (at most limit). Writes
// up to out.length / 2 (worker, length) pairs into `out` in match() order; a caller whose `out` was too small
// grows it and calls again. The allocation-free hot path (match() builds three objects).
Napi::Value PrefixIndexWrap::MatchInto(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Guard(env, [&]() -> Napi::Value {
    std::string model = ModelArg(info, 0, kMatchIntoUsage);
    CopyHashes(info, 1, kMatchIntoUsage);
    if (info.Length() <= 2 || !info[2].IsTypedArray() ||
        info[2].As<Napi::TypedArray>().TypedArrayType() != napi_uint32_array) {
      ThrowType(env, kMatchIntoUsage, "out must be a Uint32Array");
    }
    size_t limit = LimitArg(info, 3, kMatchIntoUsage);
    index_.Match(model, hashes_.data(), hashes_.size(), &matches_, limit);
    auto out = info[2].As<Napi::Uint32Array>();
    WriteMatches(out.Data(), out.ElementLength());
    return Napi::Number::New(env, static_cast<double>(matches_.size()));
  });
}

// insert(model, worker, hashes, tick) -> undefined
Napi::Value PrefixIndexWrap::Insert(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Guard(env, [&]() -> Napi::Value {
    std::string model = ModelArg(info, 0, kInsertUsage);
    uint32_t worker = WorkerArg(info, 1, kInsertUsage);
    CopyHashes(info, 2, kInsertUsage);
    auto tick = static_cast<uint64_t>(TickArg(info, 3, kInsertUsage));
    index_.Insert(model, worker, hashes_.data(), hashes_.size(), tick);
    return env.Undefined();
  });
}

// setCapacity(worker, blocks) -> undefined; Infinity means unlimited (the default)
Napi::Value PrefixIndexWrap::SetCapacity(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Guard(env, [&]() -> Napi::Value {
    uint32_t worker = WorkerArg(info, 0, kCapacityUsage);
    double blocks = IntegerArg(info, 1, kCapacityUsage, "blocks", kMaxSafeInteger, true);
    index_.SetCapacity(worker, blocks == INFINITY ? PrefixIndex::kUnlimited
                                                  : static_cast<uint64_t>(blocks));
    return env.Undefined();
  });
}

// removeWorker(worker) -> undefined
Napi::Value PrefixIndexWrap::RemoveWorker(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Guard(env, [&]() -> Napi::Value {
    index_.RemoveWorker(WorkerArg(info, 0, kRemoveUsage));
    return env.Undefined();
  });
}

// clear(model?) -> undefined
Napi::Value PrefixIndexWrap::Clear(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Guard(env, [&]() -> Napi::Value {
    if (info.Length() == 0 || info[0].IsUndefined()) {
      index_.Clear();
    } else {
      index_.ClearModel(ModelArg(info, 0, kClearUsage));
    }
    return env.Undefined();
  });
}

// stats() -> { models, blocks, holders, bytes, workers: [{ worker, blocks, capacity }] }
Napi::Value PrefixIndexWrap::Stats(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Guard(env, [&]() -> Napi::Value {
    PrefixIndexStats s = index_.Stats();
    Napi::Object out = Napi::Object::New(env);
    out.Set("models", Napi::Number::New(env, static_cast<double>(s.models)));
    out.Set("blocks", Napi::Number::New(env, static_cast<double>(s.blocks)));
    out.Set("holders", Napi::Number::New(env, static_cast<double>(s.holders)));
    out.Set("bytes", Napi::Number::New(env, static_cast<double>(s.bytes)));
    Napi::Array workers = Napi::Array::New(env, s.workers.size());
    for (uint32_t i = 0; i < s.workers.size(); ++i) {
      const WorkerStats& w = s.workers[i];
      Napi::Object o = Napi::Object::New(env);
      o.Set("worker", Napi::Number::New(env, w.worker));
      o.Set("blocks", Napi::Number::New(env, static_cast<double>(w.blocks)));
      o.Set("capacity", Napi::Number::New(env, w.capacity == PrefixIndex::kUnlimited
                                                   ? INFINITY
                                                   : static_cast<double>(w.capacity)));
      workers.Set(i, o);
    }
    out.Set("workers", workers);
    return out;
  });
}

}  // namespace collie
