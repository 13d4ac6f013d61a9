#version 330 core
// Attribute-less quad (4-vertex triangle strip from gl_VertexID) covering u_rect.
uniform vec4 u_rect;  // destination in NDC: left, bottom, right, top
out vec2 v_uv;

void main() {
  vec2 corner = vec2(gl_VertexID & 1, gl_VertexID >> 1);
  v_uv = vec2(corner.x, 1.0 - corner.y);  // texture row 0 (image top) at the rect's top
  gl_Position = vec4(mix(u_rect.xy, u_rect.zw, corner), 0.0, 1.0);
}
