#!/usr/bin/env python3
"""Where `jtbd analyze` spends its CPU, stage by stage, from `perf script` output.

Usage: perf_stages.py PERF_SCRIPT_TXT HZ MB

Each sample (a call stack, as `perf record --call-graph dwarf` took it) is given to the first
stage below whose functions appear anywhere in its stack: the stages the stories call into
(drafting reads records, the scan runs the codebook) are listed before the code they share. A
stage's CPU time is its samples over the sampling rate HZ; divided by MB, the input's size in
megabytes, it is what the stage costs per MB. `just bench-stages` runs it.
"""

import collections
import re
import sys

# (stage, pattern of the functions that belong to it), first match wins.
STAGES = [
    ("stories: drafting", r"jtbd_stories::draft::"),
    ("stories: segments", r"jtbd_stories::segments::"),
    ("stories: themes", r"jtbd_stories::themes::"),
    ("stories: scan", r"jtbd_stories::scan::"),
    ("stories: records read back, other", r"jtbd_stories::find|Gathered::find|jtbd_stories::records::Records::"),
    ("signals.csv", r"jtbd_report::csv::"),
    ("report, stories.csv, exports", r"jtbd_report::(html|markdown|report|passage|qdpx|study|wire)"),
    ("index (tantivy, on its threads)", r"tantivy::|jtbd_index::"),
    ("JSON Lines", r"fast_json"),
    ("signal store", r"jtbd_report::signal_store"),
    ("extract", r"jtbd_extract::"),
    ("stories: records packed in the pass", r"jtbd_stories::record|Packed"),
    ("ingest (read, parse, sentences)", r"jtbd_ingest::|FileBytes::parse"),
    ("pass: other", r"study_cmd::read|pipeline::"),
    ("kernel", r"\[k\]|do_syscall|entry_SYSCALL|asm_exc_page_fault"),
]


def main() -> int:
    if len(sys.argv) != 4:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    path, hz, mb = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
    compiled = [(name, re.compile(p)) for name, p in STAGES]
    tally: collections.Counter[str] = collections.Counter()
    samples = 0
    with open(path, encoding="utf-8", errors="replace") as f:
        # `perf script` prints a header line, then one frame per line, then a blank line.
        for block in f.read().split("\n\n"):
            frames = block.strip().split("\n")[1:]
            if not frames:
                continue
            samples += 1
            stack = "\n".join(frames)
            stage = next((name for name, p in compiled if p.search(stack)), "other")
            tally[stage] += 1
    if samples == 0:
        print(f"{path}: no samples", file=sys.stderr)
        return 1
    print(f"{samples} samples, {samples / hz:.1f} CPU s, {mb:.0f} MB: "
          f"{1000 * samples / hz / mb:.0f} CPU ms per MB")
    print("| stage | share of CPU | CPU ms per MB |")
    print("|---|---|---|")
    for stage, n in tally.most_common():
        print(f"| {stage} | {100 * n / samples:.1f}% | {1000 * n / hz / mb:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
