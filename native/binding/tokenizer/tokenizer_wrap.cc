// Placeholder until the engine binding lands (see register.h).
#include "register.h"

namespace collie::tok {
void RegisterTokenizer(Napi::Env, Napi::Object) {}
}  // namespace collie::tok
