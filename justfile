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

# Measure speed: ingest and extract MB/s on 1,000 copies of corpora/; index build, memory and
# query latency against SQLite FTS5 and ripgrep on a generated 100 MB corpus (and 1 GB).
bench: bench-deps
    cargo bench --bench throughput
    cargo bench --bench search

# Install what the search benchmark compares against (ripgrep; python3 has SQLite FTS5).
bench-deps:
    command -v rg >/dev/null || apt-get install -y ripgrep || cargo install ripgrep

# Write a synthetic corpus of MB megabytes to DIR (deterministic; the benchmarks' generator).
gen-corpus DIR MB="100":
    cargo run --release --example gen_corpus -- {{DIR}} {{MB}}

# Fuzz every target SECS seconds (stable toolchain, no sanitizer; installs cargo-fuzz once).
fuzz SECS="300":
    command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
    cd fuzz && for t in $(cargo fuzz list); do cargo fuzz run --sanitizer none "$t" -- -max_total_time={{SECS}} || exit 1; done

# Score extraction on the labelled dev sets in ../shared/eval (precision, recall, F1).
eval *ARGS:
    cargo run --release --example eval -- {{ARGS}}

# Show the sample corpus as jtbd reads it, what it finds in it, and a search across it.
demo:
    cargo run --release -- ingest corpora/
    cargo run --release -- extract corpora/
    cargo run --release -- index corpora/ --index target/demo.jtbd
    cargo run --release -- search '"lock in" OR renewal' --role CISO --index target/demo.jtbd

# The sample corpus as JSON Lines, for scripts.
demo-jsonl:
    cargo run --release -- ingest corpora/ --format jsonl
