#include "pattern.h"

#include <cstring>

#include "errors.h"

namespace collie::tok {

Pattern::Pattern(json::Value v, const std::string& owner) {
  if (v["String"].is_string()) {
    literal_ = std::string(v["String"].as_string());
    return;
  }
  if (!v["Regex"].is_string()) throw LoadError(owner + " has a pattern that is neither {\"String\"} nor {\"Regex\"}");
  std::string err;
  regex_ = Regex::Compile(v["Regex"].as_string(), &err);
  if (!regex_) throw LoadError(owner + ": " + (err.empty() ? "unsupported regex" : err));
}

void Pattern::FindMatches(std::string_view text, std::vector<Span>* out) const {
  out->clear();
  if (text.empty()) {
    out->push_back({0, 0, false});
    return;
  }
  uint32_t prev = 0;
  auto add = [&](uint32_t b, uint32_t e) {
    if (prev != b) out->push_back({prev, b, false});
    out->push_back({b, e, true});
    prev = e;
  };
  if (regex_) {
    thread_local std::vector<std::pair<uint32_t, uint32_t>> m;
    m.clear();
    regex_->FindAll(text, &m);
    for (const auto& [b, e] : m) add(b, e);
  } else if (literal_.empty()) {
    // HF: an empty literal matches nothing.
  } else {
    for (size_t pos = text.find(literal_); pos != std::string_view::npos; pos = text.find(literal_, pos + literal_.size())) {
      add(static_cast<uint32_t>(pos), static_cast<uint32_t>(pos + literal_.size()));
    }
  }
  if (prev != text.size()) out->push_back({prev, static_cast<uint32_t>(text.size()), false});
}

void Pattern::ReplaceAll(std::string_view text, std::string_view with, std::string* out) const {
  out->clear();
  if (!regex_) {
    // Literal: HF's leftmost non-overlapping matches; an empty literal matches nothing.
    if (literal_.empty()) {
      out->assign(text);
      return;
    }
    out->reserve(text.size() + text.size() / 4);
    size_t from = 0;
    if (literal_.size() == 1) {
      const char c = literal_[0];
      for (const char* hit; (hit = static_cast<const char*>(std::memchr(text.data() + from, c, text.size() - from)));) {
        size_t pos = static_cast<size_t>(hit - text.data());
        out->append(text.data() + from, pos - from).append(with);
        from = pos + 1;
      }
    } else {
      for (size_t pos; (pos = text.find(literal_, from)) != std::string_view::npos; from = pos + literal_.size()) {
        out->append(text.data() + from, pos - from).append(with);
      }
    }
    out->append(text.data() + from, text.size() - from);
    return;
  }
  thread_local std::vector<Span> spans;
  FindMatches(text, &spans);
  for (const Span& s : spans) {
    if (s.match) {
      out->append(with);
    } else {
      out->append(text.substr(s.begin, s.end - s.begin));
    }
  }
}

}  // namespace collie::tok
