// Entry points that add the tokenizer's JS surface to the addon's exports (called once per
// environment from addon.cc). Implemented in this folder.
#pragma once
#include <napi.h>

namespace collie::tok {

// tokenizerLoad/Free/Info/Encode/EncodeBatch/Decode/TokenToId/IdToToken, TokenizerDecodeStream
// (see src/native/tokenizer-addon.ts). Implemented in tokenizer_wrap.cc.
void RegisterTokenizer(Napi::Env env, Napi::Object exports);
// tokenizerRegexFindAll(pattern, text) -> Uint32Array of [start, end) UTF-16 offsets, for the
// differential tests of native/tokenizer/regex.h; also tokenizerNormalize(form, text) -> string
// and tokenizerGeneralCategory(codePoints: Uint32Array) -> Uint8Array for unicode.h's tests.
// Implemented in regex_debug.cc.
void RegisterRegexDebug(Napi::Env env, Napi::Object exports);

}  // namespace collie::tok
