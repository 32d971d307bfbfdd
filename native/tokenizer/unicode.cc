// Unicode layer: UTF-8 coding, general categories, White_Space, simple case folding and the
// four normalization forms. Data tables come from unicode_tables.inc (generated, committed).
#include "unicode.h"

#include <algorithm>
#include <cstring>
#include <vector>

namespace collie::tok {
namespace {

#include "unicode_tables.inc"

constexpr char32_t kSBase = 0xAC00, kLBase = 0x1100, kVBase = 0x1161, kTBase = 0x11A7;
constexpr char32_t kLCount = 19, kVCount = 21, kTCount = 28;
constexpr char32_t kNCount = kVCount * kTCount, kSCount = kLCount * kNCount;

// Quick-check flag bits of NormRecord::flags (see the generator).
constexpr uint8_t kNfdNo = 1, kNfkdNo = 2, kNfcNo = 4, kNfcMaybe = 8, kNfkcNo = 16,
                  kNfkcMaybe = 32;
// Raw invalid bytes travel through the slow normalization path as these pseudo code points.
constexpr char32_t kRawByteBase = 0x110000;

inline const NormRecord& Norm(char32_t cp) {
  if (cp >= 0x110000) return kNormRecords[0];
  return kNormRecords[kNormStage2[static_cast<size_t>(kNormStage1[cp >> 7]) * 128 + (cp & 127)]];
}

inline uint8_t QcMask(NormForm form) {
  switch (form) {
    case NormForm::kNfc: return kNfcNo | kNfcMaybe;
    case NormForm::kNfkc: return kNfkcNo | kNfkcMaybe;
    case NormForm::kNfd: return kNfdNo;
    case NormForm::kNfkd: return kNfkdNo;
  }
  return 0xff;
}

template <typename T>
bool SortedFind(const T* keys, size_t n, T key, size_t* at) {
  const T* it = std::lower_bound(keys, keys + n, key);
  if (it == keys + n || *it != key) return false;
  *at = static_cast<size_t>(it - keys);
  return true;
}

char32_t Compose(char32_t a, char32_t b) {
  if (a >= kLBase && a < kLBase + kLCount && b >= kVBase && b < kVBase + kVCount) {
    return kSBase + ((a - kLBase) * kVCount + (b - kVBase)) * kTCount;
  }
  if (a >= kSBase && a < kSBase + kSCount && (a - kSBase) % kTCount == 0 && b > kTBase &&
      b < kTBase + kTCount) {
    return a + (b - kTBase);
  }
  if (a >= 0x110000 || b >= 0x110000) return 0;
  size_t at;
  uint64_t key = (static_cast<uint64_t>(a) << 21) | b;
  if (!SortedFind(kCompKeys, sizeof(kCompKeys) / sizeof(kCompKeys[0]), key, &at)) return 0;
  return kCompValues[at];
}

struct Item {
  char32_t cp;
  uint8_t ccc;
};

void DecomposeInto(char32_t cp, bool compat, std::vector<Item>* buf) {
  if (cp >= kSBase && cp < kSBase + kSCount) {
    char32_t s = cp - kSBase;
    buf->push_back({kLBase + s / kNCount, 0});
    buf->push_back({kVBase + (s % kNCount) / kTCount, 0});
    if (s % kTCount != 0) buf->push_back({kTBase + s % kTCount, 0});
    return;
  }
  const NormRecord& r = Norm(cp);
  uint16_t off = compat ? r.compat_off : r.canon_off;
  uint8_t len = compat ? r.compat_len : r.canon_len;
  if (len == 0) {
    buf->push_back({cp, r.ccc});
    return;
  }
  for (uint8_t i = 0; i < len; ++i) {
    char32_t c = kDecomp[off + i];
    buf->push_back({c, Norm(c).ccc});
  }
}

void AppendOut(std::string* out, char32_t cp) {
  if (cp >= kRawByteBase) {
    out->push_back(static_cast<char>(cp - kRawByteBase));
  } else {
    AppendUtf8(out, cp);
  }
}

// Full normalization of in[0..n) (a region that starts with a quick-check-yes starter or at the
// start of the text, and ends before one or at the end), appended to *out.
void NormalizeSlow(NormForm form, const char* s, size_t n, std::vector<Item>* buf,
                   std::string* out) {
  const bool compat = form == NormForm::kNfkc || form == NormForm::kNfkd;
  const bool compose = form == NormForm::kNfc || form == NormForm::kNfkc;
  buf->clear();
  for (size_t i = 0; i < n;) {
    char32_t cp;
    size_t len = DecodeUtf8(s + i, n - i, &cp);
    if (cp == 0xFFFD && len == 1) {
      cp = kRawByteBase + static_cast<unsigned char>(s[i]);  // invalid byte: pass through
    }
    DecomposeInto(cp, compat, buf);
    i += len;
  }
  // Canonical ordering: stable sort of every run of non-starters by combining class.
  std::vector<Item>& b = *buf;
  for (size_t i = 1; i < b.size(); ++i) {
    if (b[i].ccc == 0) continue;
    for (size_t j = i; j > 0 && b[j - 1].ccc > b[j].ccc; --j) std::swap(b[j - 1], b[j]);
  }
  if (compose && !b.empty()) {
    size_t starter = 0;
    bool have_starter = b[0].ccc == 0;
    int last_class = have_starter ? 0 : 256;
    size_t w = 1;
    for (size_t i = 1; i < b.size(); ++i) {
      Item it = b[i];
      if (have_starter && (last_class < it.ccc || last_class == 0)) {
        char32_t c = Compose(b[starter].cp, it.cp);
        if (c != 0) {
          b[starter].cp = c;
          continue;
        }
      }
      if (it.ccc == 0) {
        starter = w;
        have_starter = true;
      }
      last_class = it.ccc;
      b[w++] = it;
    }
    b.resize(w);
  }
  for (const Item& it : b) AppendOut(out, it.cp);
}

// Byte offset of the first non-ASCII byte in s[i..n), or n.
inline size_t SkipAscii(const char* s, size_t i, size_t n) {
  while (i + 8 <= n) {
    uint64_t w;
    std::memcpy(&w, s + i, 8);
    if (w & 0x8080808080808080ull) break;
    i += 8;
  }
  while (i < n && static_cast<unsigned char>(s[i]) < 0x80) ++i;
  return i;
}

// Quick check over s[from..n): returns the byte offset of the first code point whose quick
// check is not "yes" (or that breaks canonical order), or n. *safe receives the offset of the
// last starter with quick check "yes" before it (a point where the text can be split).
size_t QuickCheck(uint8_t mask, const char* s, size_t from, size_t n, size_t* safe) {
  size_t i = from;
  size_t last_safe = from;
  uint8_t last_ccc = 0;
  while (i < n) {
    size_t j = SkipAscii(s, i, n);
    if (j != i) {
      last_safe = j - 1;
      last_ccc = 0;
      i = j;
      if (i >= n) break;
    }
    char32_t cp;
    size_t len;
    const unsigned char* u = reinterpret_cast<const unsigned char*>(s + i);
    // Inline decoding of well-formed 2- and 3-byte sequences (the common non-ASCII case).
    if (u[0] >= 0xC2 && u[0] <= 0xDF && i + 1 < n && (u[1] & 0xC0) == 0x80) {
      cp = (static_cast<char32_t>(u[0] & 0x1F) << 6) | (u[1] & 0x3F);
      len = 2;
    } else if (u[0] >= 0xE1 && u[0] <= 0xEF && u[0] != 0xED && i + 2 < n &&
               (u[1] & 0xC0) == 0x80 && (u[2] & 0xC0) == 0x80) {
      cp = (static_cast<char32_t>(u[0] & 0x0F) << 12) |
           (static_cast<char32_t>(u[1] & 0x3F) << 6) | (u[2] & 0x3F);
      len = 3;
    } else {
      len = DecodeUtf8(s + i, n - i, &cp);
    }
    if (cp == 0xFFFD && len == 1) {
      // An invalid byte: a starter that never changes.
      last_safe = i;
      last_ccc = 0;
      i += 1;
      continue;
    }
    const NormRecord& r = Norm(cp);
    if ((r.flags & mask) != 0 || (r.ccc != 0 && last_ccc > r.ccc)) {
      *safe = last_safe;
      return i;
    }
    if (r.ccc == 0) last_safe = i;
    last_ccc = r.ccc;
    i += len;
  }
  *safe = last_safe;
  return n;
}

}  // namespace

size_t DecodeUtf8(const char* s, size_t n, char32_t* cp) {
  const unsigned char* u = reinterpret_cast<const unsigned char*>(s);
  unsigned char c = u[0];
  if (c < 0x80) {
    *cp = c;
    return 1;
  }
  if (c >= 0xC2 && c <= 0xDF) {
    if (n >= 2 && (u[1] & 0xC0) == 0x80) {
      *cp = (static_cast<char32_t>(c & 0x1F) << 6) | (u[1] & 0x3F);
      return 2;
    }
  } else if (c >= 0xE0 && c <= 0xEF) {
    if (n >= 3 && (u[1] & 0xC0) == 0x80 && (u[2] & 0xC0) == 0x80) {
      char32_t v = (static_cast<char32_t>(c & 0x0F) << 12) |
                   (static_cast<char32_t>(u[1] & 0x3F) << 6) | (u[2] & 0x3F);
      if (v >= 0x800 && (v < 0xD800 || v > 0xDFFF)) {
        *cp = v;
        return 3;
      }
    }
  } else if (c >= 0xF0 && c <= 0xF4) {
    if (n >= 4 && (u[1] & 0xC0) == 0x80 && (u[2] & 0xC0) == 0x80 && (u[3] & 0xC0) == 0x80) {
      char32_t v = (static_cast<char32_t>(c & 0x07) << 18) |
                   (static_cast<char32_t>(u[1] & 0x3F) << 12) |
                   (static_cast<char32_t>(u[2] & 0x3F) << 6) | (u[3] & 0x3F);
      if (v >= 0x10000 && v <= 0x10FFFF) {
        *cp = v;
        return 4;
      }
    }
  }
  *cp = 0xFFFD;
  return 1;
}

void AppendUtf8(std::string* out, char32_t cp) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    char b[2] = {static_cast<char>(0xC0 | (cp >> 6)), static_cast<char>(0x80 | (cp & 0x3F))};
    out->append(b, 2);
  } else if (cp < 0x10000) {
    char b[3] = {static_cast<char>(0xE0 | (cp >> 12)),
                 static_cast<char>(0x80 | ((cp >> 6) & 0x3F)),
                 static_cast<char>(0x80 | (cp & 0x3F))};
    out->append(b, 3);
  } else {
    char b[4] = {static_cast<char>(0xF0 | (cp >> 18)),
                 static_cast<char>(0x80 | ((cp >> 12) & 0x3F)),
                 static_cast<char>(0x80 | ((cp >> 6) & 0x3F)),
                 static_cast<char>(0x80 | (cp & 0x3F))};
    out->append(b, 4);
  }
}

bool IsValidUtf8(std::string_view s) {
  size_t i = 0, n = s.size();
  while (i < n) {
    i = SkipAscii(s.data(), i, n);
    if (i >= n) break;
    char32_t cp;
    size_t len = DecodeUtf8(s.data() + i, n - i, &cp);
    if (len == 1) return false;  // a non-ASCII byte decoded alone is always invalid
    i += len;
  }
  return true;
}

Gc GeneralCategory(char32_t cp) {
  if (cp >= 0x110000) return Gc::Cn;
  return static_cast<Gc>(kGcStage2[static_cast<size_t>(kGcStage1[cp >> 7]) * 128 + (cp & 127)]);
}

bool IsWhiteSpace(char32_t cp) {
  if (cp < 0x80) return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20;
  switch (cp) {
    case 0x85: case 0xA0: case 0x1680: case 0x2028: case 0x2029: case 0x202F: case 0x205F:
    case 0x3000:
      return true;
    default:
      return cp >= 0x2000 && cp <= 0x200A;
  }
}

char32_t CaseFoldSimple(char32_t cp) {
  size_t at;
  if (SortedFind(kFoldFrom, sizeof(kFoldFrom) / sizeof(kFoldFrom[0]), static_cast<uint32_t>(cp),
                 &at)) {
    return kFoldTo[at];
  }
  return cp;
}

char32_t CaseFoldOrbitNext(char32_t cp) {
  size_t at;
  if (SortedFind(kOrbitFrom, sizeof(kOrbitFrom) / sizeof(kOrbitFrom[0]),
                 static_cast<uint32_t>(cp), &at)) {
    return kOrbitNext[at];
  }
  return cp;
}

int CaseFoldMulti(char32_t cp, char32_t out[3]) {
  size_t at;
  if (!SortedFind(kMultiFoldFrom, sizeof(kMultiFoldFrom) / sizeof(kMultiFoldFrom[0]),
                  static_cast<uint32_t>(cp), &at)) {
    return 0;
  }
  int n = 0;
  for (int i = 0; i < 3; ++i) {
    char32_t c = kMultiFoldTo[at * 3 + static_cast<size_t>(i)];
    if (c != 0) out[n++] = c;
  }
  return n;
}

size_t MultiCaseFoldCount() { return sizeof(kMultiFoldFrom) / sizeof(kMultiFoldFrom[0]); }

char32_t MultiCaseFoldSource(size_t i) {
  return i < MultiCaseFoldCount() ? kMultiFoldFrom[i] : 0;
}

uint8_t CombiningClass(char32_t cp) { return Norm(cp).ccc; }

void Normalize(NormForm form, std::string_view in, std::string* out) {
  out->clear();
  const char* s = in.data();
  const size_t n = in.size();
  const uint8_t mask = QcMask(form);
  size_t copied = 0;  // in[0..copied) has been written to *out
  size_t pos = 0;     // quick check resumes here
  std::vector<Item> buf;
  while (true) {
    size_t safe;
    size_t bad = QuickCheck(mask, s, pos, n, &safe);
    if (bad >= n) {
      if (copied == 0) {
        out->assign(s, n);
      } else {
        out->append(s + copied, n - copied);
      }
      return;
    }
    if (out->capacity() < n + n / 8) out->reserve(n + n / 8);
    // [safe, end) is normalized as a whole, where end is the next starter with quick check yes
    // (or the end of the text). The text before `safe` is already normalized.
    if (safe < copied) safe = copied;
    out->append(s + copied, safe - copied);
    size_t end = bad;
    {
      char32_t cp;
      end += DecodeUtf8(s + end, n - end, &cp);
    }
    while (end < n) {
      char32_t cp;
      size_t len = DecodeUtf8(s + end, n - end, &cp);
      if (cp < 0x80) break;
      const NormRecord& r = Norm(cp);
      if (r.ccc == 0 && (r.flags & mask) == 0) break;
      end += len;
    }
    NormalizeSlow(form, s + safe, end - safe, &buf, out);
    copied = end;
    pos = end;
    if (pos >= n) return;
  }
}

bool IsNormalized(NormForm form, std::string_view s) {
  size_t safe;
  if (QuickCheck(QcMask(form), s.data(), 0, s.size(), &safe) >= s.size()) return true;
  std::string tmp;
  Normalize(form, s, &tmp);
  return tmp == s;
}

}  // namespace collie::tok
