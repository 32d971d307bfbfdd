// Argument readers shared by the PrefixIndex binding's files: each throws a TypeError naming
// the method's usage when an argument is missing or out of range.
#pragma once
#include <napi.h>

#include <cmath>
#include <cstdint>
#include <string>

#include "../core/prefix_index.h"
#include "guard.h"

namespace collie {

constexpr double kMaxSafeInteger = 9007199254740991.0;  // Number.MAX_SAFE_INTEGER

inline std::string ModelArg(const Napi::CallbackInfo& info, size_t idx, const char* usage) {
  if (info.Length() <= idx || !info[idx].IsString()) {
    binding::ThrowType(info.Env(), usage, "model must be a string");
  }
  return info[idx].As<Napi::String>().Utf8Value();
}

// A finite integer number in [0, max]; Infinity is accepted only when allow_infinity.
inline double IntegerArg(const Napi::CallbackInfo& info, size_t idx, const char* usage,
                         const char* name, double max, bool allow_infinity = false) {
  if (info.Length() > idx && info[idx].IsNumber()) {
    double v = info[idx].As<Napi::Number>().DoubleValue();
    if (allow_infinity && v == INFINITY) return v;
    if (v >= 0 && v <= max && v == std::floor(v)) return v;
  }
  // the message is built only on the error path: this runs on every routing decision
  binding::ThrowType(info.Env(), usage,
                     std::string(name) + " must be an integer in [0, " +
                         std::to_string(static_cast<uint64_t>(max)) + "]" +
                         (allow_infinity ? " or Infinity" : ""));
}

inline uint32_t WorkerArg(const Napi::CallbackInfo& info, size_t idx, const char* usage) {
  return static_cast<uint32_t>(
      IntegerArg(info, idx, usage, "worker", PrefixIndex::kMaxWorkers - 1.0));
}

// A recency tick: an integer in [0, 2^53).
inline double TickArg(const Napi::CallbackInfo& info, size_t idx, const char* usage) {
  return IntegerArg(info, idx, usage, "tick", kMaxSafeInteger);
}

// An optional result limit: an integer >= 1, or undefined for no limit.
inline size_t LimitArg(const Napi::CallbackInfo& info, size_t idx, const char* usage) {
  if (info.Length() <= idx || info[idx].IsUndefined()) return SIZE_MAX;
  double l = info[idx].IsNumber() ? info[idx].As<Napi::Number>().DoubleValue() : -1;
  if (!(l >= 1) || l != static_cast<double>(static_cast<int64_t>(l))) {
    binding::ThrowType(info.Env(), usage, "limit must be an integer >= 1");
  }
  return l < static_cast<double>(SIZE_MAX) ? static_cast<size_t>(l) : SIZE_MAX;
}

}  // namespace collie
