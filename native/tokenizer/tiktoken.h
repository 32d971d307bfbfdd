// tiktoken rank files ("base64(token) rank" per line). The pre-tokenizer pattern and the
// special tokens come from the file name (o200k_base, cl100k_base, p50k_base, p50k_edit,
// r50k_base, gpt2) or from a sibling tokenizer_config.json ("pat_str" / "pattern",
// "added_tokens_decoder", bos/eos). Encoding equals tiktoken's
// encode(text, allowed_special="all"): special tokens are always recognised, like HF.
#pragma once
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace collie::tok {

class Tokenizer;

std::shared_ptr<const Tokenizer> LoadTiktoken(const std::string& path);

// Parses rank-file text into (raw token bytes, rank). Throws LoadError naming the line.
std::vector<std::pair<std::string, uint32_t>> ParseTiktokenRanks(std::string_view text, const std::string& path);

}  // namespace collie::tok
