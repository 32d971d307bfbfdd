// Placeholder until the regex binding lands (see register.h).
#include "register.h"

namespace collie::tok {
void RegisterRegexDebug(Napi::Env, Napi::Object) {}
}  // namespace collie::tok
