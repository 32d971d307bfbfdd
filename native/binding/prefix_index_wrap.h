// N-API glue for collie::PrefixIndex: the JS class `PrefixIndex`.
#pragma once
#include <napi.h>

#include <cstdint>
#include <vector>

#include "../core/prefix_index.h"

namespace collie {

class PrefixIndexWrap : public Napi::ObjectWrap<PrefixIndexWrap> {
 public:
  // Defines the class for one environment; the addon instance keeps the reference, so
  // each thread that loads the addon gets its own constructor.
  static Napi::Function Define(Napi::Env env);

  explicit PrefixIndexWrap(const Napi::CallbackInfo& info);

 private:
  Napi::Value Match(const Napi::CallbackInfo& info);
  Napi::Value MatchInto(const Napi::CallbackInfo& info);
  Napi::Value Insert(const Napi::CallbackInfo& info);
  Napi::Value SetCapacity(const Napi::CallbackInfo& info);
  Napi::Value RemoveWorker(const Napi::CallbackInfo& info);
  Napi::Value Clear(const Napi::CallbackInfo& info);
  Napi::Value Stats(const Napi::CallbackInfo& info);

  // Copies a BigUint64Array argument into hashes_ (reused buffer).
  void CopyHashes(const Napi::CallbackInfo& info, size_t idx, const char* usage);

  PrefixIndex index_;
  std::vector<uint64_t> hashes_;
  std::vector<WorkerMatch> matches_;
};

}  // namespace collie
