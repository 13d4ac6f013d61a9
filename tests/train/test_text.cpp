// The character models and their trainer: the RNN recurrence by hand, causal masking, the bpc of a
// uniform model, sampling (temperature -> 0 is argmax, top-k stays in the top k), every model's
// loss falling on a small text, and a checkpoint resuming the same steps.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "core/params.h"
#include "data/text_corpus.h"
#include "record/tensor_file.h"
#include "train/models/text/char_models.h"
#include "train/models/text/text_family.h"
#include "train/models/text/text_lm.h"

using namespace genscope;

namespace {

std::shared_ptr<const TextCorpus> small_corpus() {
  std::u32string train, val;
  const std::u32string lines[] = {U"the cat sat on the mat.\n", U"a dog ran to the cat.\n",
                                  U"the mat is on the dog.\n"};
  for (int i = 0; i < 200; ++i) train += lines[i % 3];
  for (int i = 0; i < 20; ++i) val += lines[(i + 1) % 3];
  return std::make_shared<const TextCorpus>(make_text_corpus(train, val));
}

// A 2-layer model of width 16 over 20 characters (the Transformer: 4 heads, context 16), its
// weights drawn from `seed`.
std::shared_ptr<CharModel> tiny_model(const std::string& kind, uint64_t seed) {
  CharModelConfig c;
  c.kind = kind;
  c.vocab = 20;
  c.width = 16;
  c.layers = 2;
  c.heads = 4;
  c.context = 16;
  torch::manual_seed(seed);
  return make_char_model(c);
}

Params text_params(const std::string& model, int width = 32) {
  Params p;
  EXPECT_TRUE(p.set_from_string(ParamId::kModel, model).ok());
  EXPECT_TRUE(p.set_from_string(ParamId::kDataset, "fortunes").ok());
  p.set(ParamId::kWidth, {double(width), ""});
  p.set(ParamId::kLayers, {2, ""});
  p.set(ParamId::kHeads, {2, ""});
  p.set(ParamId::kContext, {32, ""});
  p.set(ParamId::kBptt, {32, ""});
  p.set(ParamId::kBatchSize, {8, ""});
  p.set(ParamId::kWarmupSteps, {0, ""});
  p.set(ParamId::kLrG, {3e-3, ""});
  return p;
}

}  // namespace

TEST(CharModels, VanillaRnnIsTheTextbookRecurrenceOverTwoSteps) {
  CharModelConfig c;
  c.kind = "char-rnn";
  c.vocab = 3;
  c.width = 2;
  c.layers = 1;
  auto model = make_char_model(c);
  torch::NoGradGuard no_grad;
  // Embedding rows are the inputs x; W_xh, W_hh and the two biases are set by hand.
  const std::vector<std::vector<float>> emb = {{1, 0}, {0, 1}, {0.5f, -0.5f}};
  const float wxh[2][2] = {{0.5f, -1.0f}, {0.25f, 0.75f}};
  const float whh[2][2] = {{0.1f, 0.2f}, {-0.3f, 0.4f}};
  const float b[2] = {0.05f, -0.1f};  // b_ih + b_hh
  for (auto& p : model->named_parameters()) {
    const std::string& k = p.key();
    torch::Tensor& t = p.value();
    if (k == "embed.weight") {
      for (int i = 0; i < 3; ++i) for (int j = 0; j < 2; ++j) t[i][j] = emb[i][j];
    } else if (k == "rnn.weight_ih_l0") {
      for (int i = 0; i < 2; ++i) for (int j = 0; j < 2; ++j) t[i][j] = wxh[i][j];
    } else if (k == "rnn.weight_hh_l0") {
      for (int i = 0; i < 2; ++i) for (int j = 0; j < 2; ++j) t[i][j] = whh[i][j];
    } else if (k == "rnn.bias_ih_l0") {
      for (int i = 0; i < 2; ++i) t[i] = b[i];
    } else if (k == "rnn.bias_hh_l0") {
      t.zero_();
    }
  }
  model->eval();
  CharInternals in;
  model->forward(torch::tensor({{0, 2}}, torch::kLong), nullptr, &in);
  // h1 = tanh(W_xh x1 + b) with x1 = (1, 0); h2 = tanh(W_xh x2 + W_hh h1 + b), x2 = (0.5, -0.5).
  const double h1[2] = {std::tanh(0.5 + 0.05), std::tanh(0.25 - 0.1)};
  const double pre2[2] = {0.5 * 0.5 - 1.0 * -0.5 + 0.1 * h1[0] + 0.2 * h1[1] + 0.05,
                          0.25 * 0.5 + 0.75 * -0.5 - 0.3 * h1[0] + 0.4 * h1[1] - 0.1};
  ASSERT_EQ(in.hidden.sizes(), (std::vector<int64_t>{1, 2, 2}));
  EXPECT_NEAR(in.hidden[0][0][0].item<double>(), h1[0], 1e-6);
  EXPECT_NEAR(in.hidden[0][0][1].item<double>(), h1[1], 1e-6);
  EXPECT_NEAR(in.hidden[0][1][0].item<double>(), std::tanh(pre2[0]), 1e-6);
  EXPECT_NEAR(in.hidden[0][1][1].item<double>(), std::tanh(pre2[1]), 1e-6);
}

TEST(CharModels, ChangingALaterCharacterNeverChangesAnEarlierLogit) {
  for (const char* kind : {"char-transformer", "char-lstm", "char-gru", "char-rnn"}) {
    auto model = tiny_model(kind, 3);
    model->eval();
    torch::NoGradGuard no_grad;
    torch::Tensor a = torch::randint(0, 20, {1, 16}, torch::kLong);
    torch::Tensor b = a.clone();
    b[0][10] = (a[0][10].item<int64_t>() + 7) % 20;
    const torch::Tensor la = model->forward(a, nullptr), lb = model->forward(b, nullptr);
    EXPECT_TRUE(torch::equal(la.slice(1, 0, 10), lb.slice(1, 0, 10))) << kind;
    EXPECT_FALSE(torch::allclose(la.slice(1, 10), lb.slice(1, 10))) << kind;
  }
  EXPECT_EQ(causal_mask(3, torch::kCPU).to(torch::kInt).sum().item<int>(), 3);  // (0,1) (0,2) (1,2)
}

TEST(CharModels, DecodingWithTheCacheGivesTheFullForwardsLogits) {
  for (const char* kind : {"char-transformer", "char-lstm"}) {
    auto model = tiny_model(kind, 5);
    model->eval();
    torch::NoGradGuard no_grad;
    const torch::Tensor tokens = torch::randint(0, 20, {2, 16}, torch::kLong);
    const torch::Tensor full = model->forward(tokens, nullptr);
    // A prompt of 5 in one call, then one character at a time.
    DecodeCache cache;
    std::vector<torch::Tensor> parts = {model->decode(tokens.slice(1, 0, 5), cache)};
    for (int t = 5; t < 16; ++t) parts.push_back(model->decode(tokens.slice(1, t, t + 1), cache));
    EXPECT_EQ(cache.length, 16) << kind;
    EXPECT_TRUE(torch::allclose(torch::cat(parts, 1), full, 1e-4, 1e-5)) << kind;
  }
}

TEST(TextLm, AUniformModelScoresLog2OfTheVocabulary) {
  auto corpus = small_corpus();
  TextLm lm(corpus, text_params("char-lstm"), torch::kCPU);
  {
    torch::NoGradGuard no_grad;
    for (auto& p : lm.model().named_parameters()) {
      if (p.key().rfind("head.", 0) == 0) p.value().zero_();  // every logit 0
    }
  }
  EXPECT_NEAR(lm.validate(), std::log2(double(corpus->vocab_size())), 1e-5);
}

TEST(TextLm, TemperatureTowardsZeroIsArgmaxAndTopKStaysInTheTopK) {
  auto corpus = small_corpus();
  for (const char* kind : {"char-transformer", "char-gru"}) {
    TextLm lm(corpus, text_params(kind), torch::kCPU);
    for (int s = 0; s < 30; ++s) lm.step(s);
    const std::vector<uint16_t> prompt = lm.prompt_ids("the ");
    const TextSample greedy = lm.sample(prompt, 40, 0.0, 0, 7);
    const TextSample cold = lm.sample(prompt, 40, 1e-4, 0, 7);
    EXPECT_EQ(greedy.ids, cold.ids) << kind;
    for (std::size_t i = 0; i < greedy.ids.size(); ++i) {
      EXPECT_EQ(greedy.ids[i], greedy.top_ids[i][0]) << kind << " at " << i;
    }
    const TextSample hot = lm.sample(prompt, 200, 2.0, 3, 11);
    ASSERT_EQ(hot.ids.size(), 200u);
    for (std::size_t i = 0; i < hot.ids.size(); ++i) {
      const auto& top = hot.top_ids[i];
      EXPECT_TRUE(hot.ids[i] == top[0] || hot.ids[i] == top[1] || hot.ids[i] == top[2])
          << kind << " at " << i;
      EXPECT_GE(hot.top_prob[i][0], hot.top_prob[i][1]);
    }
    // The same seed draws the same sample; the probabilities are the model's (temperature 1).
    const TextSample again = lm.sample(prompt, 200, 2.0, 3, 11);
    EXPECT_EQ(hot.ids, again.ids);
    EXPECT_EQ(hot.prompt, "the ");
    // Decoded together as one batch, each sample is what it is alone (past the context too).
    const std::vector<TextSample> both = lm.sample_batch(prompt, 200, {{2.0, 3}, {0.0, 0}}, 11);
    EXPECT_EQ(both[0].ids, hot.ids) << kind;
    EXPECT_EQ(both[1].ids, lm.sample(prompt, 200, 0.0, 0, 11).ids) << kind;
    for (std::size_t i = 0; i < hot.prob.size(); ++i) EXPECT_NEAR(both[0].prob[i], hot.prob[i], 1e-5);
  }
}

TEST(TextLm, InsideViewsHaveOneValuePerUnitOrHeadAndPosition) {
  auto corpus = small_corpus();
  for (const char* kind : {"char-transformer", "char-lstm"}) {
    TextLm lm(corpus, text_params(kind), torch::kCPU);
    const std::vector<uint16_t> passage = lm.inside_passage();
    ASSERT_EQ(passage.size(), std::string(kind) == "char-transformer" ? 32u : 200u) << kind;
    const TextInside in = lm.inside(passage);
    if (std::string(kind) == "char-lstm") {
      EXPECT_EQ(in.units, 32);
      ASSERT_EQ(in.hidden.size(), 32u * passage.size());
      for (float v : in.hidden) ASSERT_LE(std::fabs(v), 1.0f);  // tanh outputs
    } else {
      EXPECT_EQ(in.layers, 2);
      EXPECT_EQ(in.heads, 2);
      ASSERT_EQ(in.attention.size(), 2u * 2 * 32 * 32);
      for (std::size_t q = 0; q < 32; ++q) {  // every row sums to 1 over the keys it may see
        const float* row = in.attention_row(1, 1, q);
        double sum = 0;
        for (std::size_t k = 0; k < 32; ++k) {
          sum += row[k];
          if (k > q) EXPECT_EQ(row[k], 0.0f);
        }
        EXPECT_NEAR(sum, 1.0, 1e-5);
      }
    }
    // PCA: the two components are uncorrelated and the first explains the most.
    const TextEmbedding e = lm.embedding_pca();
    ASSERT_EQ(e.xy.size(), 2u * corpus->vocab_size());
    EXPECT_GE(e.explained[0], e.explained[1]);
    EXPECT_GT(e.explained[1], 0.0);
    double xy = 0;
    for (std::size_t i = 0; i < e.xy.size(); i += 2) xy += double(e.xy[i]) * e.xy[i + 1];
    EXPECT_NEAR(xy, 0.0, 1e-3);
  }
}

TEST(TextLm, EveryModelsLossFallsOnASmallText) {
  auto corpus = small_corpus();
  for (const char* kind : {"char-rnn", "char-gru", "char-lstm", "char-transformer"}) {
    TextLm lm(corpus, text_params(kind), torch::kCPU);
    const double before = lm.validate();
    double last = 0.0;
    for (int s = 0; s < 80; ++s) {
      const TextStepResult r = lm.step(s);
      ASSERT_TRUE(std::isfinite(r.train_bpc)) << kind;
      last = r.train_bpc;
    }
    const double after = lm.validate();
    EXPECT_LT(after, before - 1.0) << kind << ": " << before << " -> " << after;
    EXPECT_LT(last, 2.5) << kind;
  }
}

TEST(TextLm, WarmUpAndScheduleShapeTheLearningRate) {
  Params p = text_params("char-lstm");
  p.set(ParamId::kWarmupSteps, {10, ""});
  EXPECT_NEAR(text_learning_rate(p, 0), 3e-4, 1e-12);
  EXPECT_NEAR(text_learning_rate(p, 9), 3e-3, 1e-12);
  EXPECT_NEAR(text_learning_rate(p, 500), 3e-3, 1e-12);
  p.set_from_string(ParamId::kLrSchedule, "linear");
  p.set(ParamId::kLrScheduleSteps, {1000, ""});
  EXPECT_NEAR(text_learning_rate(p, 500), 1.5e-3, 1e-9);
}

TEST(TextLm, ACheckpointResumesTheSameSteps) {
  auto corpus = small_corpus();
  for (const char* kind : {"char-lstm", "char-transformer"}) {
    const Params p = text_params(kind);
    TextLm a(corpus, p, torch::kCPU);
    for (int s = 0; s < 5; ++s) a.step(s);
    StateWriter w;
    a.save(w);
    std::vector<double> expected;
    for (int s = 5; s < 10; ++s) expected.push_back(a.step(s).train_bpc);
    TextLm b(corpus, p, torch::kCPU);
    StateReader r(w.file(), torch::kCPU);
    b.load(r);
    r.check_all_read();
    for (int s = 5; s < 10; ++s) EXPECT_DOUBLE_EQ(b.step(s).train_bpc, expected[s - 5]) << kind;
  }
}

TEST(TextFamily, SettlesTheMissingHalfAndRejectsAClash) {
  const FamilyInfo info = text_family();
  Params clash;
  clash.set_from_string(ParamId::kModel, "char-lstm");
  clash.set_from_string(ParamId::kDataset, "fashion-mnist");
  // fashion-mnist with a char model: the text family, which says what clashes.
  auto r = info.create(clash, FamilyInputs{});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), "dataset fashion-mnist holds images; model char-lstm trains on text (use "
                       "--dataset fortunes or --dataset text:PATH)");
  Params img;
  img.set_from_string(ParamId::kModel, "dcgan");
  img.set_from_string(ParamId::kDataset, "text:/nonexistent.txt");
  auto r2 = info.create(img, FamilyInputs{});
  ASSERT_FALSE(r2.ok());
  EXPECT_NE(r2.error().find("model dcgan trains on images"), std::string::npos) << r2.error();
}

TEST(TextFamily, WatchedSamplesRefreshWithinFivePercentOfTheTrainingTime) {
  auto corpus_dir = std::string(GENSCOPE_TEST_TMP) + "/text_pacing";
  std::filesystem::create_directories(corpus_dir);
  {
    std::ofstream f(corpus_dir + "/c.txt");
    for (int i = 0; i < 400; ++i) f << "the cat sat on the mat. a dog ran to the cat.\n";
  }
  Params p = text_params("char-gru", 32);
  ASSERT_TRUE(p.set_from_string(ParamId::kDataset, "text:" + corpus_dir + "/c.txt").ok());
  p.set(ParamId::kValEvery, {0, ""});  // no validations: only the window's refreshes
  p.set(ParamId::kSampleChars, {200, ""});
  TextFamily family;
  family.reset(p, FamilyInputs{});
  family.set_watched(true);
  uint64_t versions = 0, last = 0;
  for (int64_t s = 0; s < 400; ++s) {
    family.step(p, s);
    family.after_step(p, s + 1);
    if (family.view().version != last) ++versions, last = family.view().version;
  }
  const TextView& v = family.view();
  EXPECT_GT(versions, 2u) << "the samples refreshed";
  // Each refresh waits until it fits in 5 % (with the first, which comes at once); a refresh
  // that costs more than the one before may overshoot a little.
  EXPECT_LE(v.refresh_share, kTextRefreshShare * 1.5) << v.refresh_share;
  EXPECT_GT(v.refresh_s, 0.0);
}
