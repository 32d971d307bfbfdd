// Exception discipline shared by every N-API wrapper: argument problems throw Napi::TypeError
// with the method's usage; Guard turns any other C++ exception into a JS Error, so nothing
// else crosses into JS.
//
// Every error that leaves through Guard or ThrowType carries a stable snake_case `code`
// property (src/native/errors.ts lists them), so JS branches on the code, never on the
// message:
//   invalid_argument  a TypeError/RangeError about the call's arguments (a caller bug)
//   native_failure    a C++ exception from the engine (the message says what failed)
#pragma once
#include <napi.h>

#include <exception>
#include <string>

namespace collie::binding {

inline constexpr const char* kInvalidArgument = "invalid_argument";
inline constexpr const char* kNativeFailure = "native_failure";

// Sets err.code unless the thrower already chose one. Cost: one property lookup.
inline void DefaultCode(const Napi::Error& err, const char* code) {
  if (!err.Value().Has("code")) err.Set("code", code);
}

template <typename E>
E Coded(E err, const char* code) {
  err.Set("code", code);
  return err;
}

// Runs body; a std::exception becomes a JS Error "<component>: <what>" (code native_failure);
// a Napi::Error thrown by an argument check gets code invalid_argument if it has none.
template <typename F>
Napi::Value Guard(Napi::Env env, const char* component, F&& body) {
  try {
    return body();
  } catch (const Napi::Error& e) {
    DefaultCode(e, kInvalidArgument);
    throw;
  } catch (const std::exception& e) {
    throw Coded(Napi::Error::New(env, std::string(component) + ": " + e.what()), kNativeFailure);
  } catch (...) {
    throw Coded(Napi::Error::New(env, std::string(component) + ": unknown C++ exception"), kNativeFailure);
  }
}

[[noreturn]] inline void ThrowType(Napi::Env env, const char* usage, const std::string& what) {
  throw Coded(Napi::TypeError::New(env, std::string(usage) + ": " + what), kInvalidArgument);
}

}  // namespace collie::binding
