// Pure C++ hashing core: no N-API types here, so it can be unit-tested and reused
// by the prefix index (later issue) and the binding layer alike.
#pragma once
#include <cstddef>
#include <cstdint>

namespace collie {

// 64-bit non-cryptographic hash of a byte range. Deterministic across processes and
// machines (little-endian reads), which is what routing rings and block chains need.
uint64_t Hash64(const uint8_t* data, size_t len, uint64_t seed);

// Chained block hashes over a token array: block i's hash covers block i and (through
// the previous hash) every block before it, so equal hashes mean equal prefixes.
// Only full blocks are hashed; returns the number of hashes written to `out`
// (floor(count / block_size), capped at out_capacity).
size_t ChainedBlockHashes(const uint32_t* tokens, size_t count, size_t block_size,
                          uint64_t seed, uint64_t* out, size_t out_capacity);

// The same chain over raw bytes: block i covers bytes [i·block_bytes, (i+1)·block_bytes).
// With block_bytes = 4·block_size this equals ChainedBlockHashes over the bytes read as
// little-endian uint32 tokens. Returns floor(len / block_bytes) — the number of hashes the
// input has — and writes at most out_capacity of them.
size_t ChainedByteBlockHashes(const uint8_t* bytes, size_t len, size_t block_bytes,
                              uint64_t seed, uint64_t* out, size_t out_capacity);

}  // namespace collie
