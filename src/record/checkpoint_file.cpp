#include "record/checkpoint_file.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <utility>

#include "util/strings.h"

namespace genscope {
namespace {

constexpr char kMagic[] = "GENSCOPE-CHECKPOINT\n";
constexpr size_t kMagicSize = sizeof(kMagic) - 1;

template <class T>
void put(std::string& out, T v) {
  for (size_t i = 0; i < sizeof(T); ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

template <class T>
bool get(const std::string& in, size_t& pos, T& v) {
  if (in.size() < pos + sizeof(T)) return false;
  v = 0;
  for (size_t i = 0; i < sizeof(T); ++i) v |= T(static_cast<uint8_t>(in[pos + i])) << (8 * i);
  pos += sizeof(T);
  return true;
}

uint32_t crc_of(const std::string& bytes, size_t n) {
  uLong crc = crc32(0L, Z_NULL, 0);
  size_t done = 0;
  while (done < n) {  // crc32 takes a uInt length
    const uInt chunk = static_cast<uInt>(std::min<size_t>(n - done, 1u << 30));
    crc = crc32(crc, reinterpret_cast<const Bytef*>(bytes.data() + done), chunk);
    done += chunk;
  }
  return static_cast<uint32_t>(crc);
}

// An open file descriptor, closed when it goes out of scope.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  /// Closes it now; false (errno set) when closing failed.
  bool close() {
    const int fd = std::exchange(fd_, -1);
    return fd < 0 || ::close(fd) == 0;
  }

 private:
  int fd_;
};

// Makes a rename in `path`'s directory durable (the directory entry reaches the disk).
void sync_directory_of(const std::string& path) {
  const std::size_t slash = path.find_last_of('/');
  const std::string dir = slash == std::string::npos ? "."
                          : slash == 0               ? "/"
                                                     : path.substr(0, slash);
  const Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() >= 0) ::fsync(fd.get());  // best effort: the file itself is complete either way
}

}  // namespace

std::string encode_checkpoint(const CheckpointFile& file) {
  std::string out(kMagic, kMagicSize);
  put<uint32_t>(out, kCheckpointVersion);
  put<uint64_t>(out, file.config_text.size());
  out += file.config_text;
  put<uint64_t>(out, file.payload.size());
  out += file.payload;
  put<uint32_t>(out, crc_of(out, out.size()));
  return out;
}

Result<CheckpointFile> decode_checkpoint(const std::string& bytes, const std::string& path) {
  const std::string where = "checkpoint " + path + ": ";
  if (bytes.size() < kMagicSize || bytes.compare(0, kMagicSize, kMagic) != 0) {
    return Error{where + "not a genscope checkpoint (no GENSCOPE-CHECKPOINT header)"};
  }
  size_t pos = kMagicSize;
  uint32_t version = 0;
  if (!get(bytes, pos, version)) return Error{where + "truncated (ends in the header)"};
  if (version == 1) {
    return Error{where + "a checkpoint of an older genscope (format 1, a LibTorch archive that "
                         "cannot be checked safely): start a new run"};
  }
  if (version != kCheckpointVersion) {
    return Error{strformat("%sformat version %u, this genscope reads version %u", where.c_str(),
                           version, kCheckpointVersion)};
  }
  CheckpointFile file;
  uint64_t n = 0;
  if (!get(bytes, pos, n) || bytes.size() - pos < n) {
    return Error{where + "truncated (ends in the parameters)"};
  }
  file.config_text = bytes.substr(pos, n);
  pos += n;
  if (!get(bytes, pos, n) || bytes.size() - pos < n) {
    return Error{where + "truncated (ends in the model data)"};
  }
  file.payload = bytes.substr(pos, n);
  pos += n;
  const size_t body = pos;
  uint32_t crc = 0;
  if (!get(bytes, pos, crc)) return Error{where + "truncated (no checksum)"};
  if (pos != bytes.size()) return Error{where + "has trailing bytes after the checksum"};
  if (crc != crc_of(bytes, body)) return Error{where + "corrupt (checksum mismatch)"};
  return file;
}

Result<std::string> read_file_bytes(const std::string& path) {
  // Non-blocking: opening a FIFO for reading would wait for a writer forever.
  const Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (fd.get() < 0) return Error{path + ": cannot open: " + std::strerror(errno)};
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return Error{path + ": not a regular file"};
  }
  ::fcntl(fd.get(), F_SETFL, ::fcntl(fd.get(), F_GETFL) & ~O_NONBLOCK);
  std::string bytes;
  try {
    bytes.resize(static_cast<size_t>(st.st_size));
  } catch (const std::exception&) {
    return Error{path + ": too large to read (" + std::to_string(st.st_size) + " bytes)"};
  }
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::read(fd.get(), bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Error{path + ": read failed: " + std::strerror(errno)};
    if (n == 0) break;  // shrank while reading: what is there is checked like a truncated file
    done += static_cast<size_t>(n);
  }
  bytes.resize(done);
  return bytes;
}

int remove_stale_temp_files(const std::string& dir) {
  std::error_code ec;
  int removed = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    const auto mark = name.rfind(".tmp-");
    if (mark == std::string::npos || !entry.is_regular_file(ec)) continue;
    const std::string digits = name.substr(mark + 5);
    if (digits.empty() || digits.size() > 9 ||
        !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      continue;
    }
    const pid_t pid = static_cast<pid_t>(std::stol(digits));
    if (pid == ::getpid() || ::kill(pid, 0) == 0 || errno != ESRCH) continue;  // alive, or unknown
    if (std::filesystem::remove(entry.path(), ec)) ++removed;
  }
  return removed;
}

Status write_file_atomic(const std::string& path, const std::string& bytes,
                         const std::function<void()>& before_rename) {
  const std::string tmp = path + ".tmp-" + std::to_string(::getpid());
  Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (fd.get() < 0) return Error{path + ": cannot write: " + std::strerror(errno)};
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd.get(), bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const std::string why = std::strerror(errno);
      ::unlink(tmp.c_str());
      return Error{path + ": write failed: " + why};
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd.get()) != 0 || !fd.close()) {  // a failed fsync: closed on the way out
    const std::string why = std::strerror(errno);
    ::unlink(tmp.c_str());
    return Error{path + ": flushing to disk failed: " + why};
  }
  if (before_rename) {
    try {
      before_rename();
    } catch (...) {
      ::unlink(tmp.c_str());
      throw;
    }
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    ::unlink(tmp.c_str());
    return Error{path + ": cannot replace: " + why};
  }
  sync_directory_of(path);
  return {};
}

}  // namespace genscope
