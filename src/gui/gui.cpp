#include "gui/gui.h"

#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>

#include <vector>

namespace genscope {
namespace {

// Renders the lists of `data` for which `keep` is true.
template <typename Keep>
void render_lists(ImDrawData* data, Keep keep) {
  std::vector<ImDrawList*> lists;
  ImDrawData part = *data;
  part.TotalIdxCount = part.TotalVtxCount = 0;
  for (int i = 0; i < data->CmdListsCount; ++i) {
    if (!keep(data->CmdLists[i])) continue;
    lists.push_back(data->CmdLists[i]);
    part.TotalIdxCount += data->CmdLists[i]->IdxBuffer.Size;
    part.TotalVtxCount += data->CmdLists[i]->VtxBuffer.Size;
  }
  if (lists.empty()) return;
  part.CmdLists = lists.data();
  part.CmdListsCount = int(lists.size());
  ImGui_ImplOpenGL3_RenderDrawData(&part);
}

}  // namespace

Gui::Gui(GLFWwindow* window) : context_(ImGui::CreateContext()), has_window_(true) {
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // a fixed layout: the same window always looks the same
  apply_style();
  ImGui_ImplGlfw_InitForOpenGL(window, /*install_callbacks=*/true);
  ImGui_ImplOpenGL3_Init("#version 330 core");
}

Gui::Gui() : context_(ImGui::CreateContext()), has_window_(false) {
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;
  io.LogFilename = nullptr;
  io.MousePos = ImVec2(-1e6f, -1e6f);  // no mouse: nothing hovers
  apply_style();
  ImGui_ImplOpenGL3_Init("#version 330 core");
}

Gui::~Gui() {
  ImGui_ImplOpenGL3_Shutdown();
  if (has_window_) ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext(context_);
}

void Gui::begin_frame() {
  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplGlfw_NewFrame();
  ImGui::NewFrame();
}

void Gui::begin_frame(int width, int height, float dt) {
  ImGui_ImplOpenGL3_NewFrame();
  ImGuiIO& io = ImGui::GetIO();
  io.DisplaySize = ImVec2(float(width), float(height));
  io.DisplayFramebufferScale = ImVec2(1.0f, 1.0f);
  io.DeltaTime = dt > 0.0f ? dt : 1.0f / 60.0f;
  ImGui::NewFrame();
}

void Gui::end_frame(const ImDrawList* held_back) {
  ImGui::Render();
  held_back_ = held_back;
  ImDrawData* data = ImGui::GetDrawData();
  if (!held_back) {
    ImGui_ImplOpenGL3_RenderDrawData(data);
    return;
  }
  render_lists(data, [&](const ImDrawList* l) { return l != held_back; });
}

void Gui::render_held_back() {
  if (!held_back_) return;
  const ImDrawList* held = held_back_;
  held_back_ = nullptr;
  render_lists(ImGui::GetDrawData(), [&](const ImDrawList* l) { return l == held; });
}

void apply_style() {
  ImGui::StyleColorsDark();
  ImGuiStyle& style = ImGui::GetStyle();
  style.WindowRounding = 3.0f;
  style.FrameRounding = 2.0f;
  style.GrabRounding = 2.0f;
  style.WindowPadding = ImVec2(8, 6);
  style.ItemSpacing = ImVec2(6, 4);
  style.Colors[ImGuiCol_WindowBg] = ImVec4(0.09f, 0.10f, 0.12f, 1.0f);
  style.Colors[ImGuiCol_TitleBgActive] = ImVec4(0.16f, 0.22f, 0.34f, 1.0f);
}

}  // namespace genscope
