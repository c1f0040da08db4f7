//! What a command ended with, and the one place it becomes an exit code: 0 results, 1 nothing
//! found, 2 error. Every command returns an [`Outcome`] (or an error, which is 2); `main` turns
//! it into the process's exit code through [`exit`].

use std::process::ExitCode;

/// How a command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// It found or wrote something, and nothing failed.
    Results,
    /// Nothing failed, and there was nothing to show.
    NothingFound,
    /// Some input failed (a file, a line, an example): the rest was done, the run is an error.
    Failed,
}

impl Outcome {
    /// A run that met `errors` failures and `found` results: any failure makes it an error
    /// (a batch goes on past a bad record, then says so), else nothing found when `found` is 0.
    pub fn of(errors: usize, found: usize) -> Outcome {
        if errors > 0 {
            Outcome::Failed
        } else if found == 0 {
            Outcome::NothingFound
        } else {
            Outcome::Results
        }
    }

    /// [`Outcome::of`] for a command that reads transcripts: says so on stderr when no
    /// transcript was found in the paths given.
    pub fn of_transcripts(errors: usize, interviews: usize) -> Outcome {
        let o = Outcome::of(errors, interviews);
        if o == Outcome::NothingFound {
            eprintln!("nothing found: no transcript in the paths given");
        }
        o
    }

    /// The exit code.
    pub fn code(self) -> u8 {
        match self {
            Outcome::Results => 0,
            Outcome::NothingFound => 1,
            Outcome::Failed => 2,
        }
    }
}

/// The exit code of a command's result, with an error printed on stderr.
pub fn exit(result: anyhow::Result<Outcome>) -> ExitCode {
    match result {
        Ok(outcome) => ExitCode::from(outcome.code()),
        Err(e) => {
            // A closed pipe (`jtbd ... | head`) is the reader's choice, not an error.
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) {
                return ExitCode::SUCCESS;
            }
            eprintln!("error: {e:#}");
            ExitCode::from(Outcome::Failed.code())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Outcome;

    #[test]
    fn a_failure_outranks_results_and_nothing_found() {
        assert_eq!(Outcome::of(1, 5), Outcome::Failed);
        assert_eq!(Outcome::of(1, 0), Outcome::Failed);
        assert_eq!(Outcome::of(0, 0), Outcome::NothingFound);
        assert_eq!(Outcome::of(0, 3), Outcome::Results);
        let codes: Vec<u8> = [Outcome::Results, Outcome::NothingFound, Outcome::Failed]
            .map(Outcome::code)
            .into();
        assert_eq!(codes, [0, 1, 2]);
    }
}
