//===- DramBuffer.h - zero-filled host memory for simulated DRAM -*- C++ -*-===//
//
// The simulated DRAM is as large as the program declares (up to 2^40 bytes
// by the ISA's address width), but programs touch little of it. calloc hands
// large requests to mmap, whose pages the kernel zero-fills on first touch,
// so a program that declares gigabytes costs only the pages it uses; a
// std::vector would write every byte up front. A failed allocation leaves an
// empty buffer that the caller reports (no exception, no abort).
//
//===----------------------------------------------------------------------===//
#ifndef TERN_RUNTIME_SIM_FUNCTIONAL_DRAMBUFFER_H
#define TERN_RUNTIME_SIM_FUNCTIONAL_DRAMBUFFER_H

#include <cstdint>
#include <cstdlib>
#include <memory>

namespace tern::rt::sim {

class DramBuffer {
public:
  DramBuffer() = default;
  explicit DramBuffer(uint64_t bytes) {
    if (bytes == 0 || bytes > SIZE_MAX)
      return;
    bytes_.reset(static_cast<uint8_t *>(std::calloc(bytes, 1)));
    if (bytes_)
      size_ = bytes;
  }

  uint8_t *data() { return bytes_.get(); }
  const uint8_t *data() const { return bytes_.get(); }
  uint64_t size() const { return size_; }
  uint8_t *begin() { return data(); }
  uint8_t *end() { return data() + size_; }

private:
  struct Free {
    void operator()(uint8_t *p) const { std::free(p); }
  };
  std::unique_ptr<uint8_t, Free> bytes_;
  uint64_t size_ = 0;
};

} // namespace tern::rt::sim

#endif
