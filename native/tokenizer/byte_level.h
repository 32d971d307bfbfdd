// GPT-2's byte <-> unicode-char mapping used by the ByteLevel pre-tokenizer and decoder:
// printable Latin-1 bytes map to themselves, the other 68 bytes to U+0100.. in byte order.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace collie::tok {

// The char that byte b is shown as.
char32_t ByteToChar(uint8_t b);
// The byte shown as cp, or -1 when cp is not in the mapping.
int CharToByte(char32_t cp);
// Appends the byte-level form of raw bytes (each byte becomes its char, UTF-8 encoded).
void BytesToByteLevel(std::string_view raw, std::string* out);
// Decodes a byte-level token string into raw bytes. False (out unspecified) when some char is
// not in the mapping.
bool ByteLevelToBytes(std::string_view token, std::string* out);

}  // namespace collie::tok
