// The command line's messages: near-miss suggestions (flags, config keys, choices, datasets), the
// --help text, and flags that only apply to another run mode.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/cli.h"
#include "core/record_settings.h"
#include "data/dataset.h"
#include "support/test_files.h"
#include "core/presets.h"
#include "util/strings.h"
#include "util/suggest.h"

using namespace genscope;
using test::unwrapped;
namespace fs = std::filesystem;

namespace {

using Names = std::vector<std::string>;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::string write_file(const std::string& name, const std::string& text) {
  fs::create_directories(GENSCOPE_TEST_TMP);
  const std::string path = std::string(GENSCOPE_TEST_TMP) + "/" + name;
  std::ofstream(path) << text;
  return path;
}


}  // namespace

TEST(Suggest, EditDistanceCountsTranspositionsAsOneAndIgnoresCase) {
  EXPECT_EQ(edit_distance("", ""), 0);
  EXPECT_EQ(edit_distance("", "abc"), 3);
  EXPECT_EQ(edit_distance("abc", ""), 3);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3);
  EXPECT_EQ(edit_distance("dcgna", "dcgan"), 1);  // plain Levenshtein says 2
  EXPECT_EQ(edit_distance("lrg", "lr-g"), 1);
  EXPECT_EQ(edit_distance("ring", "ring8"), 1);
  EXPECT_EQ(edit_distance("DCGAN", "dcgan"), 0);
  EXPECT_EQ(edit_distance("ca", "abc"), 3);  // optimal string alignment: no edit of a swapped pair
  EXPECT_EQ(edit_distance("abc", "acb"), 1);
}

TEST(Suggest, ThresholdGrowsWithTheWord) {
  EXPECT_EQ(suggestion_threshold(2), 0);
  EXPECT_EQ(suggestion_threshold(3), 1);
  EXPECT_EQ(suggestion_threshold(4), 1);
  EXPECT_EQ(suggestion_threshold(5), 2);
  EXPECT_EQ(suggestion_threshold(8), 2);
  EXPECT_EQ(suggestion_threshold(9), 3);
}

TEST(Suggest, NearMissesAndNothingForFarOnes) {
  const Names models = {"dcgan", "mlp-gan", "vae", "beta-vae", "ae", "mlp-vae"};
  EXPECT_EQ(suggest("dcgna", models), Names{"dcgan"});
  EXPECT_EQ(suggest("DCGAN", models), Names{"dcgan"});
  EXPECT_EQ(suggest("mlpvae", models), Names{"mlp-vae"});
  EXPECT_EQ(suggest("wgan", models), Names{});  // 2 edits from dcgan: too far for 4 letters
  EXPECT_EQ(suggest("transformer", models), Names{});
  EXPECT_EQ(suggest("", models), Names{});
  const Names data = {"fashion-mnist", "ring8", "grid25", "gaussian", "line", "spiral", "moons"};
  EXPECT_EQ(suggest("ring", data), Names{"ring8"});
  EXPECT_EQ(suggest("gird25", data), Names{"grid25"});
  EXPECT_EQ(suggest("fashion_mnist", data), Names{"fashion-mnist"});
  EXPECT_EQ(suggest("mnist", data), Names{});
  // Ties are all named, in candidate order.
  EXPECT_EQ(suggest("lr-x", {"lr-g", "lr-d", "beta1"}), (Names{"lr-g", "lr-d"}));
  // A prefix of a few candidates when nothing is within the distance; not of many.
  EXPECT_EQ(suggest("lr", {"lr-g", "lr-d", "seed"}), (Names{"lr-g", "lr-d"}));
  EXPECT_EQ(suggest("checkpoint-e", {"checkpoint", "checkpoint-every"}), Names{"checkpoint-every"});
  EXPECT_EQ(suggest("r", {"ring8", "record", "resume", "recon-loss", "region"}), Names{});
  EXPECT_EQ(suggest("re", {"record", "resume", "recon-loss", "region"}), Names{});
}

TEST(Suggest, DidYouMeanText) {
  EXPECT_EQ(did_you_mean("dcgna", {"dcgan", "vae"}), " (did you mean dcgan?)");
  EXPECT_EQ(format_did_you_mean({"a", "b"}), " (did you mean a or b?)");
  EXPECT_EQ(format_did_you_mean({"a", "b", "c"}), " (did you mean a, b or c?)");
  EXPECT_EQ(did_you_mean("zzzzzz", {"dcgan", "vae"}), "");
  EXPECT_EQ(join_names({"a", "b", "c"}), "a, b, c");
}

TEST(WrapWords, LinesStayWithinTheWidth) {
  const auto lines = wrap_words("one two  three four five", 9);
  EXPECT_EQ(lines, (Names{"one two", "three", "four five"}));
  EXPECT_EQ(wrap_words("a verylongword b", 4), (Names{"a", "verylongword", "b"}));
  EXPECT_TRUE(wrap_words("   ", 10).empty());
}

TEST(CliSuggest, MistypedFlagNamesTheNearestFlag) {
  auto r = parse_cli({"--lrg", "1e-3"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), "unknown flag --lrg (did you mean --lr-g?)");
  r = parse_cli({"--hedless"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), "unknown flag --hedless (did you mean --headless?)");
  r = parse_cli({"--screenshot_step=10"});  // underscores are not a typo for parameters only
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), "unknown flag --screenshot_step (did you mean --screenshot-step?)");
  r = parse_cli({"--bogus"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), "unknown flag --bogus (see --help)");
  r = parse_cli({"-headless"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), "unexpected argument '-headless' (did you mean --headless?)");
  r = parse_cli({"ring8"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), "unexpected argument 'ring8' (see --help)");
  r = parse_cli({"--headless=yes"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), "--headless: takes no value (got 'yes')");
  // Parameter flags take either spelling; -h is --help.
  r = parse_cli({"--lr_g", "1e-3", "-h"});
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_DOUBLE_EQ(r->params.number(ParamId::kLrG), 1e-3);
  EXPECT_TRUE(r->help);
}

TEST(CliSuggest, EveryListedFlagIsAccepted) {
  for (const std::string& flag : cli_flags()) {
    auto r = parse_cli({flag});
    if (!r.ok()) EXPECT_EQ(r.error().find("unknown flag"), std::string::npos) << r.error();
  }
}

TEST(CliSuggest, MistypedChoiceNamesTheNearestValueAndTheList) {
  auto r = parse_cli({"--model", "dcgna"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(),
            "--model: unknown value 'dcgna' (did you mean dcgan?); choose one of: dcgan, mlp-gan, "
            "vae, beta-vae, ae, mlp-vae, char-rnn, char-gru, char-lstm, char-transformer");
  r = parse_cli({"--loss", "wasserstein"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(),
            "--loss: unknown value 'wasserstein' (choose one of: non_saturating, minimax, "
            "least_squares, hinge, wgan_gp)");
}

TEST(CliSuggest, UnknownDatasetIsRejectedBeforeAnythingLoads) {
  auto r = parse_cli({"--dataset", "ring"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), "--dataset: unknown dataset 'ring' (did you mean ring8?)");
  r = parse_cli({"--dataset", "Fashion_MNIST"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), "--dataset: unknown dataset 'Fashion_MNIST' (did you mean fashion-mnist?)");
  r = parse_cli({"--dataset", "mnist"});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("--dataset: 'mnist': MNIST is not packaged in Debian"),
            std::string::npos)
      << r.error();
  EXPECT_NE(r.error().find("use fashion-mnist"), std::string::npos) << r.error();
  EXPECT_NE(r.error().find("directory of MNIST-format IDX files"), std::string::npos) << r.error();
  r = parse_cli({"--dataset", "/nonexistent/data"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), "--dataset: dataset directory /nonexistent/data: not found");
  r = parse_cli({"--dataset", "qwertyuiop"});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("unknown dataset 'qwertyuiop': not a directory here, nor one of "
                           "fashion-mnist, emoji, fortunes, ring8"),
            std::string::npos)
      << r.error();
  // Known names and existing directories pass; a resumed run ignores the flag's dataset.
  EXPECT_TRUE(parse_cli({"--dataset", "ring8"}).ok());
  EXPECT_TRUE(parse_cli({"--dataset", "custom"}).ok());
  fs::create_directories(GENSCOPE_TEST_TMP);
  EXPECT_TRUE(parse_cli({"--dataset", GENSCOPE_TEST_TMP}).ok());
  EXPECT_TRUE(parse_cli({"--dataset", "ring", "--resume", "x.ckpt"}).ok());
  EXPECT_TRUE(parse_cli({"--dataset", "ring", "--dataset", "ring8"}).ok());
}

TEST(CliSuggest, UnknownDatasetInALoadErrorToo) {
  auto r = load_dataset("ring");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), "unknown dataset 'ring' (did you mean ring8?)");
  EXPECT_TRUE(check_dataset_spec("fashion-mnist").ok());
  EXPECT_TRUE(check_dataset_spec("moons").ok());
}

TEST(CliSuggest, ConfigFileKeysAndDatasetsNameFileAndLine) {
  const std::string path = write_file("cli_typo.conf", "# a comment\nlr_g = 1e-4\nlrd = 1e-3\n");
  auto r = parse_cli({"--config", path});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), "config " + path + ":3: unknown key 'lrd' (did you mean lr_d?)");
  const std::string dashed = write_file("cli_dashed.conf", "batch-sise = 32\n");
  r = parse_cli({"--config", dashed});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(),
            "config " + dashed + ":1: unknown key 'batch-sise' (did you mean batch_size?)");
  const std::string choice = write_file("cli_choice.conf", "\nmodel = vea\n");
  r = parse_cli({"--config", choice});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find(":2: model: unknown value 'vea' (did you mean vae?)"), std::string::npos)
      << r.error();
  const std::string data = write_file("cli_data.conf", "dataset = grid\n");
  r = parse_cli({"--config", data});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(),
            "config " + data + ": dataset: unknown dataset 'grid' (did you mean grid25?)");
}

TEST(CliModes, ForkFlagsNeedEachOtherAndEditsThatApply) {
  const auto problem = [](std::vector<std::string> args) {
    args.insert(args.begin(), {"--headless", "--steps", "100"});
    auto r = parse_cli(args);
    if (!r.ok()) return "parse: " + r.error();
    Status s = check_mode_flags(*r);
    return s.ok() ? std::string("ok") : s.error();
  };
  EXPECT_EQ(problem({"--fork-at", "50", "--fork", "lr_d=1e-4", "--fork", "loss=hinge,lr_g=1e-3"}),
            "ok");
  auto r = parse_cli({"--headless", "--steps", "9", "--fork-at", "5", "--fork", "lr_d=1e-4",
                      "--fork", "loss=hinge"});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->fork_at, 5);
  EXPECT_EQ(r->forks, (std::vector<std::string>{"lr_d=1e-4", "loss=hinge"}));
  EXPECT_EQ(problem({"--fork", "lr_d=1e-4"}),
            "--fork needs --fork-at STEP (the step to branch at)");
  EXPECT_EQ(problem({"--fork-at", "50"}),
            "--fork-at needs at least one --fork EDITS (e.g. --fork lr_d=1e-4)");
  EXPECT_EQ(problem({"--fork-at", "500", "--fork", "lr_d=1e-4"}),
            "--fork-at 500: after the last step (--steps 100)");
  EXPECT_EQ(problem({"--fork-at", "5", "--fork", "lr_d=1", "--fork", "lr_d=2", "--fork",
                     "lr_d=3", "--fork", "lr_d=4"}),
            "--fork: at most 3 branches (4 given)");
  EXPECT_EQ(problem({"--fork-at", "5", "--fork", "lrd=1e-4"}),
            "--fork lrd=1e-4: 'lrd=1e-4': unknown key 'lrd' (did you mean lr_d?)");
  EXPECT_EQ(problem({"--fork-at", "5", "--fork", "lr_d"}),
            "--fork lr_d: 'lr_d': expected key=value, e.g. lr_d=1e-4");
  const std::string hing = problem({"--fork-at", "5", "--fork", "loss=hing"});
  EXPECT_EQ(hing.rfind("--fork loss=hing: 'loss=hing': loss: unknown value 'hing'", 0), 0u) << hing;
  EXPECT_EQ(problem({"--fork-at", "5", "--fork", "lr_d=1e-4,seed=9"}),
            "--fork lr_d=1e-4,seed=9: a branch continues its parent's random stream from the "
            "fork, so its seed cannot change (the seed starts new runs)");
  // The window forks at STEP as Fork here would.
  auto window = parse_cli({"--fork-at", "5", "--fork", "lr_d=1e-4"});
  ASSERT_TRUE(window.ok());
  EXPECT_TRUE(check_mode_flags(*window).ok()) << check_mode_flags(*window).error();
}

TEST(CliModes, CompareTakesRunDirectoriesUpToTheNextFlag) {
  const std::string root = std::string(GENSCOPE_TEST_TMP) + "/cli_compare";
  fs::create_directories(root + "/a");
  fs::create_directories(root + "/b");
  fs::create_directories(root + "/not-a-run");
  std::ofstream(root + "/a/config.cfg") << "lr_d = 1e-4\n";
  std::ofstream(root + "/b/config.cfg") << "lr_d = 2e-4\n";
  // A shell's `runs/*` gives several arguments: all up to the next flag are runs.
  auto r = parse_cli({"--compare", root + "/a", root + "/b", "--lr-d", "1e-3"});
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(r->compare, (std::vector<std::string>{root + "/a", root + "/b"}));
  EXPECT_EQ(r->params.number(ParamId::kLrD), 1e-3);
  EXPECT_TRUE(check_mode_flags(*r).ok());
  auto inline_value = parse_cli({"--compare=" + root + "/a", "--compare", root + "/b"});
  ASSERT_TRUE(inline_value.ok()) << inline_value.error();
  EXPECT_EQ(inline_value->compare.size(), 2u);

  auto bad = parse_cli({"--compare", root + "/a", root + "/not-a-run"});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error(), "--compare " + root + "/not-a-run: not a run directory (it has no config.cfg)");
  auto headless = parse_cli({"--headless", "--steps", "5", "--compare", root + "/a"});
  ASSERT_TRUE(headless.ok()) << headless.error();
  EXPECT_EQ(check_mode_flags(*headless).error().rfind("--compare needs the window: drop --headless", 0),
            0u)
      << check_mode_flags(*headless).error();
}

TEST(CliModes, ConfigParentLinesAreLineageNotParameters) {
  const std::string text = config_parent_line("runs/a b@2000") + "lr_d = 1e-4\n";
  EXPECT_EQ(config_parent(text), "runs/a b@2000");
  Params p;
  ASSERT_TRUE(parse_config_text(text, "config x", p).ok());
  EXPECT_EQ(p.number(ParamId::kLrD), 1e-4);
  EXPECT_EQ(config_parent("lr_d = 1e-4\n# parent = x\n"), "");
}

TEST(CliModes, RunOnlyFlagsWithoutTheirModeSayWhatToAdd) {
  const auto problem = [](const std::vector<std::string>& args) {
    auto r = parse_cli(args);
    if (!r.ok()) return "parse: " + r.error();
    Status s = check_mode_flags(*r);
    return s.ok() ? std::string("ok") : s.error();
  };
  EXPECT_EQ(
      problem({"--steps", "100"}),
      "--steps only applies with --headless (add --headless to train 100 steps with no window)");
  EXPECT_EQ(problem({"--out", "run1"}), "ok");  // the window's run directory too
  EXPECT_EQ(problem({"--headless"}), "--headless needs --steps N (how many steps to train)");
  EXPECT_EQ(problem({"--frames", "2"}),
            "--frames only applies with --screenshot (add --screenshot PATH)");
  EXPECT_EQ(problem({"--screenshot-step", "50"}),
            "--screenshot-step only applies with --screenshot (add --screenshot PATH)");
  EXPECT_EQ(problem({"--record-fps", "10"}),
            "--record-fps only applies with --record (add --record PATH)");
  EXPECT_EQ(problem({"--record-steps-per-frame", "0"}),
            "--record-steps-per-frame only applies with --record (add --record PATH)");
  EXPECT_EQ(problem({"--seconds", "5"}).rfind("--seconds only applies to genscope-bench", 0), 0u);
  EXPECT_EQ(problem({"--headless", "--steps", "5", "--screenshot", "a.png"}),
            "--screenshot needs the window: drop --headless (a headless run writes samples.png "
            "into its run directory)");
  EXPECT_EQ(problem({"--headless", "--steps", "5", "--frames", "2"}),
            "--frames only applies to the window's --screenshot: drop --headless");
  EXPECT_EQ(problem({"--headless", "--steps", "5", "--window-size", "640x360"})
                .rfind("--window-size with --headless only applies to --record's offscreen frames",
                       0),
            0u);
  EXPECT_EQ(problem({"--headless", "--steps", "5", "--ui-scale", "2"})
                .rfind("--ui-scale with --headless only applies to --record's offscreen frames", 0),
            0u);
  EXPECT_EQ(problem({"--headless", "--steps", "5", "--record", "a.mp4", "--ui-scale", "2"}), "ok");
  // The first misplaced flag, in command-line order.
  EXPECT_EQ(problem({"--record-crf", "30", "--steps", "3"}),
            "--record-crf only applies with --record (add --record PATH)");
  // Each flag in its mode is fine.
  EXPECT_EQ(problem({}), "ok");
  EXPECT_EQ(problem({"--headless", "--steps", "5", "--out", "x"}), "ok");
  EXPECT_EQ(problem({"--screenshot", "a.png", "--frames", "2", "--screenshot-step", "9"}), "ok");
  EXPECT_EQ(problem({"--record", "a.mp4", "--record-fps", "10", "--record-region", "samples"}),
            "ok");
  EXPECT_EQ(problem({"--headless", "--steps", "5", "--record", "a.mp4", "--window-size", "640x360",
                     "--record-steps-per-frame", "2"}),
            "ok");
  EXPECT_EQ(problem({"--window-size", "640x360", "--resume", "a.ckpt", "--lr-g", "1e-3"}), "ok");
}

TEST(CliHelp, ListsEveryChoiceAndPreset) {
  const std::string help = cli_help();
  const std::string flat = unwrapped(help);
  for (const ParamSpec& spec : param_table()) {
    if (spec.type != ParamType::kChoice) continue;
    std::string list;
    for (const char* c : spec.choices) list += (list.empty() ? "" : ", ") + std::string(c);
    EXPECT_NE(flat.find("(one of: " + list + ")"), std::string::npos) << spec.key;
  }
  EXPECT_NE(flat.find("(one of: dcgan, mlp-gan, vae, beta-vae, ae, mlp-vae, char-rnn, char-gru, char-lstm, "
                      "char-transformer)"), std::string::npos);
  const auto presets = list_presets();
  ASSERT_FALSE(presets.empty()) << preset_dir();
  for (const PresetInfo& p : presets) {
    EXPECT_NE(help.find("\n  " + p.name + " "), std::string::npos) << p.name;
    // The description's first sentence follows the name.
    const std::string start = p.description.substr(0, p.description.find(' ', 20));
    EXPECT_NE(flat.find(p.name + " " + std::string(28 - 2 - p.name.size() - 1, ' ') + start),
              std::string::npos)
        << p.name;
  }
  for (const std::string& flag : cli_flags()) {
    if (flag == "--seconds") continue;  // genscope-bench's
    EXPECT_NE(help.find("\n  " + flag), std::string::npos) << flag;
  }
}

TEST(CliHelp, NoFlagIsGluedToItsTextAndEveryLineFits) {
  const std::string help = cli_help();
  const Params defaults;
  for (const ParamSpec& spec : param_table()) {
    const std::string shown = defaults.to_string(spec.id);
    const std::string entry = "\n  " + cli_flag(spec) + " " + (shown.empty() ? "PATH" : shown);
    const size_t at = help.find(entry);
    ASSERT_NE(at, std::string::npos) << entry;
    const char after = help[at + entry.size()];
    EXPECT_TRUE(after == ' ' || after == '\n') << "glued: " << help.substr(at + 1, 60);
  }
  EXPECT_NE(help.find("\n  --record-path genscope-recording.mp4\n"), std::string::npos)
      << "a flag wider than the column gets a line of its own";
  for (const std::string& line : lines_of(help)) {
    EXPECT_LE(line.size(), kHelpWidth) << line;
    EXPECT_EQ(line.find('\t'), std::string::npos) << line;
  }
}

TEST(CliHelp, PrintConfigNamesChoicesAndRangesAndRoundTrips) {
  Params p;
  p.set(ParamId::kLrG, {3e-4, ""});
  const std::string text = to_config_text(p);
  const std::string flat = unwrapped(text);
  EXPECT_NE(flat.find("One of: dcgan, mlp-gan, vae, beta-vae, ae, mlp-vae, char-rnn, char-gru, char-lstm, "
                      "char-transformer."), std::string::npos);
  EXPECT_NE(flat.find("One of: relu, leaky_relu, tanh, elu."), std::string::npos);
  EXPECT_NE(flat.find("Range [1e-06, 0.1]."), std::string::npos);
  for (const std::string& line : lines_of(text)) EXPECT_LE(line.size(), kHelpWidth) << line;
  Params back;
  ASSERT_TRUE(parse_config_text(text, "printed", back).ok());
  EXPECT_TRUE(back.diff(p).empty());
}

// The recording settings are table rows: their flags, config keys, help, --print-config entries,
// validation and defaults all come from the table, and none of them is a training parameter.
TEST(CliRecord, EveryRecordRowIsAFlagAConfigKeyAndAHelpEntry) {
  const std::string help = cli_help();
  const std::string recording = help.substr(help.find("\nrecording ("));
  const std::string config = to_config_text(Params());
  const std::vector<std::string> flags = cli_flags();
  int rows = 0;
  for (const ParamSpec& spec : param_table()) {
    if (std::string(spec.group) != kRecordGroup) continue;
    ++rows;
    EXPECT_EQ(spec.apply, ParamApply::kApp) << spec.key;
    EXPECT_FALSE(is_training_param(spec)) << spec.key;
    EXPECT_EQ(std::string(spec.key).rfind("record_", 0), 0u) << spec.key;
    EXPECT_NE(std::find(flags.begin(), flags.end(), cli_flag(spec)), flags.end()) << spec.key;
    EXPECT_NE(recording.find("\n  " + cli_flag(spec) + " "), std::string::npos) << spec.key;
    EXPECT_NE(config.find("\n" + std::string(spec.key) + " = "), std::string::npos) << spec.key;
  }
  EXPECT_EQ(rows, 9);
  // The old spellings work: each reaches the settings the recorder gets.
  auto r = parse_cli({"--record", "a.gif", "--record-fps", "12", "--record-crf", "30",
                      "--record-scale", "0.5", "--record-region", "plots",
                      "--record-steps-per-frame", "0", "--record-frames", "40",
                      "--record-seconds", "2.5", "--record-preset", "slow"});
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_TRUE(r->record);
  const RecordSettings rs(r->params);
  EXPECT_EQ(rs.path, "a.gif");
  EXPECT_EQ(rs.fps, 12);
  EXPECT_EQ(rs.crf, 30);
  EXPECT_FLOAT_EQ(rs.scale, 0.5f);
  EXPECT_EQ(rs.region, RecordRegion::kPlots);
  EXPECT_FALSE(rs.lockstep());
  EXPECT_EQ(rs.max_frames, 40);
  EXPECT_DOUBLE_EQ(rs.max_seconds, 2.5);
  EXPECT_EQ(rs.preset, "slow");
  EXPECT_TRUE(check_mode_flags(*r).ok());
  // A config file's record keys set the same values.
  const std::string path =
      write_file("cli_record.conf", "record_fps = 24\nrecord_region = samples\n");
  r = parse_cli({"--config", path});
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(RecordSettings(r->params).fps, 24);
  EXPECT_EQ(RecordSettings(r->params).region, RecordRegion::kSamples);
}

TEST(CliRecord, TheDefaultsAreTheTables) {
  const RecordSettings d;
  const auto def = [](ParamId id) { return param_default(param_spec(id), ModelFamily::kImageGan); };
  EXPECT_EQ(d.path, def(ParamId::kRecordPath).text);
  EXPECT_EQ(d.fps, def(ParamId::kRecordFps).number);
  EXPECT_EQ(d.crf, def(ParamId::kRecordCrf).number);
  EXPECT_EQ(d.scale, def(ParamId::kRecordScale).number);
  EXPECT_EQ(int(d.region), def(ParamId::kRecordRegion).number);
  EXPECT_EQ(d.steps_per_frame, def(ParamId::kRecordStepsPerFrame).number);
  EXPECT_EQ(d.max_frames, def(ParamId::kRecordFrames).number);
  EXPECT_EQ(d.max_seconds, def(ParamId::kRecordSeconds).number);
  EXPECT_EQ(d.preset, param_spec(ParamId::kRecordPreset)
                          .choices[size_t(def(ParamId::kRecordPreset).number)]);
  EXPECT_TRUE(d.validate().ok()) << d.validate().error();
  // --record alone is a lockstep timelapse at the table's steps per frame; real time (0) where
  // only lockstep is possible (headless) takes that default too.
  auto r = parse_cli({"--record", "a.mp4"});
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(RecordSettings(r->params).steps_per_frame, d.steps_per_frame);
  EXPECT_TRUE(d.lockstep());
  RecordSettings real_time;
  real_time.steps_per_frame = 0;
  EXPECT_EQ(real_time.lockstep_steps(), d.steps_per_frame);
  // The help shows the table's default beside each flag.
  EXPECT_NE(cli_help().find("\n  --record-fps " + std::to_string(d.fps) + " "), std::string::npos);
  EXPECT_NE(cli_help().find("\n  --record-steps-per-frame " +
                            std::to_string(d.steps_per_frame) + "\n"),
            std::string::npos);
}

TEST(CliRecord, OutOfRangeValuesNameTheFlagOrKeyAndTheRange) {
  auto r = parse_cli({"--record", "a.mp4", "--record-crf", "60"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), "--record-crf: 60 is outside the range [0, 51]");
  r = parse_cli({"--record", "a.mp4", "--record-scale", "2"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), "--record-scale: 2 is outside the range [0.25, 1]");
  r = parse_cli({"--record", "a.mp4", "--record-region", "sample"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(),
            "--record-region: unknown value 'sample' (did you mean samples?); choose one of: "
            "window, samples, plots");
  r = parse_cli({"--record", "a.mp4", "--record-fsp", "10"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), "unknown flag --record-fsp (did you mean --record-fps?)");
  const std::string bad = write_file("cli_record_bad.conf", "\nrecord_fps = 500\n");
  r = parse_cli({"--config", bad});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), "config " + bad + ":2: record_fps: 500 is outside the range [1, 120]");
  const std::string typo = write_file("cli_record_typo.conf", "record_crff = 20\n");
  r = parse_cli({"--config", typo});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(),
            "config " + typo + ":1: unknown key 'record_crff' (did you mean record_crf?)");
  // The recorder's own check goes through the same rows.
  RecordSettings s;
  s.fps = 0;
  EXPECT_EQ(s.validate().error(), "record_fps: 0 is outside the range [1, 120]");
}

// Counts are whole numbers: the run flags refuse 2.5 as the table's int rows do (they used to
// truncate it silently), and an empty --resume is an error, not a fresh run.
TEST(CliRunFlags, FractionsAndEmptyPathsAreRefused) {
  const std::pair<std::vector<std::string>, std::string> cases[] = {
      {{"--headless", "--steps", "2.5"}, "--steps: 2.5 is not a whole number"},
      {{"--screenshot", "a.png", "--frames", "1.5"}, "--frames: 1.5 is not a whole number"},
      {{"--screenshot", "a.png", "--screenshot-step", "0.5"},
       "--screenshot-step: 0.5 is not a whole number"},
      {{"--record", "a.mp4", "--record-fps", "29.97"}, "--record-fps: 29.97 is not a whole number"},
      {{"--record", "a.mp4", "--record-crf", "20.5"}, "--record-crf: 20.5 is not a whole number"},
      {{"--record", "a.mp4", "--record-steps-per-frame", "2.5"},
       "--record-steps-per-frame: 2.5 is not a whole number"},
      {{"--resume", ""}, "--resume: needs a path (it is empty)"},
  };
  for (const auto& [args, error] : cases) {
    auto r = parse_cli(args);
    ASSERT_FALSE(r.ok()) << args[1];
    EXPECT_NE(r.error().find(error), std::string::npos) << r.error();
  }
  auto ok = parse_cli({"--headless", "--steps", "25"});
  ASSERT_TRUE(ok.ok()) << ok.error();
  EXPECT_EQ(ok->steps, 25);
}
