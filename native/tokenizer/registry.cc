#include "registry.h"

#include <mutex>
#include <unordered_map>

namespace collie::tok::registry {

namespace {

struct State {
  std::mutex mu;
  std::unordered_map<uint32_t, std::shared_ptr<const Tokenizer>> map;
  uint32_t next = 1;
};

State& S() {
  static State* s = new State();  // never destroyed: workers may outlive static teardown
  return *s;
}

}  // namespace

uint32_t Add(std::shared_ptr<const Tokenizer> t) {
  State& s = S();
  std::lock_guard<std::mutex> lock(s.mu);
  uint32_t h = s.next++;
  s.map.emplace(h, std::move(t));
  return h;
}

std::shared_ptr<const Tokenizer> Get(uint32_t handle) {
  State& s = S();
  std::lock_guard<std::mutex> lock(s.mu);
  auto it = s.map.find(handle);
  return it == s.map.end() ? nullptr : it->second;
}

bool Remove(uint32_t handle) {
  std::shared_ptr<const Tokenizer> victim;  // destroyed outside the lock
  State& s = S();
  std::lock_guard<std::mutex> lock(s.mu);
  auto it = s.map.find(handle);
  if (it == s.map.end()) return false;
  victim = std::move(it->second);
  s.map.erase(it);
  return true;
}

}  // namespace collie::tok::registry
