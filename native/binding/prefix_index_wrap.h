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
  // The routing hot path (prefix_index_route.cc).
  Napi::Value ConfigureText(const Napi::CallbackInfo& info);
  Napi::Value LookupText(const Napi::CallbackInfo& info);
  Napi::Value InsertLast(const Napi::CallbackInfo& info);
  Napi::Value TakePending(const Napi::CallbackInfo& info);

  // Writes as many (worker, length) pairs of matches_ as fit in `room` uint32 slots.
  void WriteMatches(uint32_t* out, size_t room) const;
  // Copies a BigUint64Array argument into hashes_ (reused buffer).
  void CopyHashes(const Napi::CallbackInfo& info, size_t idx, const char* usage);

  PrefixIndex index_;
  std::vector<uint64_t> hashes_;  // the last query's hashes (insertLast records these)
  std::vector<WorkerMatch> matches_;
  std::vector<char> utf8_;          // lookupText's UTF-8 scratch
  std::vector<uint64_t> pending_;   // hashes queued by insertLast for takePending
  size_t text_block_bytes_ = 0;     // configureText: 4 · blockSize
  uint64_t text_seed_ = 0;
};

}  // namespace collie
