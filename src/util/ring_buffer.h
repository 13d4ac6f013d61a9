#pragma once
// RingBuffer<T>: keeps the newest `capacity` values pushed; index 0 is the oldest one kept.
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace genscope {

/// Fixed-capacity FIFO that overwrites its oldest element once full. Storage grows up to the
/// capacity as values arrive, so a large capacity costs nothing until it is used.
template <class T>
class RingBuffer {
 public:
  /// A buffer holding at most `capacity` values (at least 1).
  explicit RingBuffer(std::size_t capacity) : capacity_(capacity > 0 ? capacity : 1) {}

  /// Appends a value, dropping the oldest one when the buffer is full.
  void push(T value) {
    if (data_.size() < capacity_) {
      data_.push_back(std::move(value));
    } else {
      data_[head_] = std::move(value);
      head_ = head_ + 1 == capacity_ ? 0 : head_ + 1;
    }
    ++total_pushed_;
  }

  /// Number of values kept (at most capacity()).
  std::size_t size() const { return data_.size(); }
  /// Largest number of values kept.
  std::size_t capacity() const { return capacity_; }
  /// True when nothing is kept.
  bool empty() const { return data_.empty(); }
  /// Values pushed since construction or the last clear(), including the dropped ones.
  std::uint64_t total_pushed() const { return total_pushed_; }

  /// Drops every value and resets total_pushed(); the buffer is as if newly constructed.
  void clear() {
    data_.clear();
    head_ = 0;
    total_pushed_ = 0;
  }

  /// The i-th kept value, 0 being the oldest and size()-1 the newest.
  const T& operator[](std::size_t i) const { return data_[physical(i)]; }
  /// Mutable access to the i-th kept value, 0 being the oldest.
  T& operator[](std::size_t i) { return data_[physical(i)]; }
  /// The oldest kept value; the buffer must not be empty.
  const T& front() const { return (*this)[0]; }
  /// The newest value; the buffer must not be empty.
  const T& back() const { return (*this)[size() - 1]; }

 private:
  std::size_t physical(std::size_t i) const {
    assert(i < data_.size() && "RingBuffer index out of range");
    std::size_t index = head_ + i;
    return index >= data_.size() ? index - data_.size() : index;
  }

  std::vector<T> data_;
  std::size_t capacity_;
  std::size_t head_ = 0;  // physical index of the oldest value once full
  std::uint64_t total_pushed_ = 0;
};

}  // namespace genscope
