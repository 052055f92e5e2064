#!/usr/bin/python3
"""Validates a Chrome/Perfetto trace written by `tern run --trace` against the
Trace Event format (JSON object with traceEvents; complete events 'X' with
name, cat, ts, dur, pid, tid; metadata events 'M' naming each track) and the
timing model's invariant that a unit runs one instruction at a time (slices on
one track never overlap). Prints the number of slices per track.

    check_trace.py trace.json
"""
import json
import sys

with open(sys.argv[1]) as f:
    trace = json.load(f)
events = trace["traceEvents"]
names = {}
slices = {}
for e in events:
    if e["ph"] == "M":
        assert e["name"] == "thread_name", e
        names[e["tid"]] = e["args"]["name"]
        continue
    assert e["ph"] == "X", e
    for key in ("name", "cat", "ts", "dur", "pid", "tid"):
        assert key in e, (key, e)
    assert e["dur"] > 0 and e["ts"] >= 0, e
    slices.setdefault(e["tid"], []).append((e["ts"], e["ts"] + e["dur"], e))
for tid, spans in sorted(slices.items()):
    assert tid in names, f"track {tid} has no thread_name"
    spans.sort(key=lambda s: s[0])
    for (a0, a1, ea), (b0, b1, eb) in zip(spans, spans[1:]):
        # Times are printed in microseconds; allow rounding in the last digit.
        assert b0 >= a1 - 1e-6, f"overlap on {names[tid]}: {ea} and {eb}"
    print(f"{names[tid]}: {len(spans)} slices")
