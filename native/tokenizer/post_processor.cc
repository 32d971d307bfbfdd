#include "post_processor.h"

#include <string>

#include "errors.h"

namespace collie::tok {

namespace {

// A fixed prefix and suffix around the sequence (every supported processor has that shape).
class AffixProcessor : public PostProcessor {
 public:
  AffixProcessor(std::vector<uint32_t> prefix, std::vector<uint32_t> suffix)
      : prefix_(std::move(prefix)), suffix_(std::move(suffix)) {}
  void Process(std::vector<uint32_t>* ids) const override {
    if (!prefix_.empty()) ids->insert(ids->begin(), prefix_.begin(), prefix_.end());
    ids->insert(ids->end(), suffix_.begin(), suffix_.end());
  }
  size_t added() const override { return prefix_.size() + suffix_.size(); }

 private:
  std::vector<uint32_t> prefix_, suffix_;
};

class SequenceProcessor : public PostProcessor {
 public:
  explicit SequenceProcessor(std::vector<std::unique_ptr<PostProcessor>> steps) : steps_(std::move(steps)) {}
  void Process(std::vector<uint32_t>* ids) const override {
    for (const auto& s : steps_) s->Process(ids);
  }
  size_t added() const override {
    size_t n = 0;
    for (const auto& s : steps_) n += s->added();
    return n;
  }

 private:
  std::vector<std::unique_ptr<PostProcessor>> steps_;
};

std::unique_ptr<PostProcessor> MakeTemplate(json::Value v) {
  json::Value single = v["single"];
  json::Value specials = v["special_tokens"];
  if (!single.is_array()) throw LoadError("post_processor 'TemplateProcessing' without a 'single' template in tokenizer.json");
  std::vector<uint32_t> prefix, suffix;
  bool seen_a = false;
  for (size_t i = 0; i < single.size(); ++i) {
    json::Value item = single.at(i);
    if (item["Sequence"].is_object()) {
      if (item["Sequence"].GetString("id", "") != "A" || seen_a) {
        throw LoadError("post_processor 'TemplateProcessing': the single template must hold sequence A once");
      }
      seen_a = true;
      continue;
    }
    json::Value st = item["SpecialToken"];
    if (!st.is_object()) throw LoadError("post_processor 'TemplateProcessing': unknown template piece in tokenizer.json");
    std::string name = st.GetString("id", "");
    json::Value ids = specials[name]["ids"];
    if (!ids.is_array()) throw LoadError("post_processor 'TemplateProcessing': special token '" + name + "' is not defined");
    for (size_t k = 0; k < ids.size(); ++k) {
      if (!ids.at(k).is_number()) throw LoadError("post_processor 'TemplateProcessing': bad id for '" + name + "'");
      (seen_a ? suffix : prefix).push_back(static_cast<uint32_t>(ids.at(k).as_number()));
    }
  }
  if (!seen_a) throw LoadError("post_processor 'TemplateProcessing': the single template lacks sequence A");
  return std::make_unique<AffixProcessor>(std::move(prefix), std::move(suffix));
}

// Roberta/Bert: "cls": [token, id], "sep": [token, id].
std::unique_ptr<PostProcessor> MakeClsSep(json::Value v, const std::string& type) {
  json::Value cls = v["cls"], sep = v["sep"];
  if (!cls.at(1).is_number() || !sep.at(1).is_number()) throw LoadError("post_processor '" + type + "' without cls/sep ids in tokenizer.json");
  return std::make_unique<AffixProcessor>(std::vector<uint32_t>{static_cast<uint32_t>(cls.at(1).as_number())},
                                          std::vector<uint32_t>{static_cast<uint32_t>(sep.at(1).as_number())});
}

}  // namespace

std::unique_ptr<PostProcessor> MakePostProcessor(json::Value v) {
  if (v.absent()) return nullptr;
  if (!v.is_object()) throw LoadError("post_processor must be an object in tokenizer.json");
  std::string type = v.GetString("type", "");
  if (type == "TemplateProcessing") return MakeTemplate(v);
  if (type == "ByteLevel") return std::make_unique<AffixProcessor>(std::vector<uint32_t>{}, std::vector<uint32_t>{});
  if (type == "RobertaProcessing" || type == "BertProcessing") return MakeClsSep(v, type);
  if (type == "Sequence") {
    json::Value list = v["processors"];
    if (!list.is_array()) throw LoadError("post_processor 'Sequence' without a 'processors' array in tokenizer.json");
    std::vector<std::unique_ptr<PostProcessor>> steps;
    for (size_t i = 0; i < list.size(); ++i) {
      if (list.at(i).absent()) continue;
      steps.push_back(MakePostProcessor(list.at(i)));
    }
    return std::make_unique<SequenceProcessor>(std::move(steps));
  }
  throw LoadError("unsupported post_processor '" + type + "' in tokenizer.json");
}

}  // namespace collie::tok
