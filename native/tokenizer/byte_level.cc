#include "byte_level.h"

#include <array>

#include "unicode.h"

namespace collie::tok {

namespace {

struct Tables {
  std::array<char32_t, 256> to_char{};
  std::array<int16_t, 324> to_byte{};  // chars < 324 cover the whole image
  Tables() {
    to_byte.fill(-1);
    int n = 0;
    for (int b = 0; b < 256; ++b) {
      bool printable = (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
      char32_t c = printable ? static_cast<char32_t>(b) : static_cast<char32_t>(256 + n++);
      to_char[static_cast<size_t>(b)] = c;
      to_byte[c] = static_cast<int16_t>(b);
    }
  }
};

const Tables& T() {
  static const Tables t;
  return t;
}

}  // namespace

char32_t ByteToChar(uint8_t b) { return T().to_char[b]; }

int CharToByte(char32_t cp) { return cp < 324 ? T().to_byte[cp] : -1; }

void BytesToByteLevel(std::string_view raw, std::string* out) {
  for (unsigned char b : raw) AppendUtf8(out, ByteToChar(b));
}

bool ByteLevelToBytes(std::string_view token, std::string* out) {
  out->clear();
  size_t i = 0;
  while (i < token.size()) {
    char32_t cp;
    i += DecodeUtf8(token.data() + i, token.size() - i, &cp);
    int b = CharToByte(cp);
    if (b < 0) return false;
    out->push_back(static_cast<char>(b));
  }
  return true;
}

}  // namespace collie::tok
