// Panels with no GL context and no display: a UiHarness without GL drives them with synthetic
// mouse and keyboard over real ImGui frames, and a View with a StubTextureBackend stands in for
// the textures. Each test checks the commands sent, what the draw data show (text, the texture
// an image is drawn with) and what was uploaded; pixels are the GL tests' business.
#include <gtest/gtest-spi.h>  // EXPECT_NONFATAL_FAILURE
#include <gtest/gtest.h>
#include <imgui.h>
#include <imgui_internal.h>

#include <cmath>
#include <functional>

#include "gui/panels/panels.h"
#include "support/fake_snapshots.h"
#include "support/ui_harness.h"

using namespace genscope;
using genscope::test::UiHarness;

namespace {

// A flat grid image of `w` x `h` pixels in one colour.
ImageRGBA flat_image(int w, int h, uint8_t r, uint8_t g, uint8_t b) {
  ImageRGBA image{w, h, std::vector<uint8_t>(size_t(w) * h * 4, 255)};
  for (size_t p = 0; p < image.pixels.size(); p += 4) {
    image.pixels[p] = r, image.pixels[p + 1] = g, image.pixels[p + 2] = b;
  }
  return image;
}

// Where the last frame drew texture `id`: the bounds of each draw command's vertices.
std::vector<ImRect> drawn_with(uintptr_t id) {
  std::vector<ImRect> out;
  const ImDrawData* data = ImGui::GetDrawData();
  if (!data) return out;
  for (int l = 0; l < data->CmdListsCount; ++l) {
    const ImDrawList* list = data->CmdLists[l];
    for (const ImDrawCmd& cmd : list->CmdBuffer) {
      if (cmd.UserCallback || cmd.TextureId != reinterpret_cast<ImTextureID>(id)) continue;
      ImRect r(ImVec2(FLT_MAX, FLT_MAX), ImVec2(-FLT_MAX, -FLT_MAX));
      for (unsigned k = 0; k < cmd.ElemCount; ++k) {
        r.Add(list->VtxBuffer[int(cmd.VtxOffset + list->IdxBuffer[int(cmd.IdxOffset + k)])].pos);
      }
      out.push_back(r);
    }
  }
  return out;
}

class Panels : public ::testing::Test {
 protected:
  void SetUp() override {
    ui_ = UiHarness::without_gl(640, 480);
    ASSERT_TRUE(ui_->ok());
    auto stub = std::make_unique<StubTextureBackend>();
    stub_ = stub.get();
    view_ = std::make_unique<View>(queue_, std::move(stub));
    snapshot_.running = true;
    snapshot_.model_name = "dcgan";
    view_->update_snapshot(snapshot_);
    ui_->draw = [&] {
      if (draw_) {
        draw_();
      } else {
        controls_.draw(*view_, ImRect(0, 0, 300, 480));
      }
    };
  }
  void TearDown() override {
    view_.reset();
    ui_.reset();
  }

  std::vector<Command> drained() {
    std::vector<Command> out;
    queue_.drain(out);
    return out;
  }

  // A VAE snapshot with a 4-D latent and every latent image present.
  void make_vae_snapshot() {
    snapshot_.model_name = "vae";
    snapshot_.is_gan = false;
    ImageRGBA image{28, 28, std::vector<uint8_t>(28 * 28 * 4, 128)};
    snapshot_.samples = image;
    snapshot_.samples_version = 1;
    LatentViews& latent = snapshot_.latent;
    latent.version = 1;
    latent.latent_dim = 4;
    latent.reconstructions = latent.traversal = latent.interpolation = latent.explorer = image;
    latent.traversal_rows = {"z0"};
    latent.kl_per_dim = {0.5f, 1.0f, 0.0f, 2.0f};
    auto map = std::make_shared<LatentMap>();
    map->dim = 4;
    map->projected = true;
    map->codes.assign(3 * 4, 0.5f);
    map->xy = {0, 0, 1, 1, -1, 0.5f};
    map->labels = {0, 1, 2};
    map->axes.assign(8, 0.5f);
    map->mean.assign(4, 0.0f);
    map->extent[0] = -1, map->extent[1] = 0, map->extent[2] = 1, map->extent[3] = 1;
    latent.map = map;
    view_->update_snapshot(snapshot_);
  }

  // A 2D-lab snapshot: ring8 with a heatmap, points, arrows and a manifold.
  void make_toy_snapshot() {
    test::make_small_toy(snapshot_);
    view_->update_snapshot(snapshot_);
  }

  // Whether a window named `title` was drawn in the last frame.
  static bool shown(const char* title) {
    ImGuiWindow* window = ImGui::FindWindowByName(title);
    return window && window->Active;
  }

  std::unique_ptr<UiHarness> ui_;
  CommandQueue queue_;
  StubTextureBackend* stub_ = nullptr;  // owned by the view's texture cache
  std::unique_ptr<View> view_;
  Snapshot snapshot_;
  ControlsPanel controls_;
  std::function<void()> draw_;  // what a frame draws; the Controls panel when empty
};

}  // namespace

TEST_F(Panels, TheSamplesPanelDrawsTheSamplesTextureUploadedOncePerVersion) {
  SamplesPanel samples;
  samples.show_real = false;
  draw_ = [&] { samples.draw(*view_, ImRect(0, 0, 640, 480)); };
  ui_->frames(2);
  EXPECT_EQ(stub_->uploads(), 0);
  EXPECT_TRUE(view_->samples_texture().empty());
  EXPECT_NE(ui_->window_text("Samples").find("waiting for the first snapshot"), std::string::npos)
      << ui_->window_text("Samples");

  snapshot_.samples = flat_image(98, 66, 250, 20, 20);
  snapshot_.samples_version = 1;
  snapshot_.samples_step = 100;
  view_->update_snapshot(snapshot_);
  EXPECT_EQ(stub_->uploads(), 1);
  EXPECT_EQ(stub_->live(), 1);
  const TextureRef texture = view_->textures().get(TextureSlot::kSamples);
  ASSERT_NE(texture.id, 0u);
  EXPECT_EQ(texture.width(), 98);
  EXPECT_EQ(texture.height(), 66);
  EXPECT_EQ(view_->textures().version(TextureSlot::kSamples), 1u);
  EXPECT_EQ(view_->samples_texture().id, texture.id);

  ui_->frames(2);
  // One image command with the stub's id, covering the grid's item, at the image's aspect.
  const std::vector<ImRect> drawn = drawn_with(texture.id);
  ASSERT_EQ(drawn.size(), 1u) << "the samples texture is drawn once";
  const ProbedItem grid = ui_->item("Samples/Generated (fixed noise)");
  EXPECT_NEAR(drawn[0].Min.x, grid.min.x, 0.5f);
  EXPECT_NEAR(drawn[0].Min.y, grid.min.y, 0.5f);
  EXPECT_NEAR(drawn[0].Max.x, grid.max.x, 0.5f);
  EXPECT_NEAR(drawn[0].Max.y, grid.max.y, 0.5f);
  EXPECT_NEAR(drawn[0].GetWidth() / drawn[0].GetHeight(), 98.0f / 66.0f, 0.02f);
  EXPECT_NE(ui_->window_text("Samples").find("step 100"), std::string::npos);

  // The same snapshot published again (same samples_version): nothing is uploaded.
  for (int i = 0; i < 3; ++i) {
    view_->update_snapshot(snapshot_);
    ui_->frame();
  }
  EXPECT_EQ(stub_->uploads(), 1);
  EXPECT_EQ(view_->textures().uploads(), 1u);
  EXPECT_EQ(drawn_with(texture.id).size(), 1u);

  // A new version is uploaded once, into the same texture, at its new size.
  snapshot_.samples = flat_image(66, 66, 20, 250, 20);
  snapshot_.samples_version = 2;
  snapshot_.samples_step = 200;
  view_->update_snapshot(snapshot_);
  view_->update_snapshot(snapshot_);
  ui_->frames(2);
  EXPECT_EQ(stub_->uploads(), 2);
  EXPECT_EQ(stub_->live(), 1);
  EXPECT_EQ(view_->samples_texture().id, texture.id);
  EXPECT_EQ(view_->samples_texture().width(), 66);
  const std::vector<ImRect> redrawn = drawn_with(texture.id);
  ASSERT_EQ(redrawn.size(), 1u);
  EXPECT_NEAR(redrawn[0].GetWidth() / redrawn[0].GetHeight(), 1.0f, 0.02f);
  EXPECT_TRUE(drained().empty()) << "drawing the samples sends nothing";
}

// What HistorySliderShowsTheKeptGridOfThatStep (gl_tests) checks in pixels, by texture: a
// scrubbed-back Samples panel draws the history texture, uploaded when the index changes.
TEST_F(Panels, ScrubbingTheHistoryDrawsTheKeptGridsTexture) {
  view_->history().history.set_every_steps(50);
  for (int i = 0; i < 3; ++i) {
    snapshot_.samples = flat_image(66, 66, uint8_t(20 + 100 * i), 20, 20);
    snapshot_.samples_step = snapshot_.step = i * 50;
    snapshot_.samples_version = i + 1;
    view_->update_snapshot(snapshot_);
  }
  ASSERT_EQ(view_->history().history.size(), 3u);
  ASSERT_EQ(stub_->uploads(), 3);
  SamplesPanel samples;
  samples.show_real = false;
  draw_ = [&] { samples.draw(*view_, ImRect(0, 0, 640, 480)); };
  ui_->frames(2);
  const uintptr_t live = view_->samples_texture().id;
  EXPECT_EQ(drawn_with(live).size(), 1u);

  view_->history().live = false;
  view_->history().index = 0;
  ui_->frames(2);
  const TextureRef history = view_->textures().get(TextureSlot::kHistory);
  ASSERT_NE(history.id, 0u);
  EXPECT_NE(history.id, live);
  EXPECT_EQ(drawn_with(history.id).size(), 1u);
  EXPECT_TRUE(drawn_with(live).empty()) << "scrubbed back: the live grid is not drawn";
  EXPECT_EQ(stub_->uploads(), 4) << "the kept grid is uploaded once, not every frame";
  EXPECT_NE(ui_->window_text("Samples").find("step 0"), std::string::npos)
      << ui_->window_text("Samples");

  view_->history().index = 1;
  ui_->frames(2);
  EXPECT_EQ(stub_->uploads(), 5);
  EXPECT_EQ(view_->textures().get(TextureSlot::kHistory).id, history.id);
  EXPECT_NE(ui_->window_text("Samples").find("step 50"), std::string::npos);
  EXPECT_TRUE(drained().empty()) << "scrubbing never talks to the trainer";
}

TEST_F(Panels, PauseStepAndResetButtonsSendCommands) {
  ui_->frames(2);
  EXPECT_TRUE(drained().empty());
  ui_->click(ui_->center("Controls/Pause"));
  auto c = drained();
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].kind, Command::Kind::kPause);

  snapshot_.paused = true;  // the trainer answered: the button now resumes
  view_->update_snapshot(snapshot_);
  ui_->click(ui_->center("Controls/Pause"));
  c = drained();
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].kind, Command::Kind::kResume);

  ui_->click(ui_->center("Controls/Step"));
  c = drained();
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].kind, Command::Kind::kStep);
  EXPECT_EQ(c[0].count, 1);

  ui_->click(ui_->center("Controls/Reset"));
  c = drained();
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].kind, Command::Kind::kReset);
}

TEST_F(Panels, DrawingAloneSendsNothing) {
  snapshot_.pending.set(ParamId::kWidth, {48, ""});  // a needs-reset edit waiting
  view_->update_snapshot(snapshot_);
  ui_->frames(5);
  EXPECT_GT(ImGui::GetDrawData()->TotalVtxCount, 0);
  EXPECT_TRUE(drained().empty());
}

TEST_F(Panels, SendLatentBumpsTheRevision) {
  LatentSelection& selection = view_->latent_selection();
  const uint64_t before = selection.revision;
  selection.interp_a = {LatentSource::Kind::kTestImage, 5};
  view_->send_latent();
  view_->send_latent();
  auto c = drained();
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0].kind, Command::Kind::kLatent);
  EXPECT_EQ(c[0].latent.revision, before + 1);
  EXPECT_EQ(c[1].latent.revision, before + 2);
  EXPECT_EQ(c[1].latent.interp_a, (LatentSource{LatentSource::Kind::kTestImage, 5}));
  EXPECT_EQ(selection.revision, before + 2);
}

TEST_F(Panels, ExplorerButtonsAndSlidersSendTheSelection) {
  make_vae_snapshot();
  LatentPanel latent;
  latent.open_tab = 2;  // Explorer
  draw_ = [&] { latent.draw(*view_, ImRect(0, 0, 440, 400)); };
  ui_->frames(2);
  latent.open_tab = -1;
  EXPECT_TRUE(drained().empty());
  ASSERT_EQ(view_->latent_selection().explorer_z.size(), 4u);

  const uint64_t before = view_->latent_selection().revision;
  ui_->click(ui_->center("Latent/Randomize"));
  auto c = drained();
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].kind, Command::Kind::kLatent);
  EXPECT_GT(c[0].latent.revision, before);
  ASSERT_EQ(c[0].latent.explorer_z.size(), 4u);
  float sum = 0.0f;
  for (float z : c[0].latent.explorer_z) sum += std::fabs(z);
  EXPECT_GT(sum, 0.0f);
  const uint64_t randomized = c[0].latent.revision;

  // Pressing the first slider near its right end sets z0 there (range 3 by default).
  ui_->move(ui_->slider_point("Latent/z0", 0.9));
  ui_->press();
  c = drained();
  ASSERT_GE(c.size(), 1u);
  EXPECT_EQ(c.back().kind, Command::Kind::kLatent);
  EXPECT_GT(c.front().latent.revision, randomized);
  EXPECT_NEAR(c.back().latent.explorer_z[0], 0.8f * 3.0f, 0.1f);  // -3 + 0.9 * 6
  ui_->release();
  drained();
}

TEST_F(Panels, TraversalDimsAreChosenByHandAndSentAsTheSelection) {
  make_vae_snapshot();
  LatentPanel latent;
  latent.open_tab = 0;  // Traversal
  draw_ = [&] { latent.draw(*view_, ImRect(0, 0, 440, 400)); };
  ui_->frames(2);
  EXPECT_TRUE(drained().empty());
  ASSERT_TRUE(view_->latent_selection().traversal_dims.empty()) << "automatic dims at first";
  EXPECT_EQ(drawn_with(view_->traversal_texture().id).size(), 1u) << "the grid is drawn";

  // Unticking "auto dims" picks the first dims (all 4 of this latent) and sends them.
  const ImRect auto_dims = ui_->find_text("auto dims");
  ASSERT_GT(auto_dims.GetWidth(), 0) << ui_->window_text("Latent");
  ui_->click(auto_dims.GetCenter());
  auto c = drained();
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].kind, Command::Kind::kLatent);
  EXPECT_EQ(c[0].latent.traversal_dims, (std::vector<int>{0, 1, 2, 3}));

  // "dims..." opens the picker; unticking z1 leaves the others.
  const ImRect dims = ui_->find_text("dims...");
  ASSERT_GT(dims.GetWidth(), 0) << ui_->window_text("Latent");
  ui_->click(dims.GetCenter());
  EXPECT_TRUE(drained().empty()) << "opening the picker sends nothing";
  const ImRect z1 = ui_->find_text("z1", /*whole_line=*/false);
  ASSERT_GT(z1.GetWidth(), 0);
  ui_->click(z1.GetCenter());
  c = drained();
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].kind, Command::Kind::kLatent);
  EXPECT_EQ(c[0].latent.traversal_dims, (std::vector<int>{0, 2, 3}));
  ui_->click(ImVec2(600, 450));  // outside the panel: closes the picker
  EXPECT_TRUE(drained().empty());

  // Ticking "auto dims" again goes back to automatic: an empty list.
  ui_->click(ui_->find_text("auto dims").GetCenter());
  c = drained();
  ASSERT_EQ(c.size(), 1u);
  EXPECT_TRUE(c[0].latent.traversal_dims.empty());
}

TEST_F(Panels, LayoutFollowsTheModelFamily) {
  PanelSet panels;
  draw_ = [&] { panels.draw(*view_, ImGui::GetIO().DisplaySize); };
  ui_->frame();
  EXPECT_TRUE(shown("Samples"));
  EXPECT_TRUE(shown("Latent"));
  EXPECT_TRUE(shown("Discriminator"));
  EXPECT_FALSE(shown("Latent map"));

  make_vae_snapshot();
  ui_->frames(3);
  EXPECT_TRUE(shown("Latent"));
  EXPECT_TRUE(shown("Latent map"));
  EXPECT_TRUE(shown("Losses"));
  EXPECT_FALSE(shown("Discriminator"));
  EXPECT_GT(ImGui::GetDrawData()->TotalVtxCount, 0);
  EXPECT_TRUE(drained().empty());  // drawing alone sends nothing
}

TEST_F(Panels, TwoDLabLayoutAndWheelZoom) {
  make_toy_snapshot();
  PanelSet panels;
  draw_ = [&] { panels.draw(*view_, ImGui::GetIO().DisplaySize); };
  ui_->frames(3);
  EXPECT_TRUE(shown("2D GAN"));
  EXPECT_TRUE(shown("Modes"));
  EXPECT_TRUE(shown("Mode metrics"));
  EXPECT_TRUE(shown("Losses###Losses (2D lab)"));  // its own place in the 2D layout
  EXPECT_FALSE(shown("Samples"));
  EXPECT_FALSE(shown("Latent"));
  EXPECT_EQ(view_->toy_heat_texture().width(), 4);  // the heatmap became a texture
  EXPECT_EQ(drawn_with(view_->toy_heat_texture().id).size(), 1u) << "and the plot draws it";
  // The first frame told the trainer what is visible: the home view.
  std::vector<Command> cmds = drained();
  ASSERT_FALSE(cmds.empty());
  EXPECT_EQ(cmds.back().kind, Command::Kind::kToyView);
  EXPECT_FLOAT_EQ(cmds.back().box.max_x, 3.0f);

  // The wheel over the plot zooms in about the mouse: a smaller box is sent.
  const ImVec2 centre = panels.toy.plot_rect.GetCenter();
  ASSERT_GT(panels.toy.plot_rect.GetWidth(), 50.0f);
  ui_->wheel(centre, 2.0f);
  ui_->frames(2);
  cmds = drained();
  ASSERT_FALSE(cmds.empty());
  EXPECT_EQ(cmds.back().kind, Command::Kind::kToyView);
  EXPECT_LT(cmds.back().box.max_x - cmds.back().box.min_x, 5.0f);
  EXPECT_LT(panels.toy.box.max_x - panels.toy.box.min_x, 5.0f);
}

TEST(ControlsPanelRows, HideTheOtherFamilyAndTheLatentTools) {
  using F = ModelFamily;
  EXPECT_TRUE(controls_shows(param_spec(ParamId::kLrD), F::kImageGan));
  EXPECT_FALSE(controls_shows(param_spec(ParamId::kBeta), F::kImageGan));
  EXPECT_FALSE(controls_shows(param_spec(ParamId::kLrD), F::kVae));
  EXPECT_TRUE(controls_shows(param_spec(ParamId::kBeta), F::kVae));
  EXPECT_TRUE(controls_shows(param_spec(ParamId::kLrG), F::kVae));
  EXPECT_FALSE(controls_shows(param_spec(ParamId::kTraversalRange), F::kVae));
  EXPECT_FALSE(controls_shows(param_spec(ParamId::kMapEvery), F::kImageGan));
  // The 2D lab: its own rows and the shared GAN ones, none of the image models'.
  EXPECT_TRUE(controls_shows(param_spec(ParamId::kLoss), F::kToy));
  EXPECT_TRUE(controls_shows(param_spec(ParamId::kLrD), F::kToy));
  EXPECT_TRUE(controls_shows(param_spec(ParamId::kDSteps), F::kToy));
  EXPECT_TRUE(controls_shows(param_spec(ParamId::kLoss), F::kImageGan)) << "every GAN's loss";
  EXPECT_TRUE(controls_shows(param_spec(ParamId::kR1Gamma), F::kImageGan));
  EXPECT_FALSE(controls_shows(param_spec(ParamId::kR1Gamma), F::kToy));
  EXPECT_FALSE(controls_shows(param_spec(ParamId::kGEma), F::kVae));
  EXPECT_TRUE(controls_shows(param_spec(ParamId::kLrSchedule), F::kVae));
  EXPECT_FALSE(controls_shows(param_spec(ParamId::kModel), F::kToy));
  EXPECT_FALSE(controls_shows(param_spec(ParamId::kLabelSmoothing), F::kToy));
  EXPECT_FALSE(controls_shows(param_spec(ParamId::kLatentDim), F::kToy));
}

// The harness without GL refuses what needs pixels, saying why, instead of crashing.
TEST(NoGlHarness, MakesNoContextAndRefusesScreenshots) {
  auto ui = UiHarness::without_gl(320, 240);
  ASSERT_TRUE(ui->ok());
  EXPECT_FALSE(ui->has_gl());
  EXPECT_FALSE(ui->gui().renders());
  ui->draw = [] { ImGui::Text("hello"); };
  ui->frames(2);
  EXPECT_NE(ui->window_text("Debug##Default").find("hello"), std::string::npos);
  // The font atlas was built on the CPU and its draw commands use a placeholder id.
  const ImFontAtlas* atlas = ImGui::GetIO().Fonts;
  EXPECT_TRUE(atlas->IsBuilt());
  EXPECT_NE(atlas->TexID, nullptr);
  EXPECT_FALSE(drawn_with(reinterpret_cast<uintptr_t>(atlas->TexID)).empty());
  EXPECT_NONFATAL_FAILURE(EXPECT_FALSE(ui->screenshot("/nonexistent/x.png")), "needs GL");
}

// A UI scale change rebuilds the fonts on the CPU: no renderer needed.
TEST(NoGlHarness, TheUiScaleRebuildsTheFontAtlasWithoutGl) {
  auto ui = UiHarness::without_gl(640, 480);
  ui->draw = [] { ImGui::Text("scaled"); };
  ui->frame();
  EXPECT_NEAR(ImGui::GetFontSize(), 14.0f, 0.5f);
  ui->gui().set_scale(2.0f);
  ui->frames(2);
  EXPECT_EQ(ui->gui().scale(), 2.0f);
  EXPECT_NEAR(ImGui::GetFontSize(), 28.0f, 0.5f);
  EXPECT_TRUE(ImGui::GetIO().Fonts->IsBuilt());
  EXPECT_NE(ui->window_text("Debug##Default").find("scaled"), std::string::npos)
      << "the rebuilt atlas's glyphs are read back";
}
