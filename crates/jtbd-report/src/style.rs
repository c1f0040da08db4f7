//! Terminal styling: ANSI colour only when asked for or when writing to a terminal.

use jtbd_model::Role;
use std::io::IsTerminal;

/// Whether and how to colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    on: bool,
}

impl Style {
    /// Decides for stdout: `Some(on)` when the user said, else colour on a terminal unless
    /// `NO_COLOR` is set.
    pub fn for_stdout(choice: Option<bool>) -> Style {
        let on = choice.unwrap_or_else(|| {
            std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
        });
        Style { on }
    }

    fn paint(&self, code: &str, s: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_owned()
        }
    }

    /// Bold.
    pub fn bold(&self, s: &str) -> String {
        self.paint("1", s)
    }

    /// Dim.
    pub fn dim(&self, s: &str) -> String {
        self.paint("2", s)
    }

    /// A cue inside a sentence: bold and underlined.
    pub fn cue(&self, s: &str) -> String {
        self.paint("1;4", s)
    }

    /// A force name in its colour.
    pub fn force(&self, f: jtbd_model::Force) -> String {
        let code = match f {
            jtbd_model::Force::Anxiety => "35",
            jtbd_model::Force::Frustration => "31",
            jtbd_model::Force::DesiredProgress => "32",
            jtbd_model::Force::Habit => "34",
        };
        self.paint(code, f.as_str())
    }

    /// A speaker name coloured by role.
    pub fn role(&self, role: Role, s: &str) -> String {
        self.paint(crate::emit::role_colour(role), s)
    }
}
