// Rust's String::from_utf8_lossy: each maximal ill-formed subpart becomes one U+FFFD.
#pragma once
#include <string>
#include <string_view>

namespace collie::tok {

// Appends the lossy decoding of bytes to *out.
void AppendUtf8Lossy(std::string_view bytes, std::string* out);
// Length of the longest prefix of bytes that ends on a char boundary of well-formed UTF-8
// followed by an incomplete-but-valid-so-far sequence (that tail may still complete).
size_t CompleteUtf8Prefix(std::string_view bytes);

}  // namespace collie::tok
