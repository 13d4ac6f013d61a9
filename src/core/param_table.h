#pragma once
// The parameter table's declaration (param_table.cpp), read once by param_table() (params.cpp).
#include <array>

#include "core/params.h"

namespace genscope {

/// Every row in ParamId order, with each choice's range and the family defaults in its help.
/// Throws std::logic_error when the rows are out of order (a programming error).
std::array<ParamSpec, kParamCount> make_param_table();

}  // namespace genscope
