#!/usr/bin/env bash
#===- bench/fuzz/compile_sweep.sh - every ONNX node test through tern compile ===#
#
# Usage: bench/fuzz/compile_sweep.sh TERN [DATA_DIR]
#        COMPILED_LIST=FILE bench/fuzz/compile_sweep.sh TERN   (also writes the
#        names of the cases that compiled to FILE, sorted, one a line: the
#        conformance test runs those, test/e2e/node-conformance.test)
#        TARGET=PRESET bench/fuzz/compile_sweep.sh TERN   (compile for that
#        preset; default tern-edge. Presets tile differently: a lowering bug
#        can show on one only, e2e/compile-sweep-tataa.test)
#
# Compiles every model of libonnx's backend node tests (1,000-odd small
# models, most of them operators Tern does not lower) with `tern compile`
# and checks the bad-input contract on each (docs/BadInput.md): the exit
# status is 0 (a program was written) or 1 (no program file left, and an
# `error:` on stderr); never a crash, a signal or a 30-s timeout. Prints one
# summary line and every violation; exits 1 if there was any.
#
# Graph inputs that are operands the importer needs as constants (a
# Reshape's shape, a Slice's starts, a Clip's bounds, ...) are bound to the
# case's values with --bind-input (scripts/node_bindings.py has the rule,
# docs/Conformance.md); the data inputs stay run-time inputs.
#
#===----------------------------------------------------------------------===#
set -uo pipefail
tern=${1:?usage: $0 TERN [DATA_DIR]}
data=${2:-/usr/share/libonnx-testdata/data/node}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
compiled=0 refused=0 bad=0
names=()
declare -A binds=()
while read -r case rest; do
  [[ -n $rest ]] && binds[$case]=$rest
done < <(/usr/bin/python3 "$(dirname "$0")/../../scripts/node_bindings.py" "$data")
for dir in "$data"/*/; do
  model=$dir/model.onnx
  [[ -f $model ]] || continue
  out=$work/out.tern
  rm -f "$out"
  name=$(basename "$dir")
  bindargs=()
  for b in ${binds[$name]:-}; do bindargs+=(--bind-input "$b"); done
  timeout 30 "$tern" compile "$model" --target "${TARGET:-tern-edge}" \
    "${bindargs[@]}" -o "$out" >"$work/log" 2>&1
  rc=$?
  if ((rc == 0)) && [[ -s $out ]]; then
    ((compiled++))
    names+=("$name")
  elif ((rc == 1)) && [[ ! -e $out ]] && grep -q "error:" "$work/log"; then
    ((refused++))
  else
    ((bad++))
    echo "VIOLATION $name: exit $rc$([[ -e $out ]] && echo ', output left')"
    tail -3 "$work/log" | sed 's/^/    /'
  fi
done
if [[ -n ${COMPILED_LIST:-} ]]; then
  printf '%s\n' "${names[@]}" | LC_ALL=C sort > "$COMPILED_LIST"
fi
echo "compile sweep (${TARGET:-tern-edge}): $((compiled + refused + bad)) models, $compiled compiled," \
     "$refused refused with an error, $bad violations"
((bad == 0))
