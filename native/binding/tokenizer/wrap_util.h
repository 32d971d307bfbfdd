// Shared argument helpers of the tokenizer binding (tokenizer_wrap.cc, decode_stream_wrap.cc),
// on top of the exception discipline in ../guard.h.
#pragma once
#include <napi.h>

#include <cmath>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "../guard.h"
#include "../../tokenizer/registry.h"
#include "../../tokenizer/tokenizer.h"

namespace collie::tok::wrap {

using binding::ThrowType;

template <typename F>
Napi::Value Guard(Napi::Env env, F&& body) {
  return binding::Guard(env, "collie tokenizer", std::forward<F>(body));
}

// A non-negative integer number <= max.
inline uint32_t U32Arg(const Napi::CallbackInfo& info, size_t idx, const char* usage, const char* name,
                       double max = 4294967295.0) {
  if (info.Length() <= idx || !info[idx].IsNumber()) ThrowType(info.Env(), usage, std::string(name) + " must be a number");
  double v = info[idx].As<Napi::Number>().DoubleValue();
  if (!(v >= 0 && v <= max) || v != std::floor(v)) {
    ThrowType(info.Env(), usage, std::string(name) + " must be a non-negative integer");
  }
  return static_cast<uint32_t>(v);
}

inline bool BoolArg(const Napi::CallbackInfo& info, size_t idx, const char* usage, const char* name) {
  if (info.Length() <= idx || !info[idx].IsBoolean()) ThrowType(info.Env(), usage, std::string(name) + " must be a boolean");
  return info[idx].As<Napi::Boolean>().Value();
}

inline std::shared_ptr<const Tokenizer> HandleArg(const Napi::CallbackInfo& info, size_t idx, const char* usage) {
  uint32_t h = U32Arg(info, idx, usage, "handle");
  std::shared_ptr<const Tokenizer> t = registry::Get(h);
  if (!t) ThrowType(info.Env(), usage, "tokenizer handle " + std::to_string(h) + " is not loaded (never loaded or freed)");
  return t;
}

inline std::string_view Utf8Of(napi_env env, napi_value v, std::string* buf) {
  size_t len = 0;
  napi_get_value_string_utf8(env, v, nullptr, 0, &len);
  buf->resize(len + 1);
  napi_get_value_string_utf8(env, v, buf->data(), len + 1, &len);
  return std::string_view(buf->data(), len);
}

// UTF-8 of a JS string into *buf (reused); lone surrogates arrive as U+FFFD.
inline std::string_view Utf8Arg(const Napi::CallbackInfo& info, size_t idx, const char* usage, const char* name,
                                std::string* buf) {
  if (info.Length() <= idx || !info[idx].IsString()) ThrowType(info.Env(), usage, std::string(name) + " must be a string");
  return Utf8Of(info.Env(), info[idx], buf);
}

}  // namespace collie::tok::wrap
