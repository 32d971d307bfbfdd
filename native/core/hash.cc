#include "hash.h"

#include <cstring>

namespace collie {
namespace {

constexpr uint64_t kP0 = 0xa0761d6478bd642full;
constexpr uint64_t kP1 = 0xe7037ed1a0b428dbull;
constexpr uint64_t kP2 = 0x8ebc6af09c88c6e3ull;

// 64x64 -> 128 multiply folded back to 64 bits; the core mixing step.
inline uint64_t Mix(uint64_t a, uint64_t b) {
  __uint128_t r = static_cast<__uint128_t>(a) * b;
  return static_cast<uint64_t>(r) ^ static_cast<uint64_t>(r >> 64);
}

inline uint64_t Read64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;  // x86-64 and arm64 targets are little-endian
}

inline uint64_t ReadTail(const uint8_t* p, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i) v |= static_cast<uint64_t>(p[i]) << (8 * i);
  return v;
}

}  // namespace

uint64_t Hash64(const uint8_t* data, size_t len, uint64_t seed) {
  uint64_t h = seed ^ Mix(seed ^ kP0, kP1) ^ len;
  size_t i = 0;
  for (; i + 16 <= len; i += 16) {
    h = Mix(Read64(data + i) ^ kP1, Read64(data + i + 8) ^ h);
  }
  if (i + 8 <= len) {
    h = Mix(Read64(data + i) ^ kP2, h ^ kP0);
    i += 8;
  }
  if (i < len) h = Mix(ReadTail(data + i, len - i) ^ kP1, h ^ kP2);
  return Mix(h ^ kP0, kP1 ^ len);
}

namespace {

// Chain step: block i's hash = Link(hash of block i-1, digest of block i's bytes alone). The
// digests do not depend on the chain, so the CPU computes several blocks' digests in
// parallel and only this one multiply is serial per block (~2x faster than hashing each
// block seeded with the previous hash, which serialises every multiply).
constexpr uint64_t kDigestSeed = 0x9e3779b97f4a7c15ull;

inline uint64_t Link(uint64_t prev, uint64_t digest) {
  return Mix(prev ^ kP0, digest ^ kP1) ^ prev;
}

}  // namespace

size_t ChainedBlockHashes(const uint32_t* tokens, size_t count, size_t block_size,
                          uint64_t seed, uint64_t* out, size_t out_capacity) {
  if (block_size == 0) return 0;
  size_t blocks = count / block_size;
  if (blocks > out_capacity) blocks = out_capacity;
  return ChainedByteBlockHashes(reinterpret_cast<const uint8_t*>(tokens),
                                blocks * block_size * sizeof(uint32_t),
                                block_size * sizeof(uint32_t), seed, out, blocks);
}

size_t ChainedByteBlockHashes(const uint8_t* bytes, size_t len, size_t block_bytes,
                              uint64_t seed, uint64_t* out, size_t out_capacity) {
  if (block_bytes == 0) return 0;
  size_t blocks = len / block_bytes;
  size_t n = blocks < out_capacity ? blocks : out_capacity;
  uint64_t prev = seed;
  for (size_t b = 0; b < n; ++b) {
    prev = Link(prev, Hash64(bytes + b * block_bytes, block_bytes, kDigestSeed));
    out[b] = prev;
  }
  return blocks;
}

}  // namespace collie
