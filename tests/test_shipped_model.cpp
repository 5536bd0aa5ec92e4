// The shipped reference model (data/model/): the committed export must be exactly what the committed QAT
// checkpoint exports (so `make sim`, `make bit` and CI run the model the checkpoint describes), it must load,
// compile for sf_core, and forecast the test split better than persistence (both measured here).
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "checkpoint.h"
#include "compiler.h"
#include "export.h"
#include "metrics.h"
#include "qmodel.h"

using namespace sf;

namespace {
const std::string kDir = std::string(SF_SOURCE_DIR) + "/data/model/";
}

TEST(ShippedModel, CommittedExportIsWhatTheCommittedCheckpointExports) {
  const Checkpoint ck = load_checkpoint(kDir + "default-all2.qckpt");
  ASSERT_TRUE(ck.quantized) << "the shipped checkpoint must be the QAT checkpoint";
  const Transformer m(ck.config.model, ck.config.data.seq_len, ck.config.data.pred_len);
  const QModel qm(m, ck.normalizer);
  const IntModel im = export_int_model(qm, ck.state.best_params.data(), ck.quant);
  const auto tmp = std::filesystem::temp_directory_path() / "sf_shipped_export.sfint";
  save_int_model(tmp.string(), im);
  const std::string fresh = read_file(tmp.string()), committed = read_file(kDir + "default-all2.sfint");
  std::filesystem::remove(tmp);
  EXPECT_EQ(fresh.size(), committed.size());
  EXPECT_TRUE(fresh == committed) << "data/model/default-all2.sfint is not the export of default-all2.qckpt: "
                                     "regenerate both with `make ship-model`";
}

TEST(ShippedModel, CompilesAndBeatsPersistenceOnTheTestSplit) {
  const IntModel im = load_int_model(kDir + "default-all2.sfint");  // the engine keeps a reference
  const IntEngine e(im);
  const CoreImage img = compile_core(e);
  EXPECT_LE(cycle_model(img).total, 50000) << "issue 5 latency budget";
  // the lite build (8 activation lanes: one head per ATTN item) runs the same program more slowly
  CompileOptions lite_opts;
  lite_opts.build = "lite";
  const CoreImage lite = compile_core(e, lite_opts);
  const int64_t lite_cycles = cycle_model(lite).total;
  EXPECT_LE(lite_cycles, 50000) << "issue 5 latency budget, lite build";
  EXPECT_GE(lite_cycles, cycle_model(img).total);
  std::printf("shipped model: %lld cycles per forecast (full build), %lld (lite build)\n",
              static_cast<long long>(cycle_model(img).total), static_cast<long long>(lite_cycles));
  const Dataset d = make_dataset(std::string(SF_SOURCE_DIR) + "/data/ETT/ETTh1.csv", "OT", e.model().seq_len,
                                 e.model().pred_len);
  // every 4th test window (the whole split is `make sim`): the engine and persistence on the same windows
  const std::vector<int32_t> raw = raw_fixed(d, d.test);
  MetricsAccumulator q_acc, pers;
  std::vector<int32_t> f(d.test.pred_len);
  std::vector<float> o(d.test.pred_len), p(d.test.pred_len);
  for (int64_t i = 0; i < d.test.count(); i += 4) {
    e.run(raw.data() + i, f.data());
    for (int h = 0; h < d.test.pred_len; ++h) o[h] = static_cast<float>(d.normalizer.norm(std::ldexp(f[h], -6)));
    q_acc.add(o.data(), d.test.target(i), d.test.pred_len);
    std::fill(p.begin(), p.end(), d.test.input(i)[d.test.seq_len - 1]);
    pers.add(p.data(), d.test.target(i), d.test.pred_len);
  }
  const Metrics q = q_acc.result();
  EXPECT_LT(q.mse, pers.result().mse);
  std::printf("shipped model, integer engine: test MSE %.4f (persistence %.4f, %lld windows)\n", q.mse,
              pers.result().mse, static_cast<long long>(q.windows));
}
