// BpeModel construction: vocabulary tables, merge resolution (in parallel for big files),
// tiktoken ranks.
#include <algorithm>
#include <cstdio>
#include <thread>

#include "bpe.h"
#include "byte_level.h"
#include "errors.h"

namespace collie::tok {

namespace {

std::string FallbackName(unsigned b) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "<0x%02X>", b);
  return buf;
}

// Runs fn(begin, end) over [0, n) on up to 4 threads (one when n is small).
template <class Fn>
void ParallelChunks(size_t n, Fn fn) {
  size_t threads = std::min<size_t>(4, std::max(1u, std::thread::hardware_concurrency()));
  if (n < 50000 || threads < 2) {
    fn(size_t{0}, n);
    return;
  }
  std::vector<std::thread> pool;
  size_t chunk = (n + threads - 1) / threads;
  for (size_t t = 1; t < threads; ++t) {
    size_t b = std::min(n, t * chunk), e = std::min(n, b + chunk);
    pool.emplace_back([=] { fn(b, e); });
  }
  fn(size_t{0}, std::min(n, chunk));
  for (std::thread& th : pool) th.join();
}

}  // namespace

BpeModel::BpeModel(BpeConfig cfg, const Vocab& vocab, const Merges& merges) : cfg_(std::move(cfg)) {
  SetVocab(vocab);
  BuildUnits();
  ResolveMerges(merges);
  if (!cfg_.unk_token.empty() && !TokenToId(cfg_.unk_token, &unk_id_)) {
    throw LoadError("BPE unk_token '" + cfg_.unk_token + "' is not in the vocabulary");
  }
  ComputeMetaspaceSafety(merges);
}

void BpeModel::SetVocab(const Vocab& vocab) {
  uint32_t max_id = 0;
  for (const auto& e : vocab) max_id = std::max(max_id, e.second);
  const size_t n = vocab.empty() ? 0 : static_cast<size_t>(max_id) + 1;
  id_to_token_.assign(n, std::string());
  std::vector<std::string_view> raw_of(n);
  std::string raw_buf;
  raw_buf.reserve(vocab.size() * 8);
  std::vector<std::pair<uint32_t, uint32_t>> spans(n, {0, 0});  // id -> raw span in raw_buf
  lookup_.Reserve(vocab.size());
  for (const auto& [tok, id] : vocab) {
    id_to_token_[id] = std::string(tok);  // a later duplicate id wins, like HF's vocab_r
    uint32_t off = static_cast<uint32_t>(raw_buf.size());
    if (!cfg_.byte_level) {
      raw_buf.append(tok);
      lookup_.Insert(tok, id);
    } else {
      thread_local std::string raw;
      if (ByteLevelToBytes(tok, &raw)) {
        raw_buf.append(raw);
        lookup_.Insert(raw, id);
      } else {
        raw_buf.append(tok);  // HF's ByteLevel decoder uses such a token's own bytes
        odd_.Insert(tok, id);
      }
    }
    spans[id] = {off, static_cast<uint32_t>(raw_buf.size())};
  }
  vocab_entries_ = vocab.size();
  raw_off_.assign(n + 1, 0);
  raw_arena_.clear();
  raw_arena_.reserve(raw_buf.size());
  for (size_t id = 0; id < n; ++id) {
    raw_off_[id] = static_cast<uint32_t>(raw_arena_.size());
    raw_arena_.append(raw_buf, spans[id].first, spans[id].second - spans[id].first);
  }
  raw_off_[n] = static_cast<uint32_t>(raw_arena_.size());
}

bool BpeModel::TokenToId(std::string_view token, uint32_t* id) const {
  if (!cfg_.byte_level) return lookup_.Find(token, id);
  thread_local std::string raw;
  if (ByteLevelToBytes(token, &raw)) return lookup_.Find(raw, id);
  return odd_.Find(token, id);
}

void BpeModel::BuildUnits() {
  std::string one;
  for (unsigned b = 0; b < 256; ++b) {
    unit_ids_[b] = kNoId;
    if (cfg_.byte_level || b < 0x80) {
      one.assign(1, static_cast<char>(b));
      lookup_.Find(one, &unit_ids_[b]);
    }
    fallback_ids_[b] = kNoId;
    TokenToId(FallbackName(b), &fallback_ids_[b]);
  }
  all_units_known_ = cfg_.byte_level && std::none_of(unit_ids_, unit_ids_ + 256, [](uint32_t id) { return id == kNoId; });
}

void BpeModel::ResolveMerges(const Merges& merges) {
  struct Resolved {
    uint32_t a, b, merged;
    uint8_t missing;  // 0 ok, 1 left, 2 right, 3 result
  };
  std::vector<Resolved> res(merges.size());
  ParallelChunks(merges.size(), [&](size_t begin, size_t end) {
    std::string ra, rb, joined;
    for (size_t i = begin; i < end; ++i) {
      Resolved& r = res[i];
      r.missing = 0;
      if (!TokenToId(merges[i].first, &r.a)) {
        r.missing = 1;
      } else if (!TokenToId(merges[i].second, &r.b)) {
        r.missing = 2;
      } else {
        // The merged token is the concatenation, in raw form.
        joined.assign(Raw(r.a)).append(Raw(r.b));
        if (!lookup_.Find(joined, &r.merged)) r.missing = 3;
      }
    }
  });
  merges_.Reserve(merges.size());
  for (size_t rank = 0; rank < merges.size(); ++rank) {
    const Resolved& r = res[rank];
    if (r.missing != 0) {
      const auto& [a, b] = merges[rank];
      std::string what = r.missing == 1   ? "names token '" + std::string(a) + "'"
                         : r.missing == 2 ? "names token '" + std::string(b) + "'"
                                          : "produces '" + std::string(a) + std::string(b) + "'";
      throw LoadError("BPE merge " + std::to_string(rank) + " " + what + " which is not in the vocabulary");
    }
    merges_.Insert(r.a, r.b, static_cast<uint32_t>(rank), r.merged);
  }
}

void BpeModel::ComputeMetaspaceSafety(const Merges& merges) {
  static const std::string kMeta = "\xE2\x96\x81";  // U+2581
  metaspace_split_safe_ = !cfg_.byte_level;
  for (const std::string& t : id_to_token_) {
    if (!metaspace_split_safe_) return;
    for (size_t pos = t.find(kMeta, 1); pos != std::string::npos; pos = t.find(kMeta, pos + 3)) {
      if (pos < 3 || t.compare(pos - 3, 3, kMeta) != 0) {
        metaspace_split_safe_ = false;
        break;
      }
    }
  }
  auto special = [&](std::string_view s) {
    return s == cfg_.unk_token || (s.size() == 6 && s.compare(0, 3, "<0x") == 0 && s[5] == '>');
  };
  for (const auto& [a, b] : merges) {
    if (special(a) || special(b)) metaspace_split_safe_ = false;
  }
}

std::unique_ptr<BpeModel> BpeModel::FromRanks(const std::vector<std::pair<std::string, uint32_t>>& raw_tokens) {
  std::unique_ptr<BpeModel> m(new BpeModel());
  m->cfg_.byte_level = true;
  m->cfg_.ignore_merges = true;  // tiktoken emits a piece that is itself a token directly
  m->rank_mode_ = true;
  // Shown in byte-level form so token strings are valid UTF-8 (HF's convention).
  std::vector<std::string> shown(raw_tokens.size());
  Vocab vocab;
  vocab.reserve(raw_tokens.size());
  for (size_t i = 0; i < raw_tokens.size(); ++i) {
    BytesToByteLevel(raw_tokens[i].first, &shown[i]);
    vocab.emplace_back(shown[i], raw_tokens[i].second);
  }
  m->SetVocab(vocab);
  m->BuildUnits();
  return m;
}

}  // namespace collie::tok
