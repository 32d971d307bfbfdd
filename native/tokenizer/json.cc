#include "json.h"

#include <charconv>
#include <cstring>

namespace collie::tok::json {

namespace {

constexpr int kMaxDepth = 256;

inline bool IsSpace(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

int HexVal(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void PutUtf8(char*& out, uint32_t cp) {
  if (cp < 0x80) {
    *out++ = static_cast<char>(cp);
  } else if (cp < 0x800) {
    *out++ = static_cast<char>(0xC0 | (cp >> 6));
    *out++ = static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    *out++ = static_cast<char>(0xE0 | (cp >> 12));
    *out++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *out++ = static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    *out++ = static_cast<char>(0xF0 | (cp >> 18));
    *out++ = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    *out++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *out++ = static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Length of the well-formed UTF-8 sequence at p (lead byte >= 0x80), 0 if malformed.
size_t Utf8SeqLen(const unsigned char* p, const unsigned char* end) {
  unsigned c = p[0];
  size_t n;
  uint32_t min;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2, min = 0x80;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3, min = 0x800;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4, min = 0x10000;
  } else {
    return 0;
  }
  if (static_cast<size_t>(end - p) < n) return 0;
  uint32_t cp = c & (0x3F >> (n - 1));
  for (size_t i = 1; i < n; ++i) {
    if ((p[i] & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (p[i] & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

}  // namespace

class Parser {
 public:
  explicit Parser(Document* doc)
      : doc_(doc),
        begin_(doc->text_.data()),
        p_(begin_),
        end_(begin_ + doc->text_.size()) {
    doc_->arena_.reset(new char[doc->text_.size() + 1]);
    arena_ = doc_->arena_.get();
  }

  void Run() {
    // Heuristic reserve: tokenizer.json has about one node per 12 bytes.
    doc_->nodes_.reserve(doc_->text_.size() / 12 + 16);
    scratch_.reserve(1024);
    SkipSpace();
    Node root;
    ParseValue(&root, 0);
    SkipSpace();
    if (p_ != end_) Fail("unexpected trailing characters");
    doc_->root_ = static_cast<uint32_t>(doc_->nodes_.size());
    doc_->nodes_.push_back(root);
  }

 private:
  [[noreturn]] void Fail(const char* what) {
    size_t off = static_cast<size_t>(p_ - begin_);
    throw JsonError(std::string("invalid JSON at byte ") + std::to_string(off) + ": " + what, off);
  }

  void SkipSpace() {
    while (p_ < end_ && IsSpace(*p_)) ++p_;
  }

  void Expect(const char* lit, size_t n) {
    if (static_cast<size_t>(end_ - p_) < n || std::memcmp(p_, lit, n) != 0) Fail("invalid literal");
    p_ += n;
  }

  void ParseValue(Node* out, int depth) {
    if (p_ >= end_) Fail("unexpected end of input");
    switch (*p_) {
      case '{':
        return ParseContainer(out, depth, true);
      case '[':
        return ParseContainer(out, depth, false);
      case '"': {
        out->type = Type::kString;
        std::string_view s = ParseString();
        out->str.ptr = s.data();
        out->str.len = static_cast<uint32_t>(s.size());
        return;
      }
      case 't':
        Expect("true", 4);
        out->type = Type::kBool;
        out->boolean = true;
        return;
      case 'f':
        Expect("false", 5);
        out->type = Type::kBool;
        out->boolean = false;
        return;
      case 'n':
        Expect("null", 4);
        out->type = Type::kNull;
        return;
      default:
        out->type = Type::kNumber;
        out->number = ParseNumber();
        return;
    }
  }

  double ParseNumber() {
    const char* start = p_;
    // Fast path for small non-negative integers (vocab ids, ranks).
    uint64_t v = 0;
    const char* q = p_;
    while (q < end_ && *q >= '0' && *q <= '9' && q - start < 15) v = v * 10 + static_cast<uint64_t>(*q++ - '0');
    if (q > start && (q == end_ || (*q != '.' && *q != 'e' && *q != 'E' && !(*q >= '0' && *q <= '9')))) {
      if (q - start > 1 && *start == '0') Fail("invalid number");
      p_ = q;
      return static_cast<double>(v);
    }
    // Validate the JSON number grammar, then convert.
    q = p_;
    if (q < end_ && *q == '-') ++q;
    if (q >= end_ || !(*q >= '0' && *q <= '9')) Fail("invalid value");
    if (*q == '0') {
      ++q;
    } else {
      while (q < end_ && *q >= '0' && *q <= '9') ++q;
    }
    if (q < end_ && *q == '.') {
      ++q;
      if (q >= end_ || !(*q >= '0' && *q <= '9')) Fail("invalid number");
      while (q < end_ && *q >= '0' && *q <= '9') ++q;
    }
    if (q < end_ && (*q == 'e' || *q == 'E')) {
      ++q;
      if (q < end_ && (*q == '+' || *q == '-')) ++q;
      if (q >= end_ || !(*q >= '0' && *q <= '9')) Fail("invalid number");
      while (q < end_ && *q >= '0' && *q <= '9') ++q;
    }
    double d = 0;
    auto r = std::from_chars(p_, q, d);
    if (r.ec == std::errc::invalid_argument) Fail("invalid number");
    p_ = q;
    return d;  // out-of-range values saturate (from_chars leaves d unchanged: 0), fine here
  }

  // p_ at the opening quote. Returns a view into the text (no escapes) or the arena.
  std::string_view ParseString() {
    ++p_;
    const char* start = p_;
    for (;;) {
      if (p_ >= end_) Fail("unterminated string");
      unsigned char c = static_cast<unsigned char>(*p_);
      if (c == '"') {
        std::string_view s(start, static_cast<size_t>(p_ - start));
        ++p_;
        return s;
      }
      if (c == '\\') break;
      if (c < 0x20) Fail("control character in string");
      if (c < 0x80) {
        ++p_;
        continue;
      }
      size_t n = Utf8SeqLen(reinterpret_cast<const unsigned char*>(p_), reinterpret_cast<const unsigned char*>(end_));
      if (n == 0) Fail("invalid UTF-8 in string");
      p_ += n;
    }
    // Slow path: copy what we have, then unescape into the arena.
    char* out0 = arena_;
    char* out = arena_;
    std::memcpy(out, start, static_cast<size_t>(p_ - start));
    out += p_ - start;
    for (;;) {
      if (p_ >= end_) Fail("unterminated string");
      unsigned char c = static_cast<unsigned char>(*p_);
      if (c == '"') {
        ++p_;
        break;
      }
      if (c < 0x20) Fail("control character in string");
      if (c >= 0x80) {
        size_t n = Utf8SeqLen(reinterpret_cast<const unsigned char*>(p_), reinterpret_cast<const unsigned char*>(end_));
        if (n == 0) Fail("invalid UTF-8 in string");
        std::memcpy(out, p_, n);
        out += n;
        p_ += n;
        continue;
      }
      if (c != '\\') {
        *out++ = static_cast<char>(c);
        ++p_;
        continue;
      }
      if (++p_ >= end_) Fail("unterminated string");
      char e = *p_++;
      switch (e) {
        case '"': *out++ = '"'; break;
        case '\\': *out++ = '\\'; break;
        case '/': *out++ = '/'; break;
        case 'b': *out++ = '\b'; break;
        case 'f': *out++ = '\f'; break;
        case 'n': *out++ = '\n'; break;
        case 'r': *out++ = '\r'; break;
        case 't': *out++ = '\t'; break;
        case 'u': PutUtf8(out, ParseUnicodeEscape()); break;
        default: --p_; Fail("invalid escape");
      }
    }
    arena_ = out;
    return std::string_view(out0, static_cast<size_t>(out - out0));
  }

  uint32_t Hex4() {
    if (end_ - p_ < 4) Fail("truncated \\u escape");
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      int h = HexVal(p_[i]);
      if (h < 0) Fail("invalid \\u escape");
      v = (v << 4) | static_cast<uint32_t>(h);
    }
    p_ += 4;
    return v;
  }

  // After "\u". Lone surrogates (which serde_json rejects) are an error too.
  uint32_t ParseUnicodeEscape() {
    uint32_t cp = Hex4();
    if (cp >= 0xDC00 && cp <= 0xDFFF) Fail("lone low surrogate in \\u escape");
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      if (end_ - p_ < 2 || p_[0] != '\\' || p_[1] != 'u') Fail("lone high surrogate in \\u escape");
      p_ += 2;
      uint32_t lo = Hex4();
      if (lo < 0xDC00 || lo > 0xDFFF) Fail("invalid low surrogate in \\u escape");
      cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
    }
    return cp;
  }

  void ParseContainer(Node* out, int depth, bool object) {
    if (depth >= kMaxDepth) Fail("nesting too deep");
    ++p_;
    size_t base = scratch_.size();
    SkipSpace();
    const char close = object ? '}' : ']';
    if (p_ < end_ && *p_ == close) {
      ++p_;
    } else {
      for (;;) {
        Node child;
        if (object) {
          SkipSpace();
          if (p_ >= end_ || *p_ != '"') Fail("expected member name");
          std::string_view k = ParseString();
          SkipSpace();
          if (p_ >= end_ || *p_ != ':') Fail("expected ':'");
          ++p_;
          child.key = k.data();
          child.key_len = static_cast<uint32_t>(k.size());
        }
        SkipSpace();
        ParseValue(&child, depth + 1);
        scratch_.push_back(child);
        SkipSpace();
        if (p_ >= end_) Fail("unexpected end of input");
        if (*p_ == ',') {
          ++p_;
          continue;
        }
        if (*p_ == close) {
          ++p_;
          break;
        }
        Fail(object ? "expected ',' or '}'" : "expected ',' or ']'");
      }
    }
    out->type = object ? Type::kObject : Type::kArray;
    out->kids.first = static_cast<uint32_t>(doc_->nodes_.size());
    out->kids.count = static_cast<uint32_t>(scratch_.size() - base);
    doc_->nodes_.insert(doc_->nodes_.end(), scratch_.begin() + static_cast<std::ptrdiff_t>(base), scratch_.end());
    scratch_.resize(base);
  }

  Document* doc_;
  const char* begin_;
  const char* p_;
  const char* end_;
  char* arena_;
  std::vector<Node> scratch_;
};

std::unique_ptr<Document> Document::Parse(std::string text) {
  std::unique_ptr<Document> doc(new Document());
  doc->text_ = std::move(text);
  Parser(doc.get()).Run();
  return doc;
}

const Node& Value::node() const { return doc_->nodes_[idx_]; }

Type Value::type() const { return doc_ ? node().type : Type::kInvalid; }

size_t Value::size() const {
  Type t = type();
  return (t == Type::kArray || t == Type::kObject) ? node().kids.count : 0;
}

Value Value::at(size_t i) const {
  if (i >= size()) return Value();
  return Value(doc_, node().kids.first + static_cast<uint32_t>(i));
}

Value Value::operator[](std::string_view key) const {
  if (type() != Type::kObject) return Value();
  const Node& n = node();
  for (uint32_t i = 0; i < n.kids.count; ++i) {
    const Node& c = doc_->nodes_[n.kids.first + i];
    if (c.key_len == key.size() && std::memcmp(c.key, key.data(), key.size()) == 0) {
      return Value(doc_, n.kids.first + i);
    }
  }
  return Value();
}

namespace {
[[noreturn]] void WrongType(std::string_view key, const char* want, Type got) {
  throw std::runtime_error("field '" + std::string(key) + "' must be " + want + ", got " + TypeName(got));
}
}  // namespace

bool Value::GetBool(std::string_view key, bool dflt) const {
  Value v = (*this)[key];
  if (v.absent()) return dflt;
  if (!v.is_bool()) WrongType(key, "a boolean", v.type());
  return v.as_bool();
}

std::string Value::GetString(std::string_view key, std::string_view dflt) const {
  Value v = (*this)[key];
  if (v.absent()) return std::string(dflt);
  if (!v.is_string()) WrongType(key, "a string", v.type());
  return std::string(v.as_string());
}

double Value::GetNumber(std::string_view key, double dflt) const {
  Value v = (*this)[key];
  if (v.absent()) return dflt;
  if (!v.is_number()) WrongType(key, "a number", v.type());
  return v.as_number();
}

const char* TypeName(Type t) {
  switch (t) {
    case Type::kInvalid: return "missing";
    case Type::kNull: return "null";
    case Type::kBool: return "a boolean";
    case Type::kNumber: return "a number";
    case Type::kString: return "a string";
    case Type::kArray: return "an array";
    case Type::kObject: return "an object";
  }
  return "?";
}

}  // namespace collie::tok::json
