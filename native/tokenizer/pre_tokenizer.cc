#include "pre_tokenizer.h"

#include <algorithm>

#include "errors.h"
#include "fast_split.h"
#include "pattern.h"
#include "unicode.h"

namespace collie::tok {

const char kGpt2Pattern[] = R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";

namespace {

enum class Behavior { kRemoved, kIsolated, kMergedWithPrevious, kMergedWithNext, kContiguous };

Behavior ParseBehavior(std::string_view s) {
  if (s == "Removed") return Behavior::kRemoved;
  if (s == "Isolated") return Behavior::kIsolated;
  if (s == "MergedWithPrevious") return Behavior::kMergedWithPrevious;
  if (s == "MergedWithNext") return Behavior::kMergedWithNext;
  if (s == "Contiguous") return Behavior::kContiguous;
  throw LoadError("unsupported split behavior '" + std::string(s) + "' in tokenizer.json");
}

// HF NormalizedString::split: turns (range, is_match) spans into the kept ranges, then emits
// the non-empty ones as pieces of `piece`.
void EmitSplit(const Piece& piece, std::vector<Span>& spans, Behavior b, std::vector<Piece>* out) {
  thread_local std::vector<Span> acc;  // match == true here means "remove"
  acc.clear();
  switch (b) {
    case Behavior::kIsolated:
      for (Span s : spans) acc.push_back({s.begin, s.end, false});
      break;
    case Behavior::kRemoved:
      acc = spans;
      break;
    case Behavior::kContiguous: {
      bool prev = false;
      for (Span s : spans) {
        if (s.match == prev && !acc.empty()) {
          acc.back().end = s.end;
        } else {
          acc.push_back({s.begin, s.end, false});
        }
        prev = s.match;
      }
      break;
    }
    case Behavior::kMergedWithPrevious: {
      bool prev = false;
      for (Span s : spans) {
        if (s.match && !prev && !acc.empty()) {
          acc.back().end = s.end;
        } else {
          acc.push_back({s.begin, s.end, false});
        }
        prev = s.match;
      }
      break;
    }
    case Behavior::kMergedWithNext: {
      bool prev = false;
      for (size_t i = spans.size(); i-- > 0;) {
        Span s = spans[i];
        if (s.match && !prev && !acc.empty()) {
          acc.back().begin = s.begin;
        } else {
          acc.push_back({s.begin, s.end, false});
        }
        prev = s.match;
      }
      std::reverse(acc.begin(), acc.end());
      break;
    }
  }
  for (const Span& s : acc) {
    if (s.match || s.end == s.begin) continue;
    out->push_back({piece.text.substr(s.begin, s.end - s.begin), piece.at_start && s.begin == 0});
  }
}

class SplitPreTokenizer : public PreTokenizer {
 public:
  explicit SplitPreTokenizer(json::Value v)
      : pattern_(v["pattern"], "pre_tokenizer 'Split'"),
        behavior_(ParseBehavior(v.GetString("behavior", ""))),
        invert_(v.GetBool("invert", false)) {
    if (v["pattern"]["Regex"].is_string()) fast_ = FindFastSplitter(v["pattern"]["Regex"].as_string());
  }
  // ByteLevel's use_regex split.
  SplitPreTokenizer(Pattern p, const FastSplitter* fast)
      : pattern_(std::move(p)), behavior_(Behavior::kIsolated), invert_(false), fast_(fast) {}

  void Apply(const std::vector<Piece>& in, std::vector<Piece>* out, Arena*) const override {
    thread_local std::vector<Span> spans;
    for (const Piece& p : in) {
      if (fast_ && behavior_ == Behavior::kIsolated && !invert_) {
        // Isolated keeps every match and gap: the fast splitter's cut points are enough.
        fast_->Split(p, out);
        continue;
      }
      pattern_.FindMatches(p.text, &spans);
      if (invert_) {
        for (Span& s : spans) s.match = !s.match;
      }
      EmitSplit(p, spans, behavior_, out);
    }
  }

 private:
  Pattern pattern_;
  Behavior behavior_;
  bool invert_;
  const FastSplitter* fast_ = nullptr;
};

class ByteLevelPreTokenizer : public PreTokenizer {
 public:
  ByteLevelPreTokenizer(bool add_prefix_space, bool use_regex) : add_prefix_space_(add_prefix_space) {
    if (use_regex) {
      auto doc = json::Document::Parse(std::string("{\"Regex\":") + Quote(kGpt2Pattern) + "}");
      split_ = std::make_unique<SplitPreTokenizer>(Pattern(doc->root(), "pre_tokenizer 'ByteLevel'"),
                                                   FindFastSplitter(kGpt2Pattern));
    }
  }
  void Apply(const std::vector<Piece>& in, std::vector<Piece>* out, Arena* arena) const override {
    const std::vector<Piece>* src = &in;
    thread_local std::vector<Piece> prefixed;
    if (add_prefix_space_) {
      prefixed.clear();
      for (const Piece& p : in) {
        if (!p.text.empty() && p.text[0] == ' ') {
          prefixed.push_back(p);
        } else {
          prefixed.push_back({arena->Copy(" ", p.text), p.at_start});
        }
      }
      src = &prefixed;
    }
    if (split_) {
      split_->Apply(*src, out, arena);
    } else {
      for (const Piece& p : *src) {
        if (!p.text.empty()) out->push_back(p);
      }
    }
  }

 private:
  static std::string Quote(const char* s) {
    std::string q = "\"";
    for (const char* c = s; *c; ++c) {
      if (*c == '"' || *c == '\\') q.push_back('\\');
      q.push_back(*c);
    }
    return q + "\"";
  }
  bool add_prefix_space_;
  std::unique_ptr<SplitPreTokenizer> split_;
};

enum class Prepend { kFirst, kAlways, kNever };

class MetaspacePreTokenizer : public PreTokenizer {
 public:
  explicit MetaspacePreTokenizer(json::Value v) {
    std::string rep = v.GetString("replacement", "\xE2\x96\x81");
    char32_t cp;
    size_t n = rep.empty() ? 0 : DecodeUtf8(rep.data(), rep.size(), &cp);
    if (n == 0 || n != rep.size()) throw LoadError("pre_tokenizer 'Metaspace' replacement must be one char in tokenizer.json");
    rep_ = rep;
    std::string scheme = v.GetString("prepend_scheme", "");
    if (scheme.empty()) {
      prepend_ = v.GetBool("add_prefix_space", true) ? Prepend::kAlways : Prepend::kNever;
    } else if (scheme == "first") {
      prepend_ = Prepend::kFirst;
    } else if (scheme == "always") {
      prepend_ = Prepend::kAlways;
    } else if (scheme == "never") {
      prepend_ = Prepend::kNever;
    } else {
      throw LoadError("unsupported Metaspace prepend_scheme '" + scheme + "' in tokenizer.json");
    }
    split_ = v.GetBool("split", true);
  }

  void Apply(const std::vector<Piece>& in, std::vector<Piece>* out, Arena* arena) const override {
    thread_local std::string buf;
    thread_local std::vector<Span> spans;
    for (const Piece& p : in) {
      buf.clear();
      for (char c : p.text) {
        if (c == ' ') {
          buf.append(rep_);
        } else {
          buf.push_back(c);
        }
      }
      bool starts = buf.compare(0, rep_.size(), rep_) == 0;
      if (!starts && (prepend_ == Prepend::kAlways || (prepend_ == Prepend::kFirst && p.at_start))) {
        buf.insert(0, rep_);
      }
      Piece np{arena->Copy(buf), p.at_start};
      if (!split_) {
        if (!np.text.empty()) out->push_back(np);
        continue;
      }
      Pattern(rep_).FindMatches(np.text, &spans);  // literal: cheap to build
      EmitSplit(np, spans, Behavior::kMergedWithNext, out);
    }
  }

 private:
  std::string rep_;
  Prepend prepend_ = Prepend::kAlways;
  bool split_ = true;
};

// HF Digits: split on numeric chars (Nd/Nl/No), each digit alone or runs together.
class DigitsPreTokenizer : public PreTokenizer {
 public:
  explicit DigitsPreTokenizer(bool individual) : behavior_(individual ? Behavior::kIsolated : Behavior::kContiguous) {}
  void Apply(const std::vector<Piece>& in, std::vector<Piece>* out, Arena*) const override {
    thread_local std::vector<Span> spans;
    for (const Piece& p : in) {
      spans.clear();
      uint32_t last = 0, i = 0;
      const uint32_t n = static_cast<uint32_t>(p.text.size());
      while (i < n) {
        char32_t cp;
        uint32_t len = static_cast<uint32_t>(DecodeUtf8(p.text.data() + i, n - i, &cp));
        Gc g = GeneralCategory(cp);
        if (g == Gc::Nd || g == Gc::Nl || g == Gc::No) {
          if (last < i) spans.push_back({last, i, false});
          spans.push_back({i, i + len, true});
          last = i + len;
        }
        i += len;
      }
      if (n == 0) spans.push_back({0, 0, false});
      if (last < n) spans.push_back({last, n, false});
      EmitSplit(p, spans, behavior_, out);
    }
  }

 private:
  Behavior behavior_;
};

class SequencePreTokenizer : public PreTokenizer {
 public:
  explicit SequencePreTokenizer(std::vector<std::unique_ptr<PreTokenizer>> steps) : steps_(std::move(steps)) {}
  void Apply(const std::vector<Piece>& in, std::vector<Piece>* out, Arena* arena) const override {
    if (steps_.empty()) {
      out->insert(out->end(), in.begin(), in.end());
      return;
    }
    thread_local std::vector<Piece> a, b;
    const std::vector<Piece>* src = &in;
    for (size_t i = 0; i < steps_.size(); ++i) {
      std::vector<Piece>* dst = (i + 1 == steps_.size()) ? out : (src == &a ? &b : &a);
      if (dst != out) dst->clear();
      steps_[i]->Apply(*src, dst, arena);
      src = dst;
    }
  }

 private:
  std::vector<std::unique_ptr<PreTokenizer>> steps_;
};

std::unique_ptr<PreTokenizer> Make(json::Value v, PreTokenizerInfo* info) {
  if (!v.is_object()) throw LoadError("pre_tokenizer must be an object in tokenizer.json");
  std::string type = v.GetString("type", "");
  if (info->byte_level) {
    throw LoadError("unsupported pre_tokenizer sequence: '" + type + "' after 'ByteLevel' in tokenizer.json");
  }
  if (type == "Split") return std::make_unique<SplitPreTokenizer>(v);
  if (type == "ByteLevel") {
    info->byte_level = true;
    return std::make_unique<ByteLevelPreTokenizer>(v.GetBool("add_prefix_space", true), v.GetBool("use_regex", true));
  }
  if (type == "Metaspace") return std::make_unique<MetaspacePreTokenizer>(v);
  if (type == "Digits") return std::make_unique<DigitsPreTokenizer>(v.GetBool("individual_digits", false));
  if (type == "Sequence") {
    json::Value list = v["pretokenizers"];
    if (!list.is_array()) throw LoadError("pre_tokenizer 'Sequence' without a 'pretokenizers' array in tokenizer.json");
    std::vector<std::unique_ptr<PreTokenizer>> steps;
    for (size_t i = 0; i < list.size(); ++i) {
      if (list.at(i).absent()) continue;
      steps.push_back(Make(list.at(i), info));
    }
    return std::make_unique<SequencePreTokenizer>(std::move(steps));
  }
  throw LoadError("unsupported pre_tokenizer '" + type + "' in tokenizer.json");
}

}  // namespace

std::unique_ptr<PreTokenizer> MakePreTokenizer(json::Value v, PreTokenizerInfo* info) {
  if (v.absent()) return nullptr;
  return Make(v, info);
}

}  // namespace collie::tok
