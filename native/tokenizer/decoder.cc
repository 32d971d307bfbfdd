#include "decoder.h"

#include "byte_level.h"
#include "errors.h"
#include "pattern.h"
#include "unicode.h"
#include "utf8_lossy.h"

namespace collie::tok {

void ByteLevelTokenBytes(const std::string& token, std::string* out) {
  if (!ByteLevelToBytes(token, out)) *out = token;
}

namespace {

const char kReplacementChar[] = "\xEF\xBF\xBD";

class ByteLevelDecoder : public Decoder {
 public:
  void DecodeChain(std::vector<std::string>* tokens) const override {
    std::string bytes, tmp;
    for (const std::string& t : *tokens) {
      ByteLevelTokenBytes(t, &tmp);
      bytes += tmp;
    }
    std::string out;
    AppendUtf8Lossy(bytes, &out);
    tokens->assign(1, std::move(out));
  }
  bool pure_byte_level() const override { return true; }
};

class ReplaceDecoder : public Decoder {
 public:
  explicit ReplaceDecoder(json::Value v) : pattern_(v["pattern"], "decoder 'Replace'"), content_(v.GetString("content", "")) {}
  void DecodeChain(std::vector<std::string>* tokens) const override {
    std::string out;
    for (std::string& t : *tokens) {
      pattern_.ReplaceAll(t, content_, &out);
      t.swap(out);
    }
  }

 private:
  Pattern pattern_;
  std::string content_;
};

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// "<0xNN>" -> byte (Rust u8::from_str_radix also accepts a leading '+').
int ByteToken(const std::string& t) {
  if (t.size() != 6 || t.compare(0, 3, "<0x") != 0 || t[5] != '>') return -1;
  if (t[3] == '+') return HexDigit(t[4]);
  int a = HexDigit(t[3]), b = HexDigit(t[4]);
  return (a < 0 || b < 0) ? -1 : a * 16 + b;
}

class ByteFallbackDecoder : public Decoder {
 public:
  void DecodeChain(std::vector<std::string>* tokens) const override {
    std::vector<std::string> out;
    out.reserve(tokens->size());
    std::string pending;
    auto flush = [&] {
      if (pending.empty()) return;
      if (IsValidUtf8(pending)) {
        out.push_back(pending);
      } else {
        for (size_t i = 0; i < pending.size(); ++i) out.emplace_back(kReplacementChar);
      }
      pending.clear();
    };
    for (std::string& t : *tokens) {
      int b = ByteToken(t);
      if (b >= 0) {
        pending.push_back(static_cast<char>(b));
        continue;
      }
      flush();
      out.push_back(std::move(t));
    }
    flush();
    tokens->swap(out);
  }
};

class FuseDecoder : public Decoder {
 public:
  void DecodeChain(std::vector<std::string>* tokens) const override {
    std::string all;
    for (const std::string& t : *tokens) all += t;
    tokens->assign(1, std::move(all));
  }
};

// Removes up to `start` leading and `stop` trailing copies of one char from every token.
class StripDecoder : public Decoder {
 public:
  explicit StripDecoder(json::Value v)
      : content_(v.GetString("content", " ")),
        start_(static_cast<size_t>(v.GetNumber("start", 0))),
        stop_(static_cast<size_t>(v.GetNumber("stop", 0))) {
    char32_t cp;
    if (content_.empty() || DecodeUtf8(content_.data(), content_.size(), &cp) != content_.size()) {
      throw LoadError("decoder 'Strip' content must be one char in tokenizer.json");
    }
  }
  void DecodeChain(std::vector<std::string>* tokens) const override {
    const size_t w = content_.size();
    for (std::string& t : *tokens) {
      size_t b = 0, e = t.size();
      for (size_t i = 0; i < start_ && b + w <= e && t.compare(b, w, content_) == 0; ++i) b += w;
      for (size_t i = 0; i < stop_ && e >= b + w && t.compare(e - w, w, content_) == 0; ++i) e -= w;
      t = t.substr(b, e - b);
    }
  }

 private:
  std::string content_;
  size_t start_, stop_;
};

class MetaspaceDecoder : public Decoder {
 public:
  explicit MetaspaceDecoder(json::Value v) : rep_(v.GetString("replacement", "\xE2\x96\x81")) {
    std::string scheme = v.GetString("prepend_scheme", "");
    if (scheme.empty()) {
      strip_first_ = v.GetBool("add_prefix_space", true);
    } else if (scheme == "first" || scheme == "always") {
      strip_first_ = true;
    } else if (scheme == "never") {
      strip_first_ = false;
    } else {
      throw LoadError("unsupported Metaspace prepend_scheme '" + scheme + "' in tokenizer.json");
    }
    if (rep_.empty()) throw LoadError("decoder 'Metaspace' replacement must be one char in tokenizer.json");
  }
  // HF: every replacement char becomes ' ', except in the first token where (unless the scheme
  // is never) it is dropped.
  void DecodeChain(std::vector<std::string>* tokens) const override {
    std::string out;
    for (size_t i = 0; i < tokens->size(); ++i) {
      std::string& t = (*tokens)[i];
      out.clear();
      for (size_t p = 0; p < t.size();) {
        if (t.compare(p, rep_.size(), rep_) == 0) {
          if (!(i == 0 && strip_first_)) out.push_back(' ');
          p += rep_.size();
        } else {
          out.push_back(t[p++]);
        }
      }
      t.swap(out);
    }
  }

 private:
  std::string rep_;
  bool strip_first_ = true;
};

class SequenceDecoder : public Decoder {
 public:
  explicit SequenceDecoder(std::vector<std::unique_ptr<Decoder>> steps) : steps_(std::move(steps)) {}
  void DecodeChain(std::vector<std::string>* tokens) const override {
    for (const auto& s : steps_) s->DecodeChain(tokens);
  }
  bool pure_byte_level() const override { return steps_.size() == 1 && steps_[0]->pure_byte_level(); }

 private:
  std::vector<std::unique_ptr<Decoder>> steps_;
};

}  // namespace

std::unique_ptr<Decoder> MakeDecoder(json::Value v) {
  if (v.absent()) return nullptr;
  if (!v.is_object()) throw LoadError("decoder must be an object in tokenizer.json");
  std::string type = v.GetString("type", "");
  if (type == "ByteLevel") return std::make_unique<ByteLevelDecoder>();
  if (type == "Replace") return std::make_unique<ReplaceDecoder>(v);
  if (type == "ByteFallback") return std::make_unique<ByteFallbackDecoder>();
  if (type == "Fuse") return std::make_unique<FuseDecoder>();
  if (type == "Strip") return std::make_unique<StripDecoder>(v);
  if (type == "Metaspace") return std::make_unique<MetaspaceDecoder>(v);
  if (type == "Sequence") {
    json::Value list = v["decoders"];
    if (!list.is_array()) throw LoadError("decoder 'Sequence' without a 'decoders' array in tokenizer.json");
    std::vector<std::unique_ptr<Decoder>> steps;
    for (size_t i = 0; i < list.size(); ++i) {
      if (list.at(i).absent()) continue;
      steps.push_back(MakeDecoder(list.at(i)));
    }
    return std::make_unique<SequenceDecoder>(std::move(steps));
  }
  throw LoadError("unsupported decoder '" + type + "' in tokenizer.json");
}

}  // namespace collie::tok
