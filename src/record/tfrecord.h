#pragma once
// TFRecord framing, the container of TensorBoard's event files: each record is its length
// (uint64, little-endian), the masked CRC-32C of those 8 bytes, the data, and the masked CRC-32C
// of the data. Plain C++ (no protobuf): the event writer and the tests' reader share it.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace genscope {

/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), as iSCSI and TFRecord use it;
/// `crc` continues an earlier call's result.
uint32_t crc32c(std::string_view bytes, uint32_t crc = 0);

/// TFRecord's masked CRC: rotate right by 15 bits, add 0xa282ead8.
uint32_t masked_crc32c(std::string_view bytes);

/// One record's bytes, framed.
std::string tfrecord_frame(std::string_view data);

/// The records of a TFRecord file's bytes, every CRC checked. Errors say which record is bad
/// and how (a truncated record, a wrong length or data CRC), naming `what` (the file).
Result<std::vector<std::string>> tfrecord_records(std::string_view bytes, const std::string& what);
/// tfrecord_records appending to `records` as it reads: on an error, `records` holds the good
/// records before the bad one (a file still being written ends in a cut record).
Status tfrecord_read(std::string_view bytes, const std::string& what,
                     std::vector<std::string>& records);

}  // namespace genscope
