#version 330 core
// Samples u_texture and multiplies by u_tint.
uniform sampler2D u_texture;
uniform vec4 u_tint;
in vec2 v_uv;
out vec4 frag_color;

void main() {
  frag_color = texture(u_texture, v_uv) * u_tint;
}
