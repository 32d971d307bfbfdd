// The BPE model: HF `tokenizers` BPE semantics (merge the lowest-rank adjacent pair, leftmost
// first; ignore_merges; byte_fallback with <0xNN> tokens; unk with fuse_unk) over two kinds of
// input units: raw bytes (byte-level models, whose vocabulary is stored decoded from GPT-2's
// byte->char mapping) or UTF-8 chars (SentencePiece-style models). tiktoken rank files become
// a byte-level BpeModel in "rank mode": a pair merges when its concatenation is a token, lowest
// rank first, which is tiktoken's byte_pair_merge (no merge table is needed).
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "token_map.h"

namespace collie::tok {

struct BpeConfig {
  bool byte_level = false;     // units are raw bytes; vocab keys are GPT-2 byte-level strings
  bool ignore_merges = false;  // a word that is itself in the vocab is emitted as is
  bool byte_fallback = false;  // unknown chars become <0xNN> tokens when all exist
  bool fuse_unk = false;
  std::string unk_token;       // empty: none
};

class BpeModel {
 public:
  using Vocab = std::vector<std::pair<std::string_view, uint32_t>>;
  using Merges = std::vector<std::pair<std::string_view, std::string_view>>;

  // vocab: (token, id) as in the file; merges: (left, right) in rank order. Throws LoadError for
  // merges naming tokens that are not in the vocab.
  BpeModel(BpeConfig cfg, const Vocab& vocab, const Merges& merges);
  // tiktoken: raw token bytes with their ranks (= ids). A pair merges when the concatenation is
  // a token, the lower rank first (tiktoken's byte_pair_merge), so no merge table is built.
  static std::unique_ptr<BpeModel> FromRanks(const std::vector<std::pair<std::string, uint32_t>>& raw_tokens);

  // Appends the ids of one pre-tokenized word (raw bytes for byte-level models, else UTF-8).
  void EncodeWord(std::string_view word, std::vector<uint32_t>* out) const;
  // ignore_merges: the id when the whole word is a token (then EncodeWord emits just that).
  bool WholeWord(std::string_view word, uint32_t* id) const { return cfg_.ignore_merges && lookup_.Find(word, id); }

  const BpeConfig& config() const { return cfg_; }
  // Token strings as in the file (byte-level form for byte-level models), by id; "" for holes.
  const std::vector<std::string>& id_to_token() const { return id_to_token_; }
  // What the token stands for: raw bytes for byte-level models (the token's own UTF-8 when it
  // is not a byte-level string, like HF's ByteLevel decoder), else the token string.
  std::string_view Raw(uint32_t id) const {
    return std::string_view(raw_arena_.data() + raw_off_[id], raw_off_[id + 1] - raw_off_[id]);
  }
  bool TokenToId(std::string_view token, uint32_t* id) const;
  size_t vocab_entries() const { return vocab_entries_; }
  // max id + 1
  uint32_t id_space() const { return static_cast<uint32_t>(id_to_token_.size()); }
  // True when no vocab token contains U+2581 after a char other than U+2581 and no merge
  // involves a byte-fallback or unk token: then splitting SentencePiece text before each
  // "▁" that follows another char cannot change the result (no merge can cross the cut).
  bool metaspace_split_safe() const { return metaspace_split_safe_; }

 private:
  BpeModel() = default;
  void SetVocab(const Vocab& vocab);
  void BuildUnits();
  void ResolveMerges(const Merges& merges);
  void ComputeMetaspaceSafety(const Merges& merges);
  void InitialSymbols(std::string_view word, std::vector<uint32_t>* ids) const;
  void MergeSmall(std::vector<uint32_t>* ids) const;
  void MergeLarge(std::vector<uint32_t>* ids) const;
  bool PairRank(uint32_t a, uint32_t b, uint32_t* rank, uint32_t* merged) const {
    if (!rank_mode_) return merges_.Find(a, b, rank, merged);
    return ConcatRank(a, b, rank, merged);
  }
  bool ConcatRank(uint32_t a, uint32_t b, uint32_t* rank, uint32_t* merged) const;

  BpeConfig cfg_;
  std::vector<std::string> id_to_token_;
  TokenMap lookup_;  // raw bytes (byte-level) or token string (char mode) -> id
  TokenMap odd_;     // byte-level vocab strings that are not byte-level encodings -> id
  std::string raw_arena_;
  std::vector<uint32_t> raw_off_;  // id -> [raw_off_[id], raw_off_[id + 1]) in raw_arena_
  MergeMap merges_;
  bool rank_mode_ = false;
  size_t vocab_entries_ = 0;
  uint32_t unit_ids_[256];      // id of the single byte (byte-level) or ASCII char, kNoId if none
  uint32_t fallback_ids_[256];  // <0xNN>, kNoId if absent
  bool all_units_known_ = false;  // byte-level: every single byte is a token
  uint32_t unk_id_ = kNoId;
  bool metaspace_split_safe_ = false;
};

}  // namespace collie::tok
