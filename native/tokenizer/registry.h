// Process-wide handle registry: handle number -> immutable tokenizer. Shared by every thread
// (and every Node environment) that loads the addon, so a handle loaded on the main thread
// works in worker threads. Handles are never reused; Get returns a shared_ptr, so a Remove
// racing with an encode on another thread is safe (the encode finishes on its copy).
#pragma once
#include <cstdint>
#include <memory>

namespace collie::tok {

class Tokenizer;

namespace registry {

// Returns the new handle (>= 1).
uint32_t Add(std::shared_ptr<const Tokenizer> t);
// nullptr when the handle is unknown or freed.
std::shared_ptr<const Tokenizer> Get(uint32_t handle);
// False when the handle was unknown.
bool Remove(uint32_t handle);

}  // namespace registry
}  // namespace collie::tok
