#include "train/checkpoint.h"

#include <filesystem>

#include "record/checkpoint_file.h"
#include "train/rng.h"
#include "train/runtime.h"
#include "train/session.h"
#include "util/strings.h"

namespace genscope {

Status save_checkpoint(TrainingSession& session, const std::string& path,
                       const std::function<void()>& before_rename) {
  auto state = session.save_state();
  if (!state) return Error{"checkpoint " + path + ": " + state.error()};
  CheckpointFile file{to_config_text(session.params()), std::move(*state)};
  if (auto s = write_file_atomic(path, encode_checkpoint(file), before_rename); !s) {
    return Error{"checkpoint " + s.error()};
  }
  session.note_checkpoint(path, session.step_count());
  return {};
}

Result<int> batch_for_ranks(int batch, int from, int to) {
  const int64_t all = int64_t(batch) * from;
  if (all % to != 0) {
    return Error{strformat("%d ranks cannot share %lld out evenly", to, static_cast<long long>(all))};
  }
  if (all / to > param_spec(ParamId::kBatchSize).max_value) {
    return Error{strformat("%lld is more than batch_size takes", static_cast<long long>(all / to))};
  }
  return static_cast<int>(all / to);
}

Result<std::unique_ptr<TrainingSession>> open_checkpoint(
    const std::string& path, const DatasetLoader& load,
    const std::function<Status(Params&)>& edit, int ranks, std::string* note) {
  // Building a session seeds the global generators: a file that fails to load leaves the running
  // session's random stream as it was.
  GlobalRngRestore rng(cuda_available() ? torch::Device(torch::kCUDA) : torch::Device(torch::kCPU));
  auto bytes = read_file_bytes(path);
  if (!bytes) return Error{"checkpoint " + bytes.error()};
  auto file = decode_checkpoint(*bytes, path);
  if (!file) return Error{file.error()};
  std::string().swap(*bytes);  // the payload is copied out: at most twice the file is held
  Params params;
  if (auto s = parse_config_text(file->config_text, "checkpoint " + path, params); !s)
    return Error{s.error()};
  if (edit) {
    if (auto s = edit(params); !s) return Error{s.error()};
  }
  auto inputs = TrainingSession::checkpoint_inputs(file->payload);
  if (!inputs) return Error{"checkpoint " + path + ": " + inputs.error()};
  if (inputs->ranks != ranks) {
    const int batch = params.integer(ParamId::kBatchSize);
    const std::string by = inputs->ranks == 1 ? strformat("one process of %d", batch)
                                              : strformat("%d ranks of %d", inputs->ranks, batch);
    std::string said;
    if (auto shared = batch_for_ranks(batch, inputs->ranks, ranks)) {
      params.set(ParamId::kBatchSize, {double(*shared), ""});
      said = ranks == 1 ? strformat("trained by %s: this process takes all %d", by.c_str(), *shared)
                        : strformat("trained by %s: each of the %d ranks takes %d", by.c_str(),
                                    ranks, *shared);
    } else {
      said = strformat("trained by %s: %s, so %s %d, %lld in all", by.c_str(),
                       shared.error().c_str(), ranks == 1 ? "this process takes" : "each takes",
                       batch, static_cast<long long>(batch) * ranks);
    }
    if (note) *note = said;
  }
  std::shared_ptr<const Dataset> data;
  if (family_info(params).uses_dataset) {
    auto loaded = load(params);
    if (!loaded) return Error{"checkpoint " + path + ": " + loaded.error()};
    data = *loaded;
  }
  auto session = TrainingSession::create(params, data, std::move(inputs->custom_points));
  if (!session) return Error{"checkpoint " + path + ": " + session.error()};
  if (auto s = (*session)->restore_state(std::move(file->payload)); !s) {
    return Error{"checkpoint " + path + ": " + s.error()};
  }
  // The optimizers' saved settings give way to the edited ones.
  if (edit) (*session)->family().set_live((*session)->params());
  (*session)->note_checkpoint(path, (*session)->step_count());
  rng.keep();
  return std::move(*session);
}

}  // namespace genscope
