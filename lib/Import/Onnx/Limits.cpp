//===- Limits.cpp - sizes the importer refuses -------------------------------===//
//
// A downloaded model may declare anything: negative dimensions, shapes whose
// element count overflows 64 bits, terabyte tensors, millions of nodes. The
// importer refuses them with one diagnostic naming the tensor or the model
// before anything is allocated for them (docs/Importer.md, "Limits").
//
//===----------------------------------------------------------------------===//

#include "Importer.h"

#include "llvm/Support/MathExtras.h"

using namespace mlir;

LogicalResult tern::onnx_import::checkTensorSize(ArrayRef<int64_t> shape,
                                                 Type elementType,
                                                 Location loc,
                                                 const llvm::Twine &what) {
  uint64_t elements = 1;
  bool overflow = false;
  for (int64_t d : shape) {
    if (d < 0)
      return emitError(loc) << what << " has negative dimension " << d;
    bool o = false;
    elements = llvm::SaturatingMultiply<uint64_t>(elements, d, &o);
    overflow |= o;
  }
  uint64_t bits = elementType.isIntOrFloat()
                      ? std::max(8u, elementType.getIntOrFloatBitWidth())
                      : 8;
  bool o = false;
  uint64_t bytes = llvm::SaturatingMultiply<uint64_t>(elements, bits / 8, &o);
  overflow |= o;
  if (overflow || bytes >= kMaxTensorBytes) {
    auto diag = emitError(loc) << what << " is too large: ";
    if (overflow)
      diag << "its size overflows 64 bits";
    else
      diag << elements << " elements (" << bytes << " bytes)";
    diag << "; Tern's accelerator addresses at most 2^40 bytes of DRAM";
    return diag;
  }
  return success();
}
