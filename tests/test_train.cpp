// Training falls, is deterministic for a seed whatever the thread count, and checkpoints round-trip.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "checkpoint.h"
#include "config.h"
#include "train.h"

using namespace sf;

namespace {
const std::string kEtth1 = std::string(SF_SOURCE_DIR) + "/data/ETT/ETTh1.csv";

Config tiny_config() {
  Config c;
  c.data.path = kEtth1;
  c.model.d_model = 8;
  c.model.n_heads = 2;
  c.model.d_ff = 16;
  c.model.enc_layers = 1;
  c.model.dec_layers = 1;
  c.model.dropout = 0.1f;
  c.train.epochs = 3;
  c.train.batch_size = 16;
  c.train.max_train_windows = 512;
  c.train.lr = 3e-3;
  c.train.seed = 4;
  return c;
}

const Dataset& etth1() {
  static const Dataset d = make_dataset(kEtth1, "OT", 48, 24);
  return d;
}

std::string tmp_path(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / "sf_test_train";
  std::filesystem::create_directories(dir);
  return (dir / name).string();
}
}  // namespace

TEST(Train, TinyRunLossFallsAndBeatsItsStart) {
  Config c = tiny_config();
  const Transformer m(c.model, 48, 24);
  TrainState st;
  init_train_state(c, m, st);
  const double before = evaluate_model(m, st.params.data(), etth1().val).mse;
  train(c, etth1(), m, st, {});
  ASSERT_EQ(st.history.size(), 3u);
  EXPECT_LT(st.history.back().train_loss, st.history.front().train_loss);
  EXPECT_LT(st.best_val, before);
  EXPECT_DOUBLE_EQ(evaluate_model(m, st.best_params.data(), etth1().val).mse, st.best_val);
}

TEST(Train, DeterministicForASeedWhateverTheThreadCount) {
  Config c = tiny_config();
  c.train.epochs = 1;
  const Transformer m(c.model, 48, 24);
  TrainState a, b, other;
  c.train.threads = 1;
  init_train_state(c, m, a);
  train(c, etth1(), m, a, {});
  c.train.threads = 2;
  init_train_state(c, m, b);
  train(c, etth1(), m, b, {});
  EXPECT_EQ(a.params, b.params);  // bit-identical
  c.train.seed = 5;
  init_train_state(c, m, other);
  train(c, etth1(), m, other, {});
  EXPECT_NE(a.params, other.params);
}

TEST(Train, InterruptAndResumeReachTheSameWeights) {
  Config c = tiny_config();
  c.train.epochs = 2;
  const Transformer m(c.model, 48, 24);
  TrainState full;
  init_train_state(c, m, full);
  train(c, etth1(), m, full, {});

  TrainState part;
  init_train_state(c, m, part);
  int calls = 0;
  TrainHooks stop_mid;
  stop_mid.should_stop = [&] { return ++calls == 40; };  // inside epoch 2 (32 batches per epoch)
  train(c, etth1(), m, part, stop_mid);
  ASSERT_FALSE(part.finished);
  ASSERT_EQ(part.epoch, 1);
  const std::string path = tmp_path("resume.ckpt");
  save_checkpoint(path, Checkpoint{c, etth1().normalizer, part, false, QState{}});
  Checkpoint ck = load_checkpoint(path);
  train(ck.config, etth1(), m, ck.state, {});
  EXPECT_EQ(ck.state.params, full.params);
  EXPECT_EQ(ck.state.best_params, full.best_params);
}

TEST(Checkpoint, RoundTripAndCorruptionDetection) {
  Config c = tiny_config();
  const Transformer m(c.model, 48, 24);
  TrainState st;
  init_train_state(c, m, st);
  st.history.push_back({1, 0.5, 0.25, 1e-3, 2.0});
  st.step = 77;
  const std::string path = tmp_path("rt.ckpt");
  save_checkpoint(path, Checkpoint{c, Normalizer{17.0, 9.0}, st, false, QState{}});
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
  const Checkpoint back = load_checkpoint(path);
  EXPECT_EQ(back.state.params, st.params);
  EXPECT_EQ(back.state.step, 77);
  EXPECT_EQ(back.state.rng_state, st.rng_state);
  ASSERT_EQ(back.state.history.size(), 1u);
  EXPECT_EQ(back.state.history[0].val_mse, 0.25);
  EXPECT_EQ(to_toml(back.config), to_toml(c));
  EXPECT_EQ(back.normalizer.mean, 17.0);

  const std::string bytes = read_file(path);
  auto expect_error = [&](const std::string& name, const std::string& content, const std::string& msg) {
    const std::string p = tmp_path(name);
    std::ofstream(p, std::ios::binary) << content;
    try {
      load_checkpoint(p);
      ADD_FAILURE() << name << ": no error";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(msg), std::string::npos) << name << ": " << e.what();
      EXPECT_EQ(std::string(e.what()).rfind(p, 0), 0u) << "error must name the file: " << e.what();
    }
  };
  std::string flipped = bytes;
  flipped[bytes.size() / 2] ^= 0x10;
  expect_error("flip.ckpt", flipped, "corrupt or truncated");
  expect_error("trunc.ckpt", bytes.substr(0, bytes.size() - 100), "corrupt or truncated");
  std::string version = bytes;
  version[8] = 9;  // format version field
  expect_error("version.ckpt", version, "format version 9");
  expect_error("magic.ckpt", "not a checkpoint at all", "bad magic");
  expect_error("empty.ckpt", "", "bad magic");
}

TEST(Config, ShippedConfigsParseAndRoundTrip) {
  for (const char* name : {"default", "paper"}) {
    const Config c = load_config(std::string(SF_SOURCE_DIR) + "/configs/" + name + ".toml");
    EXPECT_EQ(c.name, name);
    EXPECT_EQ(to_toml(parse_config(to_toml(c), "rt")), to_toml(c));
  }
}

TEST(Config, BadValuesNameTheKey) {
  auto err = [](const std::string& text) {
    try {
      parse_config(text, "x.toml");
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_NE(err("[model]\nd_model = 0\n").find("x.toml: model.d_model: 0 is out of range"), std::string::npos);
  EXPECT_NE(err("[model]\nd_model = 'wide'\n").find("model.d_model: expected an integer"), std::string::npos);
  EXPECT_NE(err("[model]\nwidth = 3\n").find("unknown key model.width"), std::string::npos);
  EXPECT_NE(err("[model]\nd_model = 30\nn_heads = 4\n").find("divisible"), std::string::npos);
  EXPECT_NE(err("[train]\nlr = -1.0\n").find("train.lr"), std::string::npos);
  EXPECT_NE(err("[model\n").find("x.toml:1:"), std::string::npos);
  Config c;
  EXPECT_THROW(apply_overrides(c, {"model.d_model=abc"}), Error);
  EXPECT_THROW(apply_overrides(c, {"nonsense"}), Error);
  apply_overrides(c, {"data.target=HUFL", "train.lr=0.002"});
  EXPECT_EQ(c.data.target, "HUFL");
  EXPECT_DOUBLE_EQ(c.train.lr, 0.002);
}
