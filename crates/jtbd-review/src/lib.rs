//! The review loop's data: what a research team says of the signals the rules found, kept as one
//! verdict a line in `corrections.jsonl` beside the transcripts (and in git), and how often the
//! rules and the reviewers agree.
//!
//! - [`corrections`]: reading the file. A line that is not a verdict is reported with its file,
//!   line and problem; the lines around it still count.
//! - [`apply`]: the verdicts applied to one interview's signals (rejected ones leave, recoded
//!   ones change force, an added place becomes a signal when it is an interviewee's sentence).
//! - [`heard`]: what a pass over the folder made of the verdicts (which named something read,
//!   which additions were refused), and from that the file's problems in line order.
//! - [`agreement`]: per force, the precision of the reviewed signals, and Cohen's kappa between
//!   the rules and each reviewer, and between two reviewers of the same signals.
//! - [`tune`]: the rules' weights learned from the verdicts, with the agreement before and after
//!   (`jtbd rules tune`).
//!
//! A signal is named by its stable id ([`jtbd_model::signal_id`]): the same while its
//! interview, its place and its force do not change.

pub mod agreement;
pub mod apply;
pub mod corrections;
pub mod heard;
pub mod tune;

pub use agreement::{Agreement, ForcePrecision, Kappa, MIN_ITEMS};
pub use apply::{Applied, sentence_at};
pub use corrections::{Correction, CorrectionError, Corrections, Verdict};
pub use heard::{Heard, Problem, Severity};
pub use tune::{Judged, Tuned};
