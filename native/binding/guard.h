// Exception discipline shared by every N-API wrapper: argument problems throw Napi::TypeError
// with the method's usage; Guard turns any other C++ exception into a JS Error, so nothing
// else crosses into JS.
#pragma once
#include <napi.h>

#include <exception>
#include <string>

namespace collie::binding {

// Runs body; a std::exception becomes a JS Error "<component>: <what>".
template <typename F>
Napi::Value Guard(Napi::Env env, const char* component, F&& body) {
  try {
    return body();
  } catch (const Napi::Error&) {
    throw;
  } catch (const std::exception& e) {
    throw Napi::Error::New(env, std::string(component) + ": " + e.what());
  } catch (...) {
    throw Napi::Error::New(env, std::string(component) + ": unknown C++ exception");
  }
}

[[noreturn]] inline void ThrowType(Napi::Env env, const char* usage, const std::string& what) {
  throw Napi::TypeError::New(env, std::string(usage) + ": " + what);
}

}  // namespace collie::binding
