#include "normalizer.h"

#include <vector>

#include "errors.h"
#include "pattern.h"
#include "unicode.h"

namespace collie::tok {

namespace {

class UnicodeNormalizer : public Normalizer {
 public:
  explicit UnicodeNormalizer(NormForm form) : form_(form) {}
  void Normalize(std::string_view in, std::string* out) const override { collie::tok::Normalize(form_, in, out); }

 private:
  NormForm form_;
};

class ReplaceNormalizer : public Normalizer {
 public:
  ReplaceNormalizer(json::Value v) : pattern_(v["pattern"], "normalizer 'Replace'"), content_(v.GetString("content", "")) {}
  void Normalize(std::string_view in, std::string* out) const override { pattern_.ReplaceAll(in, content_, out); }

 private:
  Pattern pattern_;
  std::string content_;
};

class PrependNormalizer : public Normalizer {
 public:
  explicit PrependNormalizer(std::string s) : prepend_(std::move(s)) {}
  void Normalize(std::string_view in, std::string* out) const override {
    out->clear();
    if (in.empty()) return;  // HF: an empty string stays empty
    out->append(prepend_).append(in);
  }

 private:
  std::string prepend_;
};

// Strips White_Space chars at either end.
class StripNormalizer : public Normalizer {
 public:
  StripNormalizer(bool left, bool right) : left_(left), right_(right) {}
  void Normalize(std::string_view in, std::string* out) const override {
    size_t b = 0, e = in.size();
    if (left_) {
      while (b < e) {
        char32_t cp;
        size_t n = DecodeUtf8(in.data() + b, e - b, &cp);
        if (!IsWhiteSpace(cp)) break;
        b += n;
      }
    }
    if (right_) {
      while (e > b) {
        size_t s = e - 1;
        while (s > b && (static_cast<unsigned char>(in[s]) & 0xC0) == 0x80) --s;
        char32_t cp;
        DecodeUtf8(in.data() + s, e - s, &cp);
        if (!IsWhiteSpace(cp)) break;
        e = s;
      }
    }
    out->assign(in.substr(b, e - b));
  }

 private:
  bool left_, right_;
};

class SequenceNormalizer : public Normalizer {
 public:
  explicit SequenceNormalizer(std::vector<std::unique_ptr<Normalizer>> steps) : steps_(std::move(steps)) {}
  void Normalize(std::string_view in, std::string* out) const override {
    if (steps_.empty()) {
      out->assign(in);
      return;
    }
    // Ping-pong between two per-thread buffers of this nesting depth (a Sequence may hold a
    // Sequence); the first step reads `in`, the last writes `out`.
    thread_local std::vector<std::unique_ptr<std::string>> pool;
    thread_local size_t depth = 0;
    while (pool.size() < 2 * (depth + 1)) pool.push_back(std::make_unique<std::string>());
    std::string* a = pool[2 * depth].get();
    std::string* b = pool[2 * depth + 1].get();
    ++depth;
    std::string_view cur = in;
    std::string* dst = a;
    for (size_t i = 0; i < steps_.size(); ++i) {
      if (i + 1 == steps_.size()) dst = out;
      steps_[i]->Normalize(cur, dst);
      cur = *dst;
      dst = (dst == a) ? b : a;
    }
    --depth;
  }

 private:
  std::vector<std::unique_ptr<Normalizer>> steps_;
};

}  // namespace

std::unique_ptr<Normalizer> MakeNormalizer(json::Value v) {
  if (v.absent()) return nullptr;
  if (!v.is_object()) throw LoadError("normalizer must be an object in tokenizer.json");
  std::string type = v.GetString("type", "");
  if (type == "NFC") return std::make_unique<UnicodeNormalizer>(NormForm::kNfc);
  if (type == "NFKC") return std::make_unique<UnicodeNormalizer>(NormForm::kNfkc);
  if (type == "NFD") return std::make_unique<UnicodeNormalizer>(NormForm::kNfd);
  if (type == "NFKD") return std::make_unique<UnicodeNormalizer>(NormForm::kNfkd);
  if (type == "Replace") return std::make_unique<ReplaceNormalizer>(v);
  if (type == "Prepend") return std::make_unique<PrependNormalizer>(v.GetString("prepend", ""));
  if (type == "Strip") return std::make_unique<StripNormalizer>(v.GetBool("strip_left", true), v.GetBool("strip_right", true));
  if (type == "Sequence") {
    json::Value list = v["normalizers"];
    if (!list.is_array()) throw LoadError("normalizer 'Sequence' without a 'normalizers' array in tokenizer.json");
    std::vector<std::unique_ptr<Normalizer>> steps;
    for (size_t i = 0; i < list.size(); ++i) {
      auto n = MakeNormalizer(list.at(i));
      if (n) steps.push_back(std::move(n));
    }
    return std::make_unique<SequenceNormalizer>(std::move(steps));
  }
  throw LoadError("unsupported normalizer '" + type + "' in tokenizer.json");
}

}  // namespace collie::tok
