//! Command-line tests of `jtbd`: one integration binary, driving the real executable.

mod analyze;
mod eval_data;
mod extract;
mod generated;
mod hostile;
mod hostile_text;
mod ingest;
mod ingest_errors;
mod integrity;
mod mistakes;
mod quickwit;
mod real_world;
mod review;
mod search;
mod serve;
mod serve_chromium;
mod stories;
mod support;
mod tune;
