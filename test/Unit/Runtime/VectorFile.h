//===- VectorFile.h - Reads the numpy-generated test vectors -----*- C++ -*-===//
#ifndef TERN_TEST_UNIT_RUNTIME_VECTORFILE_H
#define TERN_TEST_UNIT_RUNTIME_VECTORFILE_H

#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"

#include "gtest/gtest.h"

#include <string>
#include <vector>

inline llvm::json::Value loadVectors(const std::string &name) {
  std::string path = std::string(TERN_TEST_VECTORS_DIR) + "/" + name + ".json";
  auto buf = llvm::MemoryBuffer::getFile(path);
  if (!buf) {
    ADD_FAILURE() << "cannot read " << path;
    return nullptr;
  }
  llvm::Expected<llvm::json::Value> v = llvm::json::parse((*buf)->getBuffer());
  if (!v) {
    ADD_FAILURE() << llvm::toString(v.takeError());
    return nullptr;
  }
  return std::move(*v);
}

inline std::vector<int64_t> ints(const llvm::json::Value *v) {
  std::vector<int64_t> out;
  if (const llvm::json::Array *a = v ? v->getAsArray() : nullptr)
    for (const llvm::json::Value &x : *a)
      out.push_back(*x.getAsInteger());
  return out;
}

inline int64_t intField(const llvm::json::Object &o, const char *k) {
  return *o.getInteger(k);
}

#endif
