//! Naming diarised speakers: `SPEAKER_01`, `0`, `A` become the people in the manifest.
//!
//! The `speakers` metadata value (a manifest column, or front matter) maps labels to names and,
//! optionally, roles: `SPEAKER_00=Dana Reyes (interviewer); SPEAKER_01=Omar Haddad`. Labels are
//! matched whole, any case. Every turn of a mapped label takes the name, so every output, role
//! and story sees the person, not the voice number.

use jtbd_model::{Interview, Note, Role};

/// The metadata key that holds the mapping.
pub const KEY: &str = "speakers";

/// One `LABEL=Name (role)` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The label as the transcript writes it.
    pub label: String,
    /// The person's name.
    pub name: String,
    /// The role, when written in parentheses after the name.
    pub role: Option<Role>,
}

/// Parses a mapping; entries that do not parse come back as problems to report.
pub fn parse(value: &str) -> (Vec<Entry>, Vec<String>) {
    let (mut entries, mut problems) = (Vec::new(), Vec::new());
    for part in value.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        let Some((label, rest)) = part.split_once('=') else {
            problems.push(format!("speakers entry {part:?} is not LABEL=Name"));
            continue;
        };
        let rest = rest.trim();
        let (name, role) = match rest.strip_suffix(')').and_then(|r| r.rsplit_once('(')) {
            Some((name, role)) => match Role::parse(role) {
                Some(role) => (name.trim(), Some(role)),
                None => {
                    problems.push(format!(
                        "speakers entry {part:?}: unknown role {role:?} (interviewer or interviewee)"
                    ));
                    (name.trim(), None)
                }
            },
            None => (rest, None),
        };
        if label.trim().is_empty() || name.is_empty() {
            problems.push(format!(
                "speakers entry {part:?} has an empty label or name"
            ));
            continue;
        }
        entries.push(Entry {
            label: label.trim().to_owned(),
            name: name.to_owned(),
            role,
        });
    }
    (entries, problems)
}

/// Renames the interview's turns by the mapping in its metadata, if any. Returns the roles given
/// (by the new names) and what to tell the user (bad entries, labels no turn has).
pub fn apply(interview: &mut Interview) -> (Vec<(String, Role)>, Vec<Note>) {
    let Some(value) = interview.metadata.get(KEY) else {
        return (Vec::new(), Vec::new());
    };
    let (entries, problems) = parse(value);
    let mut notes: Vec<Note> = problems
        .into_iter()
        .map(|message| Note {
            line: None,
            message,
        })
        .collect();
    let mut given = Vec::new();
    for e in &entries {
        let mut used = false;
        for turn in &mut interview.turns {
            if turn
                .speaker
                .as_deref()
                .is_some_and(|s| s.trim().eq_ignore_ascii_case(&e.label))
            {
                turn.speaker = Some(e.name.clone());
                used = true;
            }
        }
        if !used {
            notes.push(Note {
                line: None,
                message: format!(
                    "speakers maps {:?}, but no turn has that label (labels are matched whole)",
                    e.label
                ),
            });
        }
        if let Some(role) = e.role {
            given.push((e.name.clone(), role));
        }
    }
    (given, notes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_parse_with_and_without_roles() {
        let (e, p) = parse("SPEAKER_00=Dana Reyes (interviewer); SPEAKER_01=Omar Haddad;; B=");
        assert_eq!(
            e,
            [
                Entry {
                    label: "SPEAKER_00".into(),
                    name: "Dana Reyes".into(),
                    role: Some(Role::Interviewer)
                },
                Entry {
                    label: "SPEAKER_01".into(),
                    name: "Omar Haddad".into(),
                    role: None
                },
            ]
        );
        assert_eq!(p.len(), 1, "{p:?}");
        let (_, p) = parse("A=Ann (boss); nonsense");
        assert_eq!(p.len(), 2, "{p:?}");
    }
}
