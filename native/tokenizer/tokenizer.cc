#include "tokenizer.h"

#include <atomic>
#include <cstring>

#include "utf8_lossy.h"

namespace collie::tok {

namespace {

std::atomic<uint64_t> g_next_uid{1};

const char kMeta[] = "\xE2\x96\x81";  // U+2581, SentencePiece's space

// Per-thread word -> ids cache, 2-way set associative (LRU within a set), keyed by the
// tokenizer's uid so tokenizers can share it. Bounded: 16384 * 64 bytes = 1 MB per thread.
class WordCache {
 public:
  static constexpr size_t kMaxKey = 25;
  static constexpr size_t kMaxIds = 8;

  bool Get(uint32_t uid, std::string_view w, std::vector<uint32_t>* out) {
    Slot* set = Set(uid, w);
    for (int k = 0; k < 2; ++k) {
      Slot& s = set[k];
      if (s.uid == uid && s.len == w.size() && std::memcmp(s.key, w.data(), w.size()) == 0) {
        out->insert(out->end(), s.ids, s.ids + s.nids);
        set[0].lru_way = static_cast<uint8_t>(1 - k);
        return true;
      }
    }
    return false;
  }
  void Put(uint32_t uid, std::string_view w, const uint32_t* ids, size_t n) {
    Slot* set = Set(uid, w);
    int k = set[0].lru_way;
    Slot& s = set[k];
    s.uid = uid;
    s.len = static_cast<uint8_t>(w.size());
    s.nids = static_cast<uint8_t>(n);
    std::memcpy(s.key, w.data(), w.size());
    std::memcpy(s.ids, ids, n * sizeof(uint32_t));
    set[0].lru_way = static_cast<uint8_t>(1 - k);
  }

 private:
  static constexpr size_t kSets = 8192;
  struct Slot {
    uint32_t uid = 0;  // 0: empty (tokenizer uids start at 1)
    uint8_t len = 0, nids = 0;
    uint8_t lru_way = 0;  // meaningful in way 0 of a set
    char key[kMaxKey];
    uint32_t ids[kMaxIds];
  };
  Slot* Set(uint32_t uid, std::string_view w) {
    size_t h = static_cast<size_t>(HashBytes(w) ^ (uid * 0x9E3779B97F4A7C15ull));
    return &slots_[(h & (kSets - 1)) * 2];
  }
  static_assert(sizeof(Slot) == 64, "one cache line per slot");
  Slot slots_[kSets * 2];
};

WordCache& ThreadWordCache() {
  thread_local std::unique_ptr<WordCache> cache(new WordCache());
  return *cache;
}

}  // namespace

struct Tokenizer::Scratch {
  Arena arena;
  std::string norm;
  std::vector<AddedSplit> raw_splits, norm_splits;
  std::vector<Piece> in, out;
};

Tokenizer::Tokenizer(TokenizerParts parts)
    : normalizer_(std::move(parts.normalizer)),
      pre_tokenizer_(std::move(parts.pre_tokenizer)),
      model_(std::move(parts.model)),
      post_processor_(std::move(parts.post_processor)),
      decoder_(std::move(parts.decoder)),
      info_(std::move(parts.info)),
      uid_(g_next_uid.fetch_add(1)) {
  added_.Build(
      std::move(parts.added_tokens), normalizer_.get(),
      [&](const std::string& c, uint32_t* id) { return model_->TokenToId(c, id); }, model_->vocab_entries(),
      parts.explicit_added_ids);
  info_.vocab_size = model_->id_space();
  info_.special_tokens.clear();
  for (const AddedToken& t : added_.tokens()) {
    info_.vocab_size = std::max(info_.vocab_size, t.id + 1);
    if (t.special) info_.special_tokens.emplace_back(t.content, t.id);
  }
  split_metaspace_ = !pre_tokenizer_ && model_->metaspace_split_safe();
  if (decoder_ && decoder_->pure_byte_level()) {
    decode_offsets_.assign(static_cast<size_t>(info_.vocab_size) + 1, 0);
    std::string bytes;
    for (uint32_t id = 0; id < info_.vocab_size; ++id) {
      decode_offsets_[id] = static_cast<uint32_t>(decode_bytes_.size());
      if (const AddedToken* t = added_.ById(id)) {
        ByteLevelTokenBytes(t->content, &bytes);
        decode_bytes_ += bytes;
      } else if (id < model_->id_space() && model_->config().byte_level) {
        decode_bytes_ += model_->Raw(id);
      } else if (id < model_->id_space()) {
        ByteLevelTokenBytes(model_->id_to_token()[id], &bytes);
        decode_bytes_ += bytes;
      }
    }
    decode_offsets_[info_.vocab_size] = static_cast<uint32_t>(decode_bytes_.size());
  }
}

void Tokenizer::Encode(std::string_view text, bool add_special_tokens, std::vector<uint32_t>* out) const {
  thread_local Scratch scratch;
  Scratch* s = &scratch;
  s->arena.Reset();
  out->clear();
  out->reserve(text.size() / 3 + 8);
  if (added_.has_raw()) {
    s->raw_splits.clear();
    added_.Split(text, false, &s->raw_splits);
    for (const AddedSplit& sp : s->raw_splits) {
      if (sp.id != kNoId) {
        out->push_back(sp.id);
      } else {
        EncodeGap(text.substr(sp.begin, sp.end - sp.begin), sp.begin == 0, s, out);
      }
    }
  } else if (!text.empty()) {
    EncodeGap(text, true, s, out);
  }
  if (add_special_tokens && post_processor_) post_processor_->Process(out);
}

void Tokenizer::EncodeGap(std::string_view text, bool at_start, Scratch* s, std::vector<uint32_t>* out) const {
  std::string_view view = text;
  if (normalizer_) {
    normalizer_->Normalize(text, &s->norm);
    view = s->norm;
  }
  if (view.empty()) return;
  if (!added_.has_normalized()) {
    EncodePieces(view, at_start, s, out);
    return;
  }
  s->norm_splits.clear();
  added_.Split(view, true, &s->norm_splits);
  for (const AddedSplit& sp : s->norm_splits) {
    if (sp.id != kNoId) {
      out->push_back(sp.id);
    } else {
      EncodePieces(view.substr(sp.begin, sp.end - sp.begin), at_start && sp.begin == 0, s, out);
    }
  }
}

void Tokenizer::EncodePieces(std::string_view text, bool at_start, Scratch* s, std::vector<uint32_t>* out) const {
  if (pre_tokenizer_) {
    s->in.assign(1, Piece{text, at_start});
    s->out.clear();
    pre_tokenizer_->Apply(s->in, &s->out, &s->arena);
    for (const Piece& p : s->out) EncodeWord(p.text, out);
    return;
  }
  if (!split_metaspace_) {
    EncodeWord(text, out);
    return;
  }
  // Cut before every U+2581 that follows another char (safe: no merge crosses such a cut).
  size_t start = 0;
  size_t pos = text.find(kMeta, 1);
  while (pos != std::string_view::npos) {
    bool after_meta = pos >= 3 && text.compare(pos - 3, 3, kMeta) == 0;
    if (!after_meta) {
      EncodeWord(text.substr(start, pos - start), out);
      start = pos;
    }
    pos = text.find(kMeta, pos + 3);
  }
  EncodeWord(text.substr(start), out);
}

void Tokenizer::EncodeWord(std::string_view word, std::vector<uint32_t>* out) const {
  if (word.empty()) return;
  uint32_t whole;
  if (model_->WholeWord(word, &whole)) {  // one probe: cheaper than the cache
    out->push_back(whole);
    return;
  }
  if (word.size() > WordCache::kMaxKey) {
    model_->EncodeWord(word, out);
    return;
  }
  WordCache& cache = ThreadWordCache();
  if (cache.Get(static_cast<uint32_t>(uid_), word, out)) return;
  size_t before = out->size();
  model_->EncodeWord(word, out);
  size_t n = out->size() - before;
  if (n <= WordCache::kMaxIds) cache.Put(static_cast<uint32_t>(uid_), word, out->data() + before, n);
}

const std::string* Tokenizer::DecodeToken(uint32_t id, bool skip_special) const {
  if (const AddedToken* t = added_.ById(id)) {
    if (skip_special && t->special) return nullptr;
    return &t->content;
  }
  if (id >= model_->id_space()) return nullptr;
  const std::string& tok = model_->id_to_token()[id];
  if (tok.empty()) return nullptr;
  if (skip_special && added_.IsSpecialContent(tok)) return nullptr;
  return &tok;
}

std::string Tokenizer::Decode(const uint32_t* ids, size_t n, bool skip_special_tokens) const {
  std::string result;
  if (!decode_offsets_.empty()) {
    thread_local std::string bytes;
    bytes.clear();
    for (size_t i = 0; i < n; ++i) {
      uint32_t id = ids[i];
      if (id >= info_.vocab_size) continue;
      if (skip_special_tokens && DecodeToken(id, true) == nullptr) continue;
      bytes.append(decode_bytes_, decode_offsets_[id], decode_offsets_[id + 1] - decode_offsets_[id]);
    }
    AppendUtf8Lossy(bytes, &result);
    return result;
  }
  std::vector<std::string> tokens;
  tokens.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    if (const std::string* t = DecodeToken(ids[i], skip_special_tokens)) tokens.push_back(*t);
  }
  if (!decoder_) {
    for (size_t i = 0; i < tokens.size(); ++i) {
      if (i) result.push_back(' ');
      result += tokens[i];
    }
    return result;
  }
  decoder_->DecodeChain(&tokens);
  for (const std::string& t : tokens) result += t;
  return result;
}

bool Tokenizer::TokenToId(std::string_view token, uint32_t* id) const {
  return added_.Find(token, id) || model_->TokenToId(token, id);
}

bool Tokenizer::IdToToken(uint32_t id, std::string* token) const {
  if (const AddedToken* t = added_.ById(id)) {
    *token = t->content;
    return true;
  }
  if (id >= model_->id_space() || model_->id_to_token()[id].empty()) return false;
  *token = model_->id_to_token()[id];
  return true;
}

}  // namespace collie::tok
