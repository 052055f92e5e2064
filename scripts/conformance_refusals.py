#!/usr/bin/python3
"""Which ONNX backend node tests of the claimed ops `tern compile` accepts.

  conformance_refusals.py TERN TRANSLATE [DATA_DIR] [--markdown] [-v]

A case is *claimed* when every node of its graph is a default-domain op that
`TRANSLATE --list-onnx-ops` lists (the importer's rule,
test/Import/Conformance/run_conformance.py). Each claimed case is compiled
with `TERN compile model.onnx` (bf16 policy, tern-edge), the graph inputs
that are operands the importer needs as constants bound with --bind-input
(scripts/node_bindings.py; --no-bind compiles every case as-is) and,
when refused, the last `error:` line is kept: it names the ONNX node
(`loc("name"("OpType"))`) and why.

A case counts for the op its name is about (the longest claimed op whose
lower-case name prefixes the case name after `test_`, e.g. test_reduce_sum_*
-> ReduceSum); cases named after no claimed op (e.g. test_layer_normalization
-> LayerNormalization is found by stripping underscores) are grouped under
the op of their first node. Prints, per op, the cases compiled / refused and
the most common refusal reason (the error text without the location, with
numbers, types and value names blanked); --markdown prints the table of docs/Conformance.md. -v
also lists every refused case with its error line.
"""

import argparse
import collections
import os
import re
import subprocess
import sys
import tempfile

import onnx

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from node_bindings import bind_args  # noqa: E402

DATA = "/usr/share/libonnx-testdata/data/node"


def case_op(case, model, claimed):
    key = case[len("test_"):].replace("_", "")
    best = None
    for op in claimed:
        if key.startswith(op.lower()) and (best is None or len(op) > len(best)):
            best = op
    return best or model.graph.node[0].op_type


def reason_key(msg):
    """The error text with what varies between cases blanked."""
    msg = re.sub(r"^.*?error: ", "", msg)
    msg = re.sub(r"^loc\([^:]*\): ", "", msg)
    # Keep op names ('tosa.exp'), blank value and tensor names.
    msg = re.sub(r"'([^' .]*)'", "'_'", msg)
    msg = re.sub(r"tensor<[^>]*>", "tensor<_>", msg)
    msg = re.sub(r"\b\d+(\.\d+)?\b", "N", msg)
    return msg.strip()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("tern")
    ap.add_argument("translate")
    ap.add_argument("data", nargs="?", default=DATA)
    ap.add_argument("--markdown", action="store_true")
    ap.add_argument("--no-bind", action="store_true",
                    help="bind no graph input to a constant")
    ap.add_argument("-v", "--verbose", action="store_true")
    a = ap.parse_args()
    claimed = set(subprocess.run([a.translate, "--list-onnx-ops"],
                                 capture_output=True, text=True,
                                 check=True).stdout.split())
    cases = sorted(d for d in os.listdir(a.data)
                   if os.path.isfile(os.path.join(a.data, d, "model.onnx")))
    per_op = collections.defaultdict(lambda: {"ok": [], "refused": []})
    unclaimed = 0
    with tempfile.TemporaryDirectory() as work:
        prog = os.path.join(work, "p.tern")
        for case in cases:
            path = os.path.join(a.data, case, "model.onnx")
            model = onnx.load(path)
            ops = [(n.domain, n.op_type) for n in model.graph.node]
            if not ops or any(d not in ("", "ai.onnx") or t not in claimed
                              for d, t in ops):
                unclaimed += 1
                continue
            op = case_op(case, model, claimed)
            if os.path.exists(prog):
                os.remove(prog)
            try:
                binds = [] if a.no_bind else bind_args(
                    os.path.join(a.data, case), model)
                r = subprocess.run([a.tern, "compile", path, "-o", prog] + binds,
                                   capture_output=True, text=True, timeout=60)
                rc, err = r.returncode, r.stderr
            except subprocess.TimeoutExpired:
                rc, err = -1, "error: timeout (60 s)"
            if rc == 0:
                per_op[op]["ok"].append(case)
            else:
                lines = [l for l in err.splitlines() if "error:" in l]
                per_op[op]["refused"].append((case, lines[0] if lines else
                                              "exit %d" % rc))
    total_ok = sum(len(v["ok"]) for v in per_op.values())
    total_ref = sum(len(v["refused"]) for v in per_op.values())
    if a.markdown:
        print("| claimed op | compiled | refused | main reason for refusal (cases) |")
        print("|---|---|---|---|")
    for op in sorted(per_op):
        v = per_op[op]
        reasons = collections.Counter(reason_key(m) for _, m in v["refused"])
        main_reason = ""
        if reasons:
            text, n = reasons.most_common(1)[0]
            main_reason = "%s (%d)" % (text, n)
            if len(reasons) > 1:
                main_reason += "; %d other reason(s)" % (len(reasons) - 1)
        if a.markdown:
            print("| %s | %d | %d | %s |" % (op, len(v["ok"]), len(v["refused"]),
                                             main_reason.replace("|", "\\|")))
        else:
            print("%-20s %3d compiled %3d refused  %s" % (
                op, len(v["ok"]), len(v["refused"]), main_reason))
        if a.verbose:
            for case, msg in v["refused"]:
                print("    REFUSED %s: %s" % (case, msg))
    for op in sorted(claimed - set(per_op)):
        print("%s: no node test case" % op if not a.markdown else
              "| %s | 0 | 0 | no node test case of this op alone |" % op)
    print("\nclaimed cases: %d of %d (%d use an op that is not claimed); "
          "compiled %d, refused %d" % (total_ok + total_ref, len(cases),
                                       unclaimed, total_ok, total_ref))
    return 0


if __name__ == "__main__":
    sys.exit(main())
