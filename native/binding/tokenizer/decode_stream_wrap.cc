// TokenizerDecodeStream(handle, skipSpecialTokens): step(id) -> string, flush() -> string.
// The stream holds its own reference to the tokenizer, so it keeps working after
// tokenizerFree(handle).
#include "../../tokenizer/decode_stream.h"
#include "wrap_util.h"

namespace collie::tok {

namespace {

constexpr const char* kNewUsage = "new TokenizerDecodeStream(handle: number, skipSpecialTokens: boolean)";
constexpr const char* kStepUsage = "step(id: number)";

class DecodeStreamWrap : public Napi::ObjectWrap<DecodeStreamWrap> {
 public:
  explicit DecodeStreamWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<DecodeStreamWrap>(info) {
    wrap::Guard(info.Env(), [&]() -> Napi::Value {
      auto t = wrap::HandleArg(info, 0, kNewUsage);
      bool skip = wrap::BoolArg(info, 1, kNewUsage, "skipSpecialTokens");
      vocab_size_ = t->info().vocab_size;
      stream_ = std::make_unique<DecodeStream>(std::move(t), skip);
      return info.Env().Undefined();
    });
  }

  Napi::Value Step(const Napi::CallbackInfo& info) {
    return wrap::Guard(info.Env(), [&]() -> Napi::Value {
      uint32_t id = wrap::U32Arg(info, 0, kStepUsage, "id");
      if (id >= vocab_size_) {
        throw Napi::RangeError::New(info.Env(), "step: token id " + std::to_string(id) + " is out of range (vocab size " +
                                                    std::to_string(vocab_size_) + ")");
      }
      return Napi::String::New(info.Env(), stream_->Step(id));
    });
  }

  Napi::Value Flush(const Napi::CallbackInfo& info) {
    return wrap::Guard(info.Env(), [&]() -> Napi::Value { return Napi::String::New(info.Env(), stream_->Flush()); });
  }

 private:
  std::unique_ptr<DecodeStream> stream_;
  uint32_t vocab_size_ = 0;
};

}  // namespace

Napi::Function DefineDecodeStream(Napi::Env env) {
  return DecodeStreamWrap::DefineClass(env, "TokenizerDecodeStream",
                                       {
                                           DecodeStreamWrap::InstanceMethod("step", &DecodeStreamWrap::Step),
                                           DecodeStreamWrap::InstanceMethod("flush", &DecodeStreamWrap::Flush),
                                       });
}

}  // namespace collie::tok
