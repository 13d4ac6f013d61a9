#pragma once
// The command line's checks for the run modes beyond the window and headless: serving a run
// (--serve), viewing one (--connect), and data-parallel ranks (--rank, --world-size...).
#include <string>

#include "core/cli.h"

namespace genscope {

/// Why `flag` does not fit --serve or --connect, or "" when it does.
std::string remote_problem(const std::string& flag, const CliOptions& o);

}  // namespace genscope
