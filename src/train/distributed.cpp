#include "train/distributed.h"

#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <charconv>
#include <cstdlib>
#include <stdexcept>

#include "net/snapshot_wire.h"
#ifdef GENSCOPE_HAVE_NCCL
#include "train/nccl_group.h"
#endif
#include "train/torch_pch.h"
#include "util/strings.h"

namespace genscope {
namespace {

using Clock = std::chrono::steady_clock;

// A whole number in [lo, hi] from variable `name`; `set` false when it is not set.
Status read_int(const std::function<const char*(const char*)>& env, const char* name, int lo,
                int hi, int& out, bool& set) {
  const char* text = env(name);
  set = text != nullptr && *text != '\0';
  if (!set) return {};
  std::string_view v(text);
  int value = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), value);
  if (ec != std::errc() || end != v.data() + v.size() || value < lo || value > hi) {
    return Error{strformat("%s=%s: expected a whole number from %d to %d", name, text, lo, hi)};
  }
  out = value;
  return {};
}

std::chrono::milliseconds to_ms(double seconds) {
  return std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000.0));
}

// This machine's address on the route to MASTER_ADDR (Gloo listens there for the other
// ranks): 127.0.0.1 on one machine; a name that resolves to 127.0.1.1 (Debian's /etc/hosts)
// would be unreachable from another.
std::string local_address_towards(const DistributedOptions& o) {
  if (o.master_addr == "127.0.0.1" || o.master_addr == "localhost") return "127.0.0.1";
  addrinfo hints{}, *found = nullptr;
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_DGRAM;
  if (getaddrinfo(o.master_addr.c_str(), std::to_string(o.master_port).c_str(), &hints, &found) != 0 ||
      !found) {
    return o.master_addr;
  }
  std::string local = o.master_addr;
  int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in me{};
  socklen_t len = sizeof me;
  char text[INET_ADDRSTRLEN] = {0};
  if (fd >= 0 && ::connect(fd, found->ai_addr, found->ai_addrlen) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&me), &len) == 0 &&
      inet_ntop(AF_INET, &me.sin_addr, text, sizeof text)) {
    local = text;  // a UDP connect sends nothing: it only picks the route
  }
  if (fd >= 0) ::close(fd);
  freeaddrinfo(found);
  return local;
}

}  // namespace

Result<std::string> gpu_for_local_rank(int local_rank, const char* visible) {
  if (!visible) return std::to_string(local_rank);
  std::vector<std::string> gpus;
  for (std::string_view rest(visible); !rest.empty();) {
    const size_t comma = rest.find(',');
    std::string_view one = rest.substr(0, comma);
    if (!one.empty()) gpus.emplace_back(one);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
  }
  if (gpus.empty()) return std::string(visible);  // no GPU for any rank: CPU
  if (local_rank >= static_cast<int>(gpus.size())) {
    return Error{strformat("LOCAL_RANK=%d: CUDA_VISIBLE_DEVICES=%s lists %zu GPU%s (one per rank "
                           "on this machine)",
                           local_rank, visible, gpus.size(), gpus.size() == 1 ? "" : "s")};
  }
  return gpus[static_cast<size_t>(local_rank)];
}

Result<DistributedOptions> distributed_from_env(
    const std::function<const char*(const char*)>& env_fn) {
  auto env = env_fn ? env_fn : [](const char* name) -> const char* { return std::getenv(name); };
  DistributedOptions o;
  bool has_world = false, has_rank = false, has_local = false, has_port = false;
  if (auto s = read_int(env, "WORLD_SIZE", 1, kMaxRanks, o.world, has_world); !s) return Error{s.error()};
  if (auto s = read_int(env, "RANK", 0, kMaxRanks - 1, o.rank, has_rank); !s) return Error{s.error()};
  if (auto s = read_int(env, "LOCAL_RANK", 0, kMaxRanks - 1, o.local_rank, has_local); !s) {
    return Error{s.error()};
  }
  if (auto s = read_int(env, "MASTER_PORT", 1, 65535, o.master_port, has_port); !s) {
    return Error{s.error()};
  }
  if (const char* addr = env("MASTER_ADDR"); addr && *addr) o.master_addr = addr;
  if (!has_world && has_rank) {
    return Error{"RANK is set but WORLD_SIZE is not (how many ranks train together?)"};
  }
  if (!has_world || o.world == 1) return o;
  if (!has_rank) {
    return Error{strformat("WORLD_SIZE=%d but RANK is not set (each process needs its rank, 0 "
                           "to %d)", o.world, o.world - 1)};
  }
  if (o.rank >= o.world) {
    return Error{strformat("RANK=%d: must be below WORLD_SIZE=%d", o.rank, o.world)};
  }
  if (!has_local) o.local_rank = o.rank;
  return o;
}

struct ProcessGroup::Impl {
  DistributedOptions options;
  c10::intrusive_ptr<c10d::Store> store;
  c10::intrusive_ptr<c10d::ProcessGroupGloo> group;
#ifdef GENSCOPE_HAVE_NCCL
  NcclAllreduce nccl;  // set when every rank trains on a GPU
#endif
  bool all_cuda = false, mixed = false;
  DistributedStats stats;
  int64_t reports = 0;

  std::string broken;  // the first collective's failure: every later one fails with it

  // Runs a collective and waits for it; a failure names this rank, the other (of two) and
  // whether it went away or kept silent past the timeout, then c10d's own words.
  // `cuda`: the tensors are a GPU's, which then waits for the result too.
  void run(const char* what, const std::function<c10::intrusive_ptr<c10d::Work>()>& start,
           bool cuda = false) {
    if (!broken.empty()) throw std::runtime_error(broken);
    const auto began = Clock::now();
    try {
      c10::intrusive_ptr<c10d::Work> work = start();
      work->wait(to_ms(options.timeout_s));
      if (cuda) torch::cuda::synchronize();
    } catch (const std::exception& e) {
      const double waited = std::chrono::duration<double>(Clock::now() - began).count();
      const std::string other = options.world == 2 ? strformat("rank %d", 1 - options.rank)
                                                   : std::string("another rank");
      broken = strformat("rank %d of %d: %s failed: %s (%s)", options.rank, options.world, what,
                         waited < options.timeout_s * 0.9
                             ? (other + " is gone or cannot be reached").c_str()
                             : strformat("%s did not answer within %.0f s", other.c_str(),
                                         options.timeout_s).c_str(),
                         first_line(e.what()).c_str());
      throw std::runtime_error(broken);
    }
  }
};

Result<std::shared_ptr<ProcessGroup>> ProcessGroup::join(const DistributedOptions& options) {
  std::shared_ptr<ProcessGroup> pg(new ProcessGroup());
  pg->impl_ = std::make_unique<Impl>();
  Impl& impl = *pg->impl_;
  impl.options = options;
  const auto began = Clock::now();
  try {
    c10d::TCPStoreOptions store;
    store.port = static_cast<uint16_t>(options.master_port);
    store.isServer = options.rank == 0;
    store.numWorkers = static_cast<size_t>(options.world);
    store.waitWorkers = true;
    store.timeout = to_ms(options.timeout_s);
    auto tcp = c10::make_intrusive<c10d::TCPStore>(options.master_addr, store);
    impl.store = c10::make_intrusive<c10d::PrefixStore>("genscope", tcp);
    if (impl.store->add("claim/rank-" + std::to_string(options.rank), 1) != 1) {
      return Error{strformat("rank %d of %d: another process at %s:%d is rank %d already (give "
                             "each process its own RANK)",
                             options.rank, options.world, options.master_addr.c_str(),
                             options.master_port, options.rank)};
    }
    auto gloo = c10d::ProcessGroupGloo::Options::create(to_ms(options.timeout_s));
    gloo->devices.push_back(
        c10d::ProcessGroupGloo::createDeviceForHostname(local_address_towards(options)));
    gloo->threads = 1;
    impl.group = c10::make_intrusive<c10d::ProcessGroupGloo>(impl.store, options.rank,
                                                            options.world, gloo);
    // Which ranks train on a GPU: one MIN all-reduce of (cuda, -cuda) gives all and any.
    std::vector<torch::Tensor> cuda{
        torch::tensor({int64_t(options.cuda), -int64_t(options.cuda)}, torch::kLong)};
    c10d::AllreduceOptions min;
    min.reduceOp = c10d::ReduceOp::MIN;
    impl.run("the device agreement", [&] { return impl.group->allreduce(cuda, min); });
    impl.all_cuda = cuda[0][0].item<int64_t>() == 1;
    impl.mixed = !impl.all_cuda && cuda[0][1].item<int64_t>() == -1;
#ifdef GENSCOPE_HAVE_NCCL
    if (impl.all_cuda) {
      impl.nccl = make_nccl_allreduce(c10::make_intrusive<c10d::PrefixStore>("nccl", impl.store),
                                      options.rank, options.world, to_ms(options.timeout_s));
    }
#endif
  } catch (const std::exception& e) {
    const double waited = std::chrono::duration<double>(Clock::now() - began).count();
    return Error{strformat("rank %d of %d: could not meet the other ranks at %s:%d (%s after %.0f "
                           "s of %.0f: %s)",
                           options.rank, options.world, options.master_addr.c_str(),
                           options.master_port,
                           waited < options.timeout_s * 0.9 ? "stopped" : "gave up", waited,
                           options.timeout_s, first_line(e.what()).c_str())};
  }
  return pg;
}

ProcessGroup::~ProcessGroup() = default;

int ProcessGroup::rank() const { return impl_->options.rank; }
int ProcessGroup::world() const { return impl_->options.world; }
bool ProcessGroup::mixed_devices() const { return impl_->mixed; }

std::string ProcessGroup::backend() const {
#ifdef GENSCOPE_HAVE_NCCL
  if (impl_->nccl) return "NCCL";
#endif
  return "Gloo";
}

void ProcessGroup::average_gradients(torch::nn::Module& module) {
  std::vector<torch::Tensor> grads;
  for (const torch::Tensor& p : module.parameters()) {
    if (p.grad().defined()) grads.push_back(p.grad());
  }
  if (grads.empty()) return;
  const auto start = Clock::now();
  std::vector<torch::Tensor> flat{torch::cat([&] {
    std::vector<torch::Tensor> views;
    for (const torch::Tensor& g : grads) views.push_back(g.reshape({-1}));
    return views;
  }())};
  const bool cuda = flat[0].is_cuda();  // the time counted is then the GPU's too
#ifdef GENSCOPE_HAVE_NCCL
  if (impl_->nccl && cuda) {
    impl_->run("the gradient all-reduce (NCCL)", [&] { return impl_->nccl(flat); }, true);
  } else
#endif
  {
    impl_->run("the gradient all-reduce", [&] { return impl_->group->allreduce(flat); }, cuda);
  }
  flat[0].div_(static_cast<double>(world()));
  int64_t offset = 0;
  for (torch::Tensor& g : grads) {
    const int64_t n = g.numel();
    g.copy_(flat[0].slice(0, offset, offset + n).view_as(g));
    offset += n;
  }
  impl_->stats.allreduces += 1;
  impl_->stats.bytes += static_cast<int64_t>(flat[0].numel() * flat[0].element_size());
  impl_->stats.allreduce_s += std::chrono::duration<double>(Clock::now() - start).count();
}

void ProcessGroup::broadcast(std::string& bytes) {
  std::vector<torch::Tensor> size{torch::tensor({static_cast<int64_t>(bytes.size())}, torch::kLong)};
  impl_->run("the command broadcast", [&] { return impl_->group->broadcast(size); });
  const int64_t n = size[0].item<int64_t>();
  if (n < 0 || n > (int64_t(64) << 20)) throw std::runtime_error("broadcast of a bad size");
  if (n == 0) {
    bytes.clear();
    return;
  }
  std::vector<torch::Tensor> data{torch::empty({n}, torch::kUInt8)};
  if (rank() == 0) std::memcpy(data[0].data_ptr(), bytes.data(), static_cast<size_t>(n));
  impl_->run("the command broadcast", [&] { return impl_->group->broadcast(data); });
  bytes.assign(static_cast<const char*>(data[0].data_ptr()), static_cast<size_t>(n));
}

std::string ProcessGroup::share(const std::string& key, const std::string& value) {
  const std::string name = "share/" + key;
  if (rank() == 0) {
    impl_->store->set(name, std::vector<uint8_t>(value.begin(), value.end()));
    return value;
  }
  std::vector<uint8_t> got = impl_->store->get(name);  // waits up to the store's timeout
  return std::string(got.begin(), got.end());
}

bool ProcessGroup::exchange(std::vector<Command>& commands, bool stop) {
  // [stop][count] then each command as [length][snapshot.proto's Command], little-endian u32s.
  std::string bytes;
  auto put_u32 = [&](uint32_t v) { bytes.append(reinterpret_cast<const char*>(&v), 4); };
  if (rank() == 0) {
    put_u32(stop ? 1 : 0);
    put_u32(static_cast<uint32_t>(commands.size()));
    for (const Command& c : commands) {
      const std::string one = net::encode_command(c);
      put_u32(static_cast<uint32_t>(one.size()));
      bytes += one;
    }
  }
  broadcast(bytes);
  if (rank() == 0) return !stop;
  size_t at = 0;
  auto get_u32 = [&]() {
    uint32_t v = 0;
    if (at + 4 > bytes.size()) throw std::runtime_error("rank 0's commands were cut short");
    std::memcpy(&v, bytes.data() + at, 4);
    at += 4;
    return v;
  };
  const bool stopped = get_u32() != 0;
  commands.clear();
  for (uint32_t n = get_u32(); n > 0; --n) {
    const uint32_t size = get_u32();
    if (at + size > bytes.size()) throw std::runtime_error("rank 0's commands were cut short");
    auto c = net::decode_command(std::string_view(bytes).substr(at, size));
    if (!c) throw std::runtime_error("rank 0 sent a bad command: " + c.error());
    commands.push_back(std::move(*c));
    at += size;
  }
  return !stopped;
}

bool ProcessGroup::agree(bool ok, int64_t step) {
  // One MIN all-reduce of (ok, step, -step): every rank's ok, the lowest and the highest step.
  std::vector<torch::Tensor> t{torch::tensor({int64_t(ok), step, -step}, torch::kLong)};
  c10d::AllreduceOptions min;
  min.reduceOp = c10d::ReduceOp::MIN;
  impl_->run("the ranks' agreement", [&] { return impl_->group->allreduce(t, min); });
  const int64_t lowest = t[0][1].item<int64_t>(), highest = -t[0][2].item<int64_t>();
  if (lowest != highest) {
    throw std::runtime_error(strformat(
        "the ranks went apart: they are at steps %lld to %lld (a command or a file one rank "
        "could not take)",
        static_cast<long long>(lowest), static_cast<long long>(highest)));
  }
  return t[0][0].item<int64_t>() == 1;
}

DistributedStats ProcessGroup::stats() const { return impl_->stats; }

void ProcessGroup::report(const std::string& line, bool last) {
  impl_->store->set((last ? "summary/" : "report/") + std::to_string(rank()),
                    std::vector<uint8_t>(line.begin(), line.end()));
}

std::vector<std::string> ProcessGroup::reports(bool last) {
  std::vector<std::string> out;
  for (int r = 0; r < world(); ++r) {
    const std::string key = (last ? "summary/" : "report/") + std::to_string(r);
    try {
      if (last) {
        impl_->store->wait({key}, to_ms(impl_->options.timeout_s));
      } else if (!impl_->store->check({key})) {
        out.push_back(strformat("rank %d: no report yet", r));
        continue;
      }
    } catch (const std::exception&) {
      out.push_back(strformat("rank %d: no report (it stopped early?)", r));
      continue;
    }
    std::vector<uint8_t> v = impl_->store->get(key);
    out.emplace_back(v.begin(), v.end());
  }
  return out;
}

}  // namespace genscope
