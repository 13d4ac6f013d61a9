#pragma once
// The checkpoint container and atomic file writes. Plain C++ (zlib for the checksum); the torch
// side (weights, optimizer state, RNG) is an opaque payload written by the training session.
//
// Layout (little-endian):
//   "GENSCOPE-CHECKPOINT\n"  20 bytes of magic
//   u32  format version (2)
//   u64  length of the parameter text, then the text (`key = value` lines, as --config reads)
//   u64  length of the payload, then the payload: the training state as a TensorFile
//        (record/tensor_file.h, the safetensors layout), checked completely before use
// Version 1 held a LibTorch archive, whose tensors LibTorch does not check against their storage
// (an edited file could corrupt memory): it is refused as a file of an older genscope.
//   u32  CRC-32 of every byte before it
// A file that is not one (wrong magic), from another version, truncated, or whose checksum does
// not match is rejected with an error naming the path and what is wrong.
#include <functional>
#include <string>

#include "util/result.h"

namespace genscope {

/// What a checkpoint holds besides its framing.
struct CheckpointFile {
  std::string config_text;  // every parameter, as to_config_text() writes them
  std::string payload;      // the session's state: a TensorFile's bytes
};

inline constexpr uint32_t kCheckpointVersion = 2;

/// The file's bytes for `file`.
std::string encode_checkpoint(const CheckpointFile& file);
/// Parses and verifies bytes read from `path` (used in error messages).
Result<CheckpointFile> decode_checkpoint(const std::string& bytes, const std::string& path);

/// Reads a whole file. Errors name the path.
Result<std::string> read_file_bytes(const std::string& path);

/// Writes `bytes` to `path` atomically: a temporary file in the same directory is written,
/// flushed and fsync'ed, then renamed over `path`. A crash at any point leaves either the old
/// file or the new one, never a mix. `before_rename` (tests) runs between the two; if it throws,
/// the temporary file is removed and the exception propagates, as a crash would leave `path`.
Status write_file_atomic(const std::string& path, const std::string& bytes,
                         const std::function<void()>& before_rename = {});

/// Deletes the temporary files write_file_atomic left in `dir` (NAME.tmp-PID) when the process
/// PID is gone (killed while writing); returns how many. Files of live processes stay.
int remove_stale_temp_files(const std::string& dir);

}  // namespace genscope
