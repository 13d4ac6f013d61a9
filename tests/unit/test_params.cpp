#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

#include "core/cli.h"
#include "core/params.h"

using namespace genscope;

TEST(ParamTable, EveryRowIsConsistent) {
  std::set<std::string> keys;
  for (const auto& spec : param_table()) {
    EXPECT_TRUE(keys.insert(spec.key).second) << spec.key;
    EXPECT_NE(std::string(spec.help), "") << spec.key;
    ParamValue def{spec.default_value, spec.default_text};
    EXPECT_TRUE(validate_param(spec, def).ok()) << spec.key;
    for (ModelFamily f : {ModelFamily::kImageGan, ModelFamily::kVae, ModelFamily::kToy}) {
      EXPECT_TRUE(validate_param(spec, param_default(spec, f)).ok()) << spec.key;
    }
    if (spec.type == ParamType::kChoice) EXPECT_FALSE(spec.choices.empty());
  }
}

namespace {

Params on_dataset(const std::string& dataset) {
  Params p;
  EXPECT_TRUE(p.set_from_string(ParamId::kDataset, dataset).ok());
  return p;
}

}  // namespace

TEST(FamilyDefaults, TheTwoDLabHasItsOwnRecipe) {
  const Params image;
  EXPECT_EQ(image.family(), ModelFamily::kImageGan);
  EXPECT_DOUBLE_EQ(image.number(ParamId::kLrD), 2e-4);
  EXPECT_EQ(image.integer(ParamId::kBatchSize), 64);
  const Params toy = on_dataset("ring8");
  EXPECT_EQ(toy.family(), ModelFamily::kToy);
  EXPECT_DOUBLE_EQ(toy.number(ParamId::kLrG), 2e-4);
  EXPECT_DOUBLE_EQ(toy.number(ParamId::kLrD), 1e-3);
  EXPECT_EQ(toy.integer(ParamId::kBatchSize), 256);
  EXPECT_EQ(toy.choice(ParamId::kLoss), "wgan_gp");
  EXPECT_DOUBLE_EQ(toy.number(ParamId::kGpLambda), 1.0);
  EXPECT_FALSE(toy.is_set(ParamId::kLrD));
  EXPECT_TRUE(toy.is_set(ParamId::kDataset));
  // The table is where they come from, and the help says so.
  EXPECT_EQ(param_default(param_spec(ParamId::kLrD), ModelFamily::kToy).number, 1e-3);
  EXPECT_NE(std::string(param_spec(ParamId::kLrD).help).find("Default for the 2D lab: 1e-3"),
            std::string::npos);
  // Every 2D distribution is the 2D lab; switching back gives the image defaults again.
  EXPECT_EQ(on_dataset("grid25").integer(ParamId::kBatchSize), 256);
  Params back = toy;
  ASSERT_TRUE(back.set_from_string(ParamId::kDataset, "fashion-mnist").ok());
  EXPECT_TRUE(back.diff(image).empty()) << param_spec(back.diff(image).front()).key;
}

TEST(FamilyDefaults, AValueSomeoneSetIsKeptAcrossFamilies) {
  Params p;
  ASSERT_TRUE(p.set_from_string(ParamId::kBatchSize, "64").ok());  // the image default, but set
  ASSERT_TRUE(p.set_from_string(ParamId::kLrD, "5e-4").ok());
  ASSERT_TRUE(p.set_from_string(ParamId::kDataset, "ring8").ok());
  EXPECT_EQ(p.integer(ParamId::kBatchSize), 64);
  EXPECT_DOUBLE_EQ(p.number(ParamId::kLrD), 5e-4);
  EXPECT_EQ(p.choice(ParamId::kLoss), "wgan_gp");  // not set: the 2D lab's
  // What the window's Reset applies: the pending set against the one in force.
  const Params image;
  Params pending = image;
  ASSERT_TRUE(pending.set_from_string(ParamId::kDataset, "ring8").ok());
  const std::vector<ParamId> changed = pending.diff(image);
  EXPECT_NE(std::find(changed.begin(), changed.end(), ParamId::kLrD), changed.end());
  EXPECT_NE(std::find(changed.begin(), changed.end(), ParamId::kBatchSize), changed.end());
  EXPECT_EQ(std::find(changed.begin(), changed.end(), ParamId::kLrG), changed.end());
}

TEST(FamilyDefaults, FlagsPresetsAndConfigFilesCountAsSetInAnyOrder) {
  auto plain = parse_cli({"--dataset", "ring8"});
  ASSERT_TRUE(plain.ok()) << plain.error();
  EXPECT_DOUBLE_EQ(plain->params.number(ParamId::kLrD), 1e-3);
  EXPECT_EQ(plain->params.integer(ParamId::kBatchSize), 256);
  // A flag before the dataset still wins.
  auto ordered = parse_cli({"--batch-size", "32", "--dataset", "ring8"});
  ASSERT_TRUE(ordered.ok()) << ordered.error();
  EXPECT_EQ(ordered->params.integer(ParamId::kBatchSize), 32);
  // A preset's keys are set: ring-collapse keeps its non-saturating loss and lr 0.02.
  auto preset = parse_cli({"--preset", "ring-collapse"});
  ASSERT_TRUE(preset.ok()) << preset.error();
  EXPECT_EQ(preset->params.choice(ParamId::kLoss), "non_saturating");
  EXPECT_DOUBLE_EQ(preset->params.number(ParamId::kLrD), 0.02);
  // --print-config writes the values in force; read back, every one is set.
  const std::string text = to_config_text(plain->params);
  EXPECT_NE(text.find("\nlr_d = 0.001\n"), std::string::npos);
  EXPECT_NE(text.find("\nbatch_size = 256\n"), std::string::npos);
  Params read;
  ASSERT_TRUE(parse_config_text(text, "test", read).ok());
  EXPECT_TRUE(read.diff(plain->params).empty());
  for (const auto& spec : param_table()) EXPECT_TRUE(read.is_set(spec.id)) << spec.key;
  ASSERT_TRUE(read.set_from_string(ParamId::kDataset, "fashion-mnist").ok());
  EXPECT_EQ(read.integer(ParamId::kBatchSize), 256);  // a file's value stays
}

TEST(ParamTable, LiveAndResetAreMarked) {
  EXPECT_EQ(param_spec(ParamId::kLrG).apply, ParamApply::kLive);
  EXPECT_EQ(param_spec(ParamId::kLrD).apply, ParamApply::kLive);
  EXPECT_EQ(param_spec(ParamId::kBatchSize).apply, ParamApply::kLive);
  EXPECT_EQ(param_spec(ParamId::kDSteps).apply, ParamApply::kLive);
  EXPECT_EQ(param_spec(ParamId::kLabelSmoothing).apply, ParamApply::kLive);
  EXPECT_EQ(param_spec(ParamId::kLatentDim).apply, ParamApply::kReset);
  EXPECT_EQ(param_spec(ParamId::kWidth).apply, ParamApply::kReset);
  EXPECT_EQ(param_spec(ParamId::kModel).apply, ParamApply::kReset);
  // The recording settings are the window's: training never applies nor resets for them.
  EXPECT_EQ(param_spec(ParamId::kRecordFps).apply, ParamApply::kApp);
  EXPECT_EQ(param_spec(ParamId::kRecordStepsPerFrame).apply, ParamApply::kApp);
  EXPECT_FALSE(is_training_param(param_spec(ParamId::kRecordPath)));
  EXPECT_TRUE(is_training_param(param_spec(ParamId::kLrG)));
}

TEST(Params, RangeChecksNameTheKey) {
  Params p;
  Status s = p.set(ParamId::kLrG, {5.0, ""});
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().find("lr_g"), std::string::npos);
  EXPECT_NE(s.error().find("outside the range"), std::string::npos);
  EXPECT_DOUBLE_EQ(p.number(ParamId::kLrG), 2e-4);  // unchanged
  EXPECT_FALSE(p.set(ParamId::kBatchSize, {3.5, ""}).ok());
  EXPECT_FALSE(p.set_from_string(ParamId::kBatchSize, "nan").ok());
  EXPECT_TRUE(p.set(ParamId::kBatchSize, {128, ""}).ok());
  EXPECT_EQ(p.integer(ParamId::kBatchSize), 128);
}

TEST(Params, ChoicesParseByName) {
  Params p;
  ASSERT_TRUE(p.set_from_string(ParamId::kModel, "mlp-gan").ok());
  EXPECT_EQ(p.choice(ParamId::kModel), "mlp-gan");
  Status s = p.set_from_string(ParamId::kModel, "transformer");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().find("dcgan"), std::string::npos);  // lists the choices
}

TEST(Params, DiffListsChangedIds) {
  Params a, b;
  EXPECT_TRUE(a.diff(b).empty());
  b.set(ParamId::kWidth, {48, ""});
  b.set(ParamId::kLrD, {1e-3, ""});
  auto d = a.diff(b);
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0], ParamId::kWidth);
  EXPECT_EQ(d[1], ParamId::kLrD);
}

TEST(Cli, FlagsComeFromTheTable) {
  auto r = parse_cli({"--lr-g", "1e-3", "--batch_size=32", "--model", "mlp-gan", "--headless",
                      "--steps", "50", "--out", "/tmp/x"});
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_DOUBLE_EQ(r->params.number(ParamId::kLrG), 1e-3);
  EXPECT_EQ(r->params.integer(ParamId::kBatchSize), 32);
  EXPECT_EQ(r->params.choice(ParamId::kModel), "mlp-gan");
  EXPECT_TRUE(r->headless);
  EXPECT_EQ(r->steps, 50);
  EXPECT_EQ(r->out_dir, "/tmp/x");
  for (const auto& spec : param_table()) {
    EXPECT_NE(cli_help().find(cli_flag(spec)), std::string::npos) << spec.key;
  }
}

TEST(Cli, BadInputNamesTheFlag) {
  auto r = parse_cli({"--lr-d", "abc"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), "--lr-d: 'abc' is not a number");
  r = parse_cli({"--batch-size", "0"});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("--batch-size"), std::string::npos);
  EXPECT_NE(r.error().find("outside the range [1, 1024]"), std::string::npos);
  r = parse_cli({"--bogus"});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("--bogus"), std::string::npos);
  r = parse_cli({"--steps"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), "--steps: needs a value");
}

TEST(Config, RoundTripsAndLaterFlagsOverride) {
  std::filesystem::create_directories(GENSCOPE_TEST_TMP);
  std::string path = std::string(GENSCOPE_TEST_TMP) + "/params.conf";
  Params p;
  p.set(ParamId::kLrG, {3e-4, ""});
  p.set(ParamId::kDSteps, {2, ""});
  { std::ofstream(path) << to_config_text(p); }
  auto r = parse_cli({"--config", path, "--d-steps", "3"});
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_DOUBLE_EQ(r->params.number(ParamId::kLrG), 3e-4);
  EXPECT_EQ(r->params.integer(ParamId::kDSteps), 3);
}

// A text value with '#', quotes, backslashes or a line break reads back as itself (a dataset
// folder named "mnist#2" used to save a checkpoint that could not resume). Text values are kept
// without surrounding spaces (Params::set trims them), so those round-trip as stored.
TEST(Config, AnyTextValueRoundTripsExactly) {
  for (const std::string v :
       {"mnist#2", "a \"quoted\" name", "back\\slash", "two\nlines", "tab\there", "\"", "#",
        "plain/path with spaces", "\"starts with a quote", "ends with a backslash\\"}) {
    Params p;
    ASSERT_TRUE(p.set(ParamId::kDataset, {0.0, v}).ok()) << v;
    ASSERT_EQ(p.text(ParamId::kDataset), v);
    Params read;
    Status s = parse_config_text(to_config_text(p), "test", read);
    ASSERT_TRUE(s.ok()) << v << ": " << s.error();
    EXPECT_EQ(read.text(ParamId::kDataset), v);
  }
  // A text model's prompt keeps its spaces ("The " continues differently from "The"); other
  // text values are trimmed.
  for (const std::string v : {"The ", "  indented", "\tOnce upon a time "}) {
    Params p;
    ASSERT_TRUE(p.set(ParamId::kPrompt, {0.0, v}).ok());
    EXPECT_EQ(p.text(ParamId::kPrompt), v);
    Params read;
    ASSERT_TRUE(parse_config_text(to_config_text(p), "test", read).ok());
    EXPECT_EQ(read.text(ParamId::kPrompt), v);
  }
  Params p;
  ASSERT_TRUE(p.set(ParamId::kDataset, {0.0, " mnist "}).ok());
  EXPECT_EQ(p.text(ParamId::kDataset), "mnist");
  EXPECT_TRUE(parse_config_text("dataset = \"a#b\"  # a comment\n", "t", p).ok());
  EXPECT_EQ(p.text(ParamId::kDataset), "a#b");
  EXPECT_TRUE(parse_config_text("dataset = mnist  # a comment\n", "t", p).ok());
  EXPECT_EQ(p.text(ParamId::kDataset), "mnist");
  Status open = parse_config_text("dataset = \"no end\n", "t", p);
  EXPECT_NE(open.error().find("t:1: dataset: a quoted value has no closing quote"),
            std::string::npos)
      << open.error();
  Status after = parse_config_text("dataset = \"x\" y\n", "t", p);
  EXPECT_NE(after.error().find("text after the closing quote"), std::string::npos) << after.error();
}

// /dev/zero would be read forever and a directory read as an empty config: both are refused,
// as is a file too large to be a config, each naming the path.
TEST(Config, OnlyRegularFilesOfASaneSizeAreRead) {
  std::filesystem::create_directories(GENSCOPE_TEST_TMP);
  Params p;
  const std::string dir = GENSCOPE_TEST_TMP;
  EXPECT_EQ(load_config("/dev/zero", p).error(), "config /dev/zero: not a regular file");
  EXPECT_EQ(load_config(dir, p).error(), "config " + dir + ": not a regular file");
  const std::string big = dir + "/big.conf";
  { std::ofstream(big) << std::string(2 << 20, '#'); }
  EXPECT_EQ(load_config(big, p).error(), "config " + big + ": larger than 1 MB (not a config file?)");
}

TEST(Config, ErrorsNameFileLineAndKey) {
  std::filesystem::create_directories(GENSCOPE_TEST_TMP);
  std::string path = std::string(GENSCOPE_TEST_TMP) + "/bad.conf";
  { std::ofstream(path) << "# comment\nlr_g = 1e-4\nbeta1 = 2\n"; }
  Params p;
  Status s = load_config(path, p);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().find(path + ":3"), std::string::npos) << s.error();
  EXPECT_NE(s.error().find("beta1"), std::string::npos);
  { std::ofstream(path) << "nonsense = 1\n"; }
  EXPECT_NE(load_config(path, p).error().find("unknown key 'nonsense'"), std::string::npos);
  EXPECT_NE(load_config("/nonexistent.conf", p).error().find("/nonexistent.conf"), std::string::npos);
}
