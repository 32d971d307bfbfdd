// Added tokens (tokenizer.json "added_tokens"; tiktoken special tokens): matched before the
// model, leftmost-longest like HF's Aho-Corasick, non-normalized tokens on the raw text and
// normalized ones on each normalized piece, with HF's single_word / lstrip / rstrip rules.
// Special tokens are always recognised (HF's default encode_special_tokens = false), whether or
// not add_special_tokens is set.
#pragma once
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "token_map.h"

namespace collie::tok {

class Normalizer;

struct AddedToken {
  std::string content;
  uint32_t id = 0;
  bool single_word = false;
  bool lstrip = false;
  bool rstrip = false;
  bool normalized = false;
  bool special = false;
};

// One split of a text: an added token (id != kNoId) or a gap to tokenize normally.
struct AddedSplit {
  uint32_t begin, end;
  uint32_t id;
};

// Leftmost-longest literal matcher over a byte trie.
class LiteralMatcher {
 public:
  void Build(const std::vector<std::string>& patterns);
  bool empty() const { return nodes_.size() <= 1; }
  // Finds the next leftmost-longest match starting at or after `from`. Returns false if none;
  // else *pattern is the index into Build's list.
  bool Next(std::string_view text, size_t from, size_t* begin, size_t* end, uint32_t* pattern) const;

 private:
  struct Node {
    uint32_t first_edge = 0, edge_count = 0;
    int32_t pattern = -1;
  };
  struct Edge {
    uint8_t byte;
    uint32_t target;
  };
  std::vector<Node> nodes_;
  std::vector<Edge> edges_;
  bool first_byte_[256] = {};
  int single_first_byte_ = -1;  // >= 0 when every pattern starts with this byte (memchr scan)
};

class AddedVocab {
 public:
  // `tokens` in file order; ids are assigned like HF's AddedVocabulary::add_tokens: a content
  // already in the model vocab takes that id, otherwise the next id after the model's (or
  // after the largest added id). model_find: content -> model id; model_size: vocab entries.
  // explicit_ids: keep each token's id as given (tiktoken specials).
  template <class ModelFind>
  void Build(std::vector<AddedToken> tokens, const Normalizer* normalizer, ModelFind model_find, size_t model_size,
             bool explicit_ids);

  bool empty() const { return tokens_.empty(); }
  const std::vector<AddedToken>& tokens() const { return tokens_; }
  bool Find(std::string_view content, uint32_t* id) const { return by_content_.Find(content, id); }
  // Token by id, nullptr if the id is not an added token.
  const AddedToken* ById(uint32_t id) const;
  bool IsSpecialContent(std::string_view content) const;
  bool has_raw() const { return !raw_.empty(); }
  bool has_normalized() const { return !norm_.empty(); }

  // HF find_matches over `text` with the raw (normalized=false) or normalized trie; appends
  // splits covering the text (empty gaps omitted).
  void Split(std::string_view text, bool normalized_pass, std::vector<AddedSplit>* out) const;

 private:
  void Finish(const Normalizer* normalizer);
  std::vector<AddedToken> tokens_;
  TokenMap by_content_;
  TokenMap special_contents_;
  std::vector<int32_t> by_id_;  // id -> index into tokens_, -1 if none
  LiteralMatcher raw_, norm_;
  std::vector<uint32_t> raw_tokens_, norm_tokens_;  // pattern index -> index into tokens_
};

template <class ModelFind>
void AddedVocab::Build(std::vector<AddedToken> tokens, const Normalizer* normalizer, ModelFind model_find,
                       size_t model_size, bool explicit_ids) {
  tokens_.clear();
  uint32_t max_added = 0;
  bool any = false;
  for (AddedToken& t : tokens) {
    if (t.content.empty()) continue;
    uint32_t id;
    if (by_content_.Find(t.content, &id)) {
      // Same content again: HF updates the entry in place.
      for (AddedToken& old : tokens_) {
        if (old.content == t.content) old = t, old.id = id;
      }
      continue;
    }
    if (explicit_ids) {
      id = t.id;
    } else if (!model_find(t.content, &id)) {
      if (!any) {
        id = static_cast<uint32_t>(model_size);
      } else {
        id = (max_added >= model_size || model_size == 0) ? max_added + 1 : static_cast<uint32_t>(model_size);
      }
    }
    t.id = id;
    max_added = any ? std::max(max_added, id) : id;
    any = true;
    by_content_.Insert(t.content, id);
    tokens_.push_back(std::move(t));
  }
  Finish(normalizer);
}

}  // namespace collie::tok
