//! `jtbd serve`'s parts, each to one purpose: what the server holds and derives (`state`), a
//! verdict checked and appended (`verdict`), and the HTTP routes (`routes`). The command itself
//! (flags, binding, the loop) is `src/serve_cmd.rs`; the pages and JSON are rendered by
//! `jtbd_report::serve_page` and `jtbd_report::wire_serve`.

pub mod routes;
pub mod state;
pub mod verdict;
