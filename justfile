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

# Measure ingest and extract speed on 1,000 copies of corpora/ (MB/s, this machine).
bench:
    cargo bench --bench throughput

# Score extraction on the labelled dev sets in ../shared/eval (precision, recall, F1).
eval *ARGS:
    cargo run --release --example eval -- {{ARGS}}

# Show the sample corpus as jtbd reads it, then what it finds in it.
demo:
    cargo run --release -- ingest corpora/
    cargo run --release -- extract corpora/

# The sample corpus as JSON Lines, for scripts.
demo-jsonl:
    cargo run --release -- ingest corpora/ --format jsonl
