# SOURCES is a "|"-separated list of files.
# Writes OUT: a C++ source defining genscope::embedded_shader(name) over every file in SOURCES.
set(body "#include <cstring>\n#include <string_view>\nnamespace genscope {\nstd::string_view embedded_shader(std::string_view name) {\n")
string(REPLACE "|" ";" SOURCES "${SOURCES}")
foreach(src IN LISTS SOURCES)
  get_filename_component(name ${src} NAME)
  file(READ ${src} text)
  string(APPEND body "  if (name == \"${name}\") return R\"glsl(${text})glsl\";\n")
endforeach()
string(APPEND body "  return {};\n}\n}  // namespace genscope\n")
file(WRITE ${OUT}.tmp "${body}")
file(COPY_FILE ${OUT}.tmp ${OUT} ONLY_IF_DIFFERENT)
