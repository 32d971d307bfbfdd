#include "utf8_lossy.h"

namespace collie::tok {

namespace {

// For lead byte c: total length and the allowed range of the first continuation byte.
bool LeadInfo(unsigned char c, size_t* len, unsigned char* lo, unsigned char* hi) {
  *lo = 0x80, *hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) return *len = 2, true;
  if (c == 0xE0) return *len = 3, *lo = 0xA0, true;
  if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) return *len = 3, true;
  if (c == 0xED) return *len = 3, *hi = 0x9F, true;
  if (c == 0xF0) return *len = 4, *lo = 0x90, true;
  if (c >= 0xF1 && c <= 0xF3) return *len = 4, true;
  if (c == 0xF4) return *len = 4, *hi = 0x8F, true;
  return false;
}

// Valid bytes following the lead at s[i]: returns how many of the needed continuation bytes
// are present and valid (stops at the first bad one or at the end).
size_t ValidTail(std::string_view s, size_t i, size_t len, unsigned char lo, unsigned char hi) {
  size_t k = 1;
  for (; k < len && i + k < s.size(); ++k) {
    unsigned char b = static_cast<unsigned char>(s[i + k]);
    unsigned char l = k == 1 ? lo : 0x80, h = k == 1 ? hi : 0xBF;
    if (b < l || b > h) break;
  }
  return k;
}

}  // namespace

void AppendUtf8Lossy(std::string_view s, std::string* out) {
  size_t i = 0, run = 0;  // run: start of the pending valid stretch
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    unsigned char lo, hi;
    if (LeadInfo(c, &len, &lo, &hi)) {
      size_t k = ValidTail(s, i, len, lo, hi);
      if (k == len) {
        i += len;
        continue;
      }
      out->append(s.substr(run, i - run));
      out->append("\xEF\xBF\xBD");
      i += k;
    } else {
      out->append(s.substr(run, i - run));
      out->append("\xEF\xBF\xBD");
      i += 1;
    }
    run = i;
  }
  out->append(s.substr(run));
}

size_t CompleteUtf8Prefix(std::string_view s) {
  // Look at the last (up to 3) bytes for an incomplete but so-far-valid sequence.
  size_t n = s.size();
  for (size_t back = 1; back <= 3 && back <= n; ++back) {
    size_t i = n - back;
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) return n;
    size_t len;
    unsigned char lo, hi;
    if (LeadInfo(c, &len, &lo, &hi)) {
      if (len > back && ValidTail(s, i, len, lo, hi) == back) return i;
      return n;
    }
    if (c > 0xBF) return n;  // invalid lead: nothing can complete it
  }
  return n;
}

}  // namespace collie::tok
