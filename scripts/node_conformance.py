#!/usr/bin/python3
"""Conformance numerics on the ONNX backend node tests (issue 5, item 5).

  node_conformance.py TERN [DATA_DIR] [--rel-l2 1e-2] [--only NAME ...]
                      [--cases FILE] [-v]

For every case DATA_DIR/<case>/model.onnx (default: libonnx-testdata's
/usr/share/libonnx-testdata/data/node) that `tern compile` accepts (bf16
policy, default target tern-edge), runs the program on the functional
simulator with the case's test_data_set_0/input_N.pb and compares every
output with test_data_set_0/output_N.pb, the expected values that ship with
ONNX (computed by ONNX's reference implementation, not by Tern):

  - floating outputs: relative L2 error ||sim - expected|| / ||expected||
    below the bf16 tolerance (default 1e-2, the e2e tests' bound) and the
    same non-finite positions (NaN / +-inf where expected);
  - integer and bool outputs: the same element type and exactly equal.

Graph inputs that are operands the importer needs as constants (shape,
axes, starts/ends, Clip bounds, ...: scripts/node_bindings.py) are bound
with `tern compile --bind-input NAME=input_N.pb`; the others are run-time
inputs of the program.

Programs take bf16 (or integer) inputs; float16 and float64 test inputs are
converted to float32 before binding (the program rounds them to bf16, as it
does float32 data).

--cases FILE limits the run to the case names listed in FILE (one a line):
e2e/node-conformance.test runs the cases that compile
(test/e2e/Inputs/node-conformance-cases.txt), which e2e/compile-sweep.test
keeps equal to the set the compiler accepts; a listed case that `tern
compile` refuses is a failure there. Without --cases every case is tried.

Cases `tern compile` refuses are not counted (the compile sweep,
e2e/compile-sweep.test, checks that they are refused cleanly). Nor are
compiled cases whose test data does not fit their own model (an input of
another shape than the static one the model declares, or of another element
type): reported as INVALID with the input and both shapes or types, checked
on every case rather than listed (the four CastLike bfloat16 cases of ONNX
1.12's data: 'like' [1] against a declared [3, 4]; onnxruntime refuses them
too). Prints one
line per compiled case (PASS / FAIL with the reason) and a summary
`node conformance: N/M compiled cases match`; exits 1 if any compiled case
does not match, unless it is listed in KNOWN_FAILURES below with its reason
(then it is reported as XFAIL, and a listed case that passes is an error, so
the list cannot go stale).
"""

import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from onnx import numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from node_bindings import bound_inputs  # noqa: E402

DATA = "/usr/share/libonnx-testdata/data/node"

# Compiled cases whose simulated outputs do not match, with the reason
# (docs/Conformance.md). Keep in sync with the docs. (Empty: every compiled
# case with valid test data matches on tern-edge.)
KNOWN_FAILURES = {
}


def load_pb(path):
    t = onnx.TensorProto()
    with open(path, "rb") as f:
        t.ParseFromString(f.read())
    return t.name, numpy_helper.to_array(t)


def bf16_bits_to_f32(bits):
    """float32 values of bfloat16 bit patterns (exact)."""
    return (bits.astype(np.uint32) << 16).view(np.float32)


def elem_type(value_info):
    return value_info.type.tensor_type.elem_type


def compare(name, got, want, tol):
    """(None if GOT matches WANT else the reason, relative L2 error)."""
    if got.shape != want.shape:
        return "%s: shape %s, expected %s" % (name, got.shape, want.shape), None
    if want.dtype.kind in "biu":
        # Written in the model's declared type (the program records it).
        if got.dtype != want.dtype:
            return "%s: element type %s, expected %s" % (name, got.dtype, want.dtype), None
        if not np.array_equal(got.astype(np.int64) if got.dtype.kind != "b" else got,
                              want.astype(np.int64) if want.dtype.kind != "b" else want):
            bad = int(np.sum(got.astype(np.int64) != want.astype(np.int64)))
            return "%s: %d of %d values differ (exact match required)" % (
                name, bad, want.size), None
        return None, 0.0
    g = got.astype(np.float64)
    w = want.astype(np.float64)
    fin = np.isfinite(w)
    if not np.array_equal(np.isnan(g), np.isnan(w)) or \
       not np.array_equal(np.where(np.isinf(w), g, 0), np.where(np.isinf(w), w, 0)):
        return "%s: non-finite values differ" % name, None
    if not np.isfinite(g[fin]).all():
        return "%s: non-finite value where a finite one is expected" % name, None
    num = np.linalg.norm(g[fin] - w[fin])
    den = np.linalg.norm(w[fin])
    rel = num / den if den > 0 else num
    if not rel < tol:
        return "%s: relative L2 error %.3e >= %g (max abs %.3e)" % (
            name, rel, tol, np.abs(g[fin] - w[fin]).max() if fin.any() else 0), rel
    return None, rel


def dims_of(value_info):
    """The declared dimensions (None for a symbolic or unknown one), or None
    when the model declares no shape."""
    t = value_info.type.tensor_type
    if not t.HasField("shape"):
        return None
    return [d.dim_value if d.HasField("dim_value") else None
            for d in t.shape.dim]


def invalid_test_data(model, case_dir, bound):
    """Why the case's test data does not fit its own model (None if it does):
    a run-time input whose shape differs from a static shape the model
    declares, or whose element type is not the declared one (bfloat16 held
    as uint16 bit patterns is ONNX 1.12's convention, not a mismatch). No
    program can take such data; onnxruntime refuses it too."""
    inits = {i.name for i in model.graph.initializer}
    names = [i.name for i in model.graph.input if i.name not in inits]
    infos = {i.name: i for i in model.graph.input}
    for i, name in enumerate(names):
        if name in bound:
            continue
        t = onnx.TensorProto()
        with open(os.path.join(case_dir, "test_data_set_0",
                               "input_%d.pb" % i), "rb") as f:
            t.ParseFromString(f.read())
        declared = elem_type(infos[name])
        if t.data_type != declared and not (
                declared == onnx.TensorProto.BFLOAT16 and
                t.data_type == onnx.TensorProto.UINT16):
            return "input '%s' is %s, the model declares %s" % (
                name, onnx.TensorProto.DataType.Name(t.data_type),
                onnx.TensorProto.DataType.Name(declared))
        dims = dims_of(infos[name])
        if dims is not None and (len(dims) != len(t.dims) or any(
                d is not None and d != g for d, g in zip(dims, t.dims))):
            return "input '%s' has shape %s, the model declares %s" % (
                name, list(t.dims), ["?" if d is None else d for d in dims])
    return None


def run_case(tern, case_dir, work, target, tol):
    """('refused', msg) | ('invalid', why) | ('pass', msg) | ('fail',
    reason)."""
    model_path = os.path.join(case_dir, "model.onnx")
    prog = os.path.join(work, "p.tern")
    if os.path.exists(prog):
        os.remove(prog)
    model = onnx.load(model_path)
    bound = dict(bound_inputs(case_dir, model))
    binds = []
    for name, path in bound.items():
        binds += ["--bind-input", "%s=%s" % (name, path)]
    r = subprocess.run([tern, "compile", model_path, "--target", target, "-o", prog]
                       + binds, capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        return "refused", r.stderr.strip().splitlines()[-1] if r.stderr.strip() else ""
    why = invalid_test_data(model, case_dir, bound)
    if why:
        return "invalid", why
    inits = {i.name for i in model.graph.initializer}
    names = [i.name for i in model.graph.input if i.name not in inits]
    infos = {i.name: i for i in model.graph.input}
    data = os.path.join(case_dir, "test_data_set_0")
    args = []
    for i, name in enumerate(names):
        if name in bound:  # a constant of the program now
            continue
        path = os.path.join(data, "input_%d.pb" % i)
        _, value = load_pb(path)
        if elem_type(infos[name]) == onnx.TensorProto.BFLOAT16 and \
                value.dtype == np.uint16:
            # ONNX 1.12's test data stores bfloat16 tensors as uint16 bit
            # patterns (test_cast_BFLOAT16_to_FLOAT): the float32 values
            # they encode, exactly.
            value = bf16_bits_to_f32(value)
            path = os.path.join(work, "input_%d.npy" % i)
            np.save(path, value)
        elif value.dtype in (np.float16, np.float64):
            # `tern run` binds float32 (or bf16-exact) data to a bf16 input;
            # a float16 / float64 test input is handed over as float32.
            path = os.path.join(work, "input_%d.npy" % i)
            np.save(path, value.astype(np.float32))
        args += ["--input", "%s=%s" % (name, path)]
    out_dir = os.path.join(work, "out")
    if os.path.isdir(out_dir):
        for f in os.listdir(out_dir):
            os.remove(os.path.join(out_dir, f))
    r = subprocess.run([tern, "run", prog, "--quiet", "--output-dir", out_dir,
                        "--output-format", "pb"] + args,
                       capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        return "fail", "tern run: " + (r.stderr.strip().splitlines() or ["exit %d" % r.returncode])[-1]
    got = dict(load_pb(os.path.join(out_dir, f)) for f in os.listdir(out_dir))
    reasons = []
    worst = 0.0
    for i, out in enumerate(model.graph.output):
        path = os.path.join(data, "output_%d.pb" % i)
        _, want = load_pb(path)
        if elem_type(out) == onnx.TensorProto.BFLOAT16 and \
                want.dtype == np.uint16:
            want = bf16_bits_to_f32(want)  # bit patterns, as for inputs
        if out.name not in got:
            reasons.append("%s: no output written" % out.name)
            continue
        why, rel = compare(out.name, got[out.name], want, tol)
        if why:
            reasons.append(why)
        elif rel is not None:
            worst = max(worst, rel)
    if reasons:
        return "fail", "; ".join(reasons)
    return "pass", "%d output(s), largest relative L2 error %.1e" % (
        len(model.graph.output), worst)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("tern")
    ap.add_argument("data", nargs="?", default=DATA)
    ap.add_argument("--target", default="tern-edge")
    ap.add_argument("--rel-l2", type=float, default=1e-2)
    ap.add_argument("--only", nargs="*")
    ap.add_argument("--cases", help="file of case names, one a line")
    ap.add_argument("-v", "--verbose", action="store_true",
                    help="also print refused cases")
    a = ap.parse_args()
    cases = sorted(d for d in os.listdir(a.data)
                   if os.path.isfile(os.path.join(a.data, d, "model.onnx")))
    if a.only:
        cases = [c for c in cases if c in a.only]
    listed = None
    if a.cases:
        with open(a.cases) as f:
            listed = [l.strip() for l in f if l.strip() and not l.startswith("#")]
        missing = sorted(set(listed) - set(cases))
        if missing:
            print("no such case in %s: %s" % (a.data, ", ".join(missing)))
            return 1
        cases = [c for c in cases if c in set(listed)]
    counts = {"pass": 0, "fail": 0, "xfail": 0, "refused": 0, "invalid": 0}
    stale = []
    with tempfile.TemporaryDirectory() as work:
        for case in cases:
            status, msg = run_case(a.tern, os.path.join(a.data, case), work,
                                   a.target, a.rel_l2)
            if status == "refused":
                counts["refused"] += 1
                if listed is not None:
                    print("FAIL %s: listed as compiling, but tern compile "
                          "refused it: %s" % (case, msg))
                    counts["fail"] += 1
                    continue
                if a.verbose:
                    print("REFUSED %s: %s" % (case, msg))
                continue
            if status == "invalid":
                counts["invalid"] += 1
                print("INVALID %s: test data does not fit the model: %s "
                      "(not counted)" % (case, msg))
                continue
            if status == "fail" and case in KNOWN_FAILURES:
                status = "xfail"
                msg += " [known: %s]" % KNOWN_FAILURES[case]
            elif status == "pass" and case in KNOWN_FAILURES:
                stale.append(case)
            counts[status] += 1
            print("%s %s: %s" % (status.upper(), case, msg))
    compiled = counts["pass"] + counts["fail"] + counts["xfail"]
    print("node conformance (%s, relative L2 < %g): %d/%d compiled cases match,"
          " %d known failures, %d unexpected failures; %d of %d cases refused by"
          " tern compile; %d compiled with test data that does not fit the "
          "model" % (a.target, a.rel_l2, counts["pass"], compiled,
                     counts["xfail"], counts["fail"], counts["refused"],
                     len(cases), counts["invalid"]))
    for case in stale:
        print("STALE %s passes but is listed in KNOWN_FAILURES" % case)
    return 1 if counts["fail"] or stale else 0


if __name__ == "__main__":
    sys.exit(main())
