# jtbd development tasks. `just --list` is the table of contents.

# List the recipes.
default:
    @just --list

# Everything CI runs: tests, formatting, lints (the same as .ci/run).
ci:
    bash .ci/run

# Run the test suite.
test:
    cargo test --workspace

# Format all code.
fmt:
    cargo fmt --all

# Lint with warnings as errors.
lint:
    cargo clippy --workspace --all-targets -- -D warnings

# Measure speed side by side with the peers and write BENCHMARKS.md (analyze, extract, index and
# search against a Python `re` script, SQLite FTS5 and ripgrep at 10 MB, 100 MB and 1 GB), then
# the detail: ingest and extract MB/s, in-process query latency, stories over 10,000 interviews.
bench: bench-deps
    cargo bench --bench peers
    cargo bench --bench throughput
    cargo bench --bench search
    cargo bench --bench stories

# Only the side-by-side table, at SIZES megabytes (comma-separated), written to BENCHMARKS.md.
bench-peers SIZES="10,100,1000": bench-deps
    JTBD_BENCH_SIZES={{SIZES}} cargo bench --bench peers

# Install what the benchmarks compare against (ripgrep; python3 has `re` and SQLite FTS5).
bench-deps:
    command -v python3 >/dev/null || apt-get install -y python3
    command -v rg >/dev/null || apt-get install -y ripgrep || cargo install ripgrep

# Write a synthetic corpus of MB megabytes to DIR (deterministic; the benchmarks' generator).
gen-corpus DIR MB="100":
    cargo run --release --example gen_corpus -- {{DIR}} {{MB}}

# Fuzz every target SECS seconds (stable toolchain, no sanitizer; installs cargo-fuzz once).
fuzz SECS="300":
    command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
    cd fuzz && for t in $(cargo fuzz list); do cargo fuzz run --sanitizer none "$t" -- -max_total_time={{SECS}} || exit 1; done

# Score extraction on the labelled dev sets in ../shared/eval (precision, recall, F1; the
# interview set also leave-interviews-out). --cv: only that, before and after learning per fold;
# --learn: learn the rules' weights from the labelled interviews into the rule files.
eval *ARGS:
    cargo run --profile eval --example eval -- {{ARGS}}

# Show the sample corpus as jtbd reads it, what it finds in it, a search across it, and the
# whole study in target/demo/ (open target/demo/report.html).
demo:
    cargo run --release -- ingest corpora/
    cargo run --release -- extract corpora/
    cargo run --release -- index corpora/ --index target/demo.jtbd
    cargo run --release -- search '"lock in" OR renewal' --role CISO --index target/demo.jtbd
    cargo run --release -- analyze corpora/ --out target/demo

# The sample corpus as JSON Lines, for scripts.
demo-jsonl:
    cargo run --release -- ingest corpora/ --format jsonl

# Where `jtbd analyze` spends its CPU, stage by stage, on the MB-megabyte generated corpus: a
# release build with line tables, `perf record --call-graph dwarf`, `scripts/perf_stages.py`.
bench-stages MB="100":
    #!/usr/bin/env bash
    set -euo pipefail
    command -v perf >/dev/null || apt-get install -y linux-perf
    data=target/bench-data/peers-{{MB}}M
    test -d "$data" || { echo "run just bench-peers {{MB}} first (it writes $data)"; exit 2; }
    CARGO_PROFILE_RELEASE_DEBUG=line-tables-only CARGO_TARGET_DIR=target/stages \
        cargo build --release --bin jtbd
    tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
    perf record -q -F 199 --call-graph dwarf,16384 -o "$tmp/perf.data" \
        target/stages/release/jtbd analyze "$data" --out "$tmp/out" --quiet
    perf script -i "$tmp/perf.data" > "$tmp/perf.txt" 2>/dev/null
    mb=$(find -L "$data" -type f -printf '%s\n' | awk '{ s += $1 } END { print s / 1e6 }')
    python3 scripts/perf_stages.py "$tmp/perf.txt" 199 "$mb"

# The marginal cost between 50 and 100 copies of corpora/, so start-up is left out; BIN compares
# another build. Needs the copies `just bench` writes.

# Instructions per input byte of ingest and extract (valgrind): repeatable where MB/s is noisy.
bench-instructions BIN="target/release/jtbd":
    #!/usr/bin/env bash
    set -euo pipefail
    command -v valgrind >/dev/null || apt-get install -y valgrind
    cargo build --release --bin jtbd
    data=target/bench-data/corpus-x1000
    test -d "$data" || { echo "run just bench first (it writes $data)"; exit 2; }
    tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
    size() { find -L "$1" -type f -printf '%s\n' | awk '{ s += $1 } END { print s }'; }
    for n in 50 100; do
        mkdir -p "$tmp/c$n"
        for k in $(seq -f '%04g' 0 $((n - 1))); do ln -s "$PWD/$data/$k" "$tmp/c$n/$k"; done
    done
    bytes=$(( $(size "$tmp/c100") - $(size "$tmp/c50") ))
    for cmd in ingest extract; do
        count() { valgrind --tool=callgrind --callgrind-out-file=/dev/null "{{BIN}}" "$cmd" --quiet --format jsonl "$1" 2>&1 >/dev/null | sed -n 's/.*Collected : //p'; }
        a=$(count "$tmp/c50"); b=$(count "$tmp/c100")
        echo "$cmd --format jsonl: $(( (b - a) / bytes )) instructions per input byte (50 copies, $bytes bytes)"
    done

# Instructions per input byte of `crates/jtbd-report/src/fast_json.rs` against serde_json writing the same JSON Lines
# (the `plain-serde` feature builds the binary without it).
bench-serde:
    CARGO_TARGET_DIR=target/plain-serde cargo build --release --bin jtbd --features plain-serde
    just bench-instructions
    just bench-instructions target/plain-serde/release/jtbd

# Screenshot the report's first screen on the sample corpus into docs/ (needs chromium).
screenshot:
    bash scripts/screenshot.sh
