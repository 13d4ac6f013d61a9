#pragma once
// A C stdio file that closes itself.
#include <cstdio>
#include <memory>

namespace genscope {

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};
/// An open std::FILE, closed when it goes.
using CFile = std::unique_ptr<std::FILE, FileCloser>;

}  // namespace genscope
