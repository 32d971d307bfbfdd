// Small filesystem helpers for the loaders. ReadFile throws LoadError.
#pragma once
#include <string>
#include <vector>

namespace collie::tok {

std::string ReadFile(const std::string& path);
bool FileExists(const std::string& path);  // regular file
std::string DirName(const std::string& path);
std::string BaseName(const std::string& path);
// Names (not paths) of the regular files in dir ending with suffix, sorted.
std::vector<std::string> ListFiles(const std::string& dir, const char* suffix);

}  // namespace collie::tok
