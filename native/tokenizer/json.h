// A small JSON DOM for tokenizer.json / tokenizer_config.json (2–17 MB files). The document owns
// the source text; strings without escapes are views into it, unescaped strings live in one
// arena sized to the input (so views never move). Nodes are stored flat: a container's
// children are contiguous. Errors throw JsonError naming the byte offset.
#pragma once
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace collie::tok::json {

class JsonError : public std::runtime_error {
 public:
  JsonError(const std::string& what, size_t offset) : std::runtime_error(what), offset_(offset) {}
  size_t offset() const { return offset_; }

 private:
  size_t offset_;
};

enum class Type : uint8_t { kInvalid, kNull, kBool, kNumber, kString, kArray, kObject };

struct Node {
  const char* key = nullptr;  // member name (objects only); not NUL-terminated
  uint32_t key_len = 0;
  Type type = Type::kInvalid;
  bool boolean = false;
  union {
    double number;
    struct {
      const char* ptr;
      uint32_t len;
    } str;
    struct {
      uint32_t first;  // index of the first child in Document::nodes_
      uint32_t count;
    } kids;
  };
  Node() : number(0) {}
};

class Document;

// A cheap handle to one node. A default-constructed Value is "missing" (type kInvalid), so
// lookups chain: doc.root()["model"]["vocab"].
class Value {
 public:
  Value() = default;
  Value(const Document* doc, uint32_t idx) : doc_(doc), idx_(idx) {}

  Type type() const;
  bool missing() const { return doc_ == nullptr; }
  bool is_null() const { return type() == Type::kNull; }
  // Missing or null: the "absent" of tokenizer.json's optional fields.
  bool absent() const { return missing() || is_null(); }
  bool is_bool() const { return type() == Type::kBool; }
  bool is_number() const { return type() == Type::kNumber; }
  bool is_string() const { return type() == Type::kString; }
  bool is_array() const { return type() == Type::kArray; }
  bool is_object() const { return type() == Type::kObject; }

  bool as_bool() const { return node().boolean; }
  double as_number() const { return node().number; }
  std::string_view as_string() const { return {node().str.ptr, node().str.len}; }
  std::string_view key() const { return {node().key, node().key_len}; }

  // Elements (arrays) or members (objects).
  size_t size() const;
  Value at(size_t i) const;
  // Member lookup (linear); missing Value when absent or when this is not an object.
  Value operator[](std::string_view key) const;

  // Typed getters with a default for absent (missing or null) values; a present value of the
  // wrong type throws std::runtime_error naming `what`.
  bool GetBool(std::string_view key, bool dflt) const;
  std::string GetString(std::string_view key, std::string_view dflt) const;
  double GetNumber(std::string_view key, double dflt) const;

 private:
  const Node& node() const;
  const Document* doc_ = nullptr;
  uint32_t idx_ = 0;
};

class Document {
 public:
  // Parses text (the document keeps it). Throws JsonError on malformed input.
  static std::unique_ptr<Document> Parse(std::string text);
  Value root() const { return Value(this, root_); }

 private:
  friend class Value;
  friend class Parser;
  std::string text_;
  std::unique_ptr<char[]> arena_;  // unescaped strings
  std::vector<Node> nodes_;
  uint32_t root_ = 0;
};

// Readable name of a type, for error messages.
const char* TypeName(Type t);

}  // namespace collie::tok::json
