// The tokenizer pipeline: added tokens -> normalizer -> normalized added tokens ->
// pre-tokenizer -> BPE model -> post-processor, and the reverse decode. Immutable after
// construction and safe to share between threads (per-thread scratch and caches only).
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "added_vocab.h"
#include "bpe.h"
#include "decoder.h"
#include "normalizer.h"
#include "post_processor.h"
#include "pre_tokenizer.h"

namespace collie::tok {

struct TokenizerInfo {
  std::string kind;   // "hf" | "tiktoken"
  std::string model;  // "byte_level_bpe" | "sentencepiece_bpe" | "tiktoken"
  uint32_t vocab_size = 0;  // max id + 1 over model and added tokens
  std::vector<std::pair<std::string, uint32_t>> special_tokens;
  std::string bos_token, eos_token;  // empty: unknown
};

struct TokenizerParts {
  std::unique_ptr<Normalizer> normalizer;
  std::unique_ptr<PreTokenizer> pre_tokenizer;
  std::unique_ptr<BpeModel> model;
  std::unique_ptr<PostProcessor> post_processor;
  std::unique_ptr<Decoder> decoder;
  std::vector<AddedToken> added_tokens;
  // Keep the added tokens' ids as given (tiktoken) instead of HF's assignment.
  bool explicit_added_ids = false;
  TokenizerInfo info;  // kind, model, bos/eos; the rest is filled in by the constructor
};

class Tokenizer {
 public:
  explicit Tokenizer(TokenizerParts parts);

  // Loads a tokenizer.json (with its sibling tokenizer_config.json), a *.tiktoken file, or a
  // directory holding either. Throws LoadError with a message fit for users.
  static std::shared_ptr<const Tokenizer> Load(const std::string& path);

  // Replaces *out with the ids of text. add_special_tokens applies the post-processor.
  void Encode(std::string_view text, bool add_special_tokens, std::vector<uint32_t>* out) const;
  // Every id must be < info().vocab_size (the caller checks). Ids without a token are skipped.
  std::string Decode(const uint32_t* ids, size_t n, bool skip_special_tokens) const;

  bool TokenToId(std::string_view token, uint32_t* id) const;
  // False when the id has no token.
  bool IdToToken(uint32_t id, std::string* token) const;
  const TokenizerInfo& info() const { return info_; }
  // A process-unique id (never reused), used to key per-thread caches.
  uint64_t uid() const { return uid_; }

 private:
  struct Scratch;
  void EncodeGap(std::string_view text, bool at_start, Scratch* s, std::vector<uint32_t>* out) const;
  void EncodeNormalized(std::string_view text, bool at_start, Scratch* s, std::vector<uint32_t>* out) const;
  void EncodePieces(std::string_view text, bool at_start, Scratch* s, std::vector<uint32_t>* out) const;
  void EncodeWord(std::string_view word, std::vector<uint32_t>* out) const;
  // Token string for decoding, nullptr to skip.
  const std::string* DecodeToken(uint32_t id, bool skip_special) const;

  std::unique_ptr<Normalizer> normalizer_;
  std::unique_ptr<PreTokenizer> pre_tokenizer_;
  std::unique_ptr<BpeModel> model_;
  std::unique_ptr<PostProcessor> post_processor_;
  std::unique_ptr<Decoder> decoder_;
  AddedVocab added_;
  TokenizerInfo info_;
  uint64_t uid_;
  bool split_metaspace_ = false;  // see BpeModel::metaspace_split_safe
  // Pure ByteLevel decoder: each id's bytes, concatenated into one arena.
  std::string decode_bytes_;
  std::vector<uint32_t> decode_offsets_;  // id -> [offsets[id], offsets[id+1])
};

}  // namespace collie::tok
