// Decoders of tokenizer.json ("decoder"): ByteLevel, Replace, ByteFallback, Fuse, Strip,
// Metaspace, Sequence, with HF's decode_chain semantics (token strings in, strings out; the
// final result is their concatenation).
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "json.h"

namespace collie::tok {

class Decoder {
 public:
  virtual ~Decoder() = default;
  virtual void DecodeChain(std::vector<std::string>* tokens) const = 0;
  // True when the decoder is only ByteLevel: decoding is then "concatenate each token's bytes,
  // then from_utf8_lossy", which the tokenizer does without building strings.
  virtual bool pure_byte_level() const { return false; }
};

// nullptr for absent (HF then joins the tokens with " "). Throws LoadError for unsupported types.
std::unique_ptr<Decoder> MakeDecoder(json::Value v);

// ByteLevel's per-token byte form: the mapped bytes when every char is in GPT-2's table,
// else the token's own UTF-8 (HF's fallback).
void ByteLevelTokenBytes(const std::string& token, std::string* out);

}  // namespace collie::tok
