//! Command-line tests of `jtbd`: one integration binary, driving the real executable.

mod ingest;
mod eval_data;
mod ingest_errors;
mod support;
