#include "added_vocab.h"

#include <algorithm>
#include <cstring>
#include <map>

#include "normalizer.h"
#include "unicode.h"

namespace collie::tok {

namespace {

// Rust regex's Unicode \w: Alphabetic, marks, decimal digits, connector punctuation,
// Join_Control. Alphabetic is approximated by letters, letter numbers and the circled /
// squared Latin letters (Other_Alphabetic symbols).
bool IsWordChar(char32_t cp) {
  if (cp < 0x80) return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || cp == '_';
  if (cp == 0x200C || cp == 0x200D) return true;
  if ((cp >= 0x24B6 && cp <= 0x24E9) || (cp >= 0x1F130 && cp <= 0x1F149) || (cp >= 0x1F150 && cp <= 0x1F169) ||
      (cp >= 0x1F170 && cp <= 0x1F189)) {
    return true;
  }
  switch (GeneralCategory(cp)) {
    case Gc::Lu: case Gc::Ll: case Gc::Lt: case Gc::Lm: case Gc::Lo:
    case Gc::Mn: case Gc::Mc: case Gc::Me:
    case Gc::Nd: case Gc::Nl: case Gc::Pc:
      return true;
    default:
      return false;
  }
}

// Start of the last char of s (s non-empty).
size_t LastCharStart(std::string_view s) {
  size_t i = s.size() - 1;
  while (i > 0 && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) --i;
  return i;
}

bool EndsWithWord(std::string_view s) {
  if (s.empty()) return false;
  size_t i = LastCharStart(s);
  char32_t cp;
  DecodeUtf8(s.data() + i, s.size() - i, &cp);
  return IsWordChar(cp);
}

bool StartsWithWord(std::string_view s) {
  if (s.empty()) return false;
  char32_t cp;
  DecodeUtf8(s.data(), s.size(), &cp);
  return IsWordChar(cp);
}

// Start of the trailing White_Space run of s.
size_t SpaceLeftmostAtEnd(std::string_view s) {
  size_t e = s.size();
  while (e > 0) {
    size_t i = LastCharStart(s.substr(0, e));
    char32_t cp;
    DecodeUtf8(s.data() + i, e - i, &cp);
    if (!IsWhiteSpace(cp)) break;
    e = i;
  }
  return e;
}

// Length of the leading White_Space run of s.
size_t SpaceRightmostAtStart(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    char32_t cp;
    size_t n = DecodeUtf8(s.data() + i, s.size() - i, &cp);
    if (!IsWhiteSpace(cp)) break;
    i += n;
  }
  return i;
}

}  // namespace

void LiteralMatcher::Build(const std::vector<std::string>& patterns) {
  // Build with maps, then flatten into sorted edge arrays.
  std::vector<std::map<uint8_t, uint32_t>> kids(1);
  std::vector<int32_t> term(1, -1);
  std::fill(std::begin(first_byte_), std::end(first_byte_), false);
  for (size_t p = 0; p < patterns.size(); ++p) {
    const std::string& s = patterns[p];
    if (s.empty()) continue;
    first_byte_[static_cast<uint8_t>(s[0])] = true;
    uint32_t node = 0;
    for (unsigned char c : s) {
      auto it = kids[node].find(c);
      if (it == kids[node].end()) {
        kids.emplace_back();
        term.push_back(-1);
        uint32_t nn = static_cast<uint32_t>(kids.size() - 1);
        kids[node][c] = nn;
        node = nn;
      } else {
        node = it->second;
      }
    }
    if (term[node] < 0) term[node] = static_cast<int32_t>(p);  // first of duplicates wins
  }
  nodes_.assign(kids.size(), Node());
  edges_.clear();
  for (size_t n = 0; n < kids.size(); ++n) {
    nodes_[n].first_edge = static_cast<uint32_t>(edges_.size());
    nodes_[n].edge_count = static_cast<uint32_t>(kids[n].size());
    nodes_[n].pattern = term[n];
    for (const auto& [b, t] : kids[n]) edges_.push_back({b, t});
  }
  int count = 0;
  single_first_byte_ = -1;
  for (int b = 0; b < 256; ++b) {
    if (first_byte_[b]) ++count, single_first_byte_ = b;
  }
  if (count != 1) single_first_byte_ = -1;
}

bool LiteralMatcher::Next(std::string_view text, size_t from, size_t* begin, size_t* end, uint32_t* pattern) const {
  if (empty()) return false;
  const unsigned char* t = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  for (size_t i = from; i < n; ++i) {
    if (single_first_byte_ >= 0) {
      const void* hit = std::memchr(t + i, single_first_byte_, n - i);
      if (!hit) return false;
      i = static_cast<size_t>(static_cast<const unsigned char*>(hit) - t);
    } else if (!first_byte_[t[i]]) {
      continue;
    }
    uint32_t node = 0;
    int32_t best = -1;
    size_t best_end = 0;
    for (size_t j = i; j < n; ++j) {
      const Node& nd = nodes_[node];
      const Edge* e = edges_.data() + nd.first_edge;
      const Edge* ee = e + nd.edge_count;
      const Edge* hit = std::lower_bound(e, ee, t[j], [](const Edge& x, uint8_t b) { return x.byte < b; });
      if (hit == ee || hit->byte != t[j]) break;
      node = hit->target;
      if (nodes_[node].pattern >= 0) best = nodes_[node].pattern, best_end = j + 1;
    }
    if (best >= 0) {
      *begin = i;
      *end = best_end;
      *pattern = static_cast<uint32_t>(best);
      return true;
    }
  }
  return false;
}

void AddedVocab::Finish(const Normalizer* normalizer) {
  by_id_.clear();
  special_contents_ = TokenMap();
  uint32_t max_id = 0;
  for (const AddedToken& t : tokens_) max_id = std::max(max_id, t.id);
  by_id_.assign(tokens_.empty() ? 0 : max_id + 1, -1);
  std::vector<std::string> raw, norm;
  raw_tokens_.clear();
  norm_tokens_.clear();
  // HF orders the patterns special-first; that only matters for duplicate contents.
  for (int pass = 0; pass < 2; ++pass) {
    for (size_t i = 0; i < tokens_.size(); ++i) {
      const AddedToken& t = tokens_[i];
      if (t.special != (pass == 0)) continue;
      by_id_[t.id] = static_cast<int32_t>(i);
      if (t.special) special_contents_.Insert(t.content, 1);
      if (t.normalized) {
        std::string n;
        if (normalizer) {
          normalizer->Normalize(t.content, &n);
        } else {
          n = t.content;
        }
        norm.push_back(std::move(n));
        norm_tokens_.push_back(static_cast<uint32_t>(i));
      } else {
        raw.push_back(t.content);
        raw_tokens_.push_back(static_cast<uint32_t>(i));
      }
    }
  }
  raw_.Build(raw);
  norm_.Build(norm);
}

const AddedToken* AddedVocab::ById(uint32_t id) const {
  if (id >= by_id_.size() || by_id_[id] < 0) return nullptr;
  return &tokens_[static_cast<size_t>(by_id_[id])];
}

bool AddedVocab::IsSpecialContent(std::string_view content) const {
  uint32_t dummy;
  return special_contents_.Find(content, &dummy);
}

void AddedVocab::Split(std::string_view text, bool normalized_pass, std::vector<AddedSplit>* out) const {
  const LiteralMatcher& m = normalized_pass ? norm_ : raw_;
  const std::vector<uint32_t>& map = normalized_pass ? norm_tokens_ : raw_tokens_;
  size_t start_offset = 0;
  size_t from = 0, b, e;
  uint32_t pat;
  while (m.Next(text, from, &b, &e, &pat)) {
    from = e;
    const AddedToken& t = tokens_[map[pat]];
    size_t start = b, stop = e;
    if (t.single_word) {
      bool start_space = start == 0 || !EndsWithWord(text.substr(0, start));
      bool stop_space = stop == text.size() || !StartsWithWord(text.substr(stop));
      if (!start_space || !stop_space) continue;
    }
    if (t.lstrip) start = std::max(SpaceLeftmostAtEnd(text.substr(0, start)), start_offset);
    if (t.rstrip) stop += SpaceRightmostAtStart(text.substr(stop));
    if (start_offset < start) out->push_back({static_cast<uint32_t>(start_offset), static_cast<uint32_t>(start), kNoId});
    out->push_back({static_cast<uint32_t>(start), static_cast<uint32_t>(stop), t.id});
    start_offset = stop;
  }
  if (start_offset < text.size()) {
    out->push_back({static_cast<uint32_t>(start_offset), static_cast<uint32_t>(text.size()), kNoId});
  }
}

}  // namespace collie::tok
