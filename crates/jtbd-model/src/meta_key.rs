//! The metadata keys jtbd gives a meaning to, as names rather than string literals spread over
//! the stages. Metadata itself stays an open map (a manifest may carry any column): these are
//! the keys some stage reads.

use std::collections::BTreeMap;

/// A metadata key with a meaning: keys are stored in lower case under [`MetaKey::as_str`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MetaKey {
    /// Who was interviewed (a name): names the interviewee, over any guess.
    Participant,
    /// The participant's role or job title, as the team writes it (`CISO`).
    Role,
    /// A job title, read like `role` where no `role` is given.
    Title,
    Company,
    Industry,
    /// Company size, a number or a band: shown in bands.
    Size,
    /// When the interview took place.
    Date,
    /// A Markdown heading of the file (`# Q3 renewal call`): shown, never taken for a role.
    Heading,
    /// Who interviewed.
    Interviewer,
}

impl MetaKey {
    /// The key as stored and typed.
    pub const fn as_str(self) -> &'static str {
        match self {
            MetaKey::Participant => "participant",
            MetaKey::Role => "role",
            MetaKey::Title => "title",
            MetaKey::Company => "company",
            MetaKey::Industry => "industry",
            MetaKey::Size => "size",
            MetaKey::Date => "date",
            MetaKey::Heading => "heading",
            MetaKey::Interviewer => "interviewer",
        }
    }

    /// The keys that name what someone does, in the order they are read: `role`, then `title`.
    pub const JOB: [MetaKey; 2] = [MetaKey::Role, MetaKey::Title];

    /// The keys with a column of their own in the CSV outputs, in column order.
    pub const COLUMNS: [MetaKey; 6] = [
        MetaKey::Participant,
        MetaKey::Role,
        MetaKey::Title,
        MetaKey::Company,
        MetaKey::Industry,
        MetaKey::Size,
    ];

    /// The keys the report breaks forces down by.
    pub const BREAKDOWNS: [MetaKey; 3] = [MetaKey::Role, MetaKey::Size, MetaKey::Industry];
}

impl std::fmt::Display for MetaKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Reading an interview's metadata by [`MetaKey`].
pub trait Metadata {
    /// The value of `key`, if any.
    fn meta(&self, key: MetaKey) -> Option<&str>;

    /// What the participant does: `role`, else `title`.
    fn job(&self) -> Option<&str> {
        MetaKey::JOB.iter().find_map(|k| self.meta(*k))
    }
}

impl Metadata for BTreeMap<String, String> {
    fn meta(&self, key: MetaKey) -> Option<&str> {
        self.get(key.as_str()).map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_job_is_the_role_else_the_title() {
        let mut m = BTreeMap::new();
        assert_eq!(m.job(), None);
        m.insert("title".to_owned(), "VP of engineering".to_owned());
        assert_eq!(m.job(), Some("VP of engineering"));
        m.insert("role".to_owned(), "CISO".to_owned());
        assert_eq!(m.job(), Some("CISO"));
        assert_eq!(m.meta(MetaKey::Company), None);
        assert_eq!(MetaKey::Heading.to_string(), "heading");
    }
}
