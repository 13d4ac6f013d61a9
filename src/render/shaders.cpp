#include "render/shaders.h"

#include <string>

namespace genscope {

Result<ShaderProgram> load_program(std::string_view vert_name, std::string_view frag_name) {
  for (std::string_view name : {vert_name, frag_name}) {
    if (embedded_shader(name).empty()) {
      return Error{"shaders/" + std::string(name) + ": not embedded in this build"};
    }
  }
  return ShaderProgram::create(embedded_shader(vert_name), embedded_shader(frag_name),
                               "shaders/" + std::string(vert_name),
                               "shaders/" + std::string(frag_name));
}

}  // namespace genscope
