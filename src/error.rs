//! The one error type the binary returns, and the one place that decides
//! the exit code for each kind (design.md's table).

use crate::domain::DomainError;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The command line itself is wrong (exit 2).
    #[error("{0}")]
    Usage(String),
    /// The data directory is missing, corrupt, newer or torn (exit 3).
    #[error("{0}")]
    Data(String),
    /// A rule refused the step (exit 4).
    #[error("{0}")]
    Refused(String),
    /// No such record (exit 5).
    #[error("{0}")]
    NotFound(String),
    /// Another writer holds the lock past the wait limit (exit 6).
    #[error("{0}")]
    Busy(String),
    /// Anything unexpected: an I/O error, a bug (exit 1).
    #[error("{0}")]
    Failure(String),
}

pub type Result<T> = std::result::Result<T, Error>;

/// Every exit code with its meaning, for the man pages and the docs.
pub const EXIT_CODES: &[(u8, &str)] = &[
    (0, "done"),
    (1, "unexpected failure (a bug, an I/O error)"),
    (2, "usage: the command line itself is wrong"),
    (3, "the data directory is invalid: missing, corrupt, a newer format, a torn line"),
    (4, "refused by a rule: not enough points, lead already claimed, lead cap reached, wrong status for this step"),
    (5, "not found: no such member, lead, event, reward"),
    (6, "busy: another writer holds the lock past the wait limit"),
];

impl Error {
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Failure(_) => 1,
            Error::Usage(_) => 2,
            Error::Data(_) => 3,
            Error::Refused(_) => 4,
            Error::NotFound(_) => 5,
            Error::Busy(_) => 6,
        }
    }
}

impl From<DomainError> for Error {
    fn from(e: DomainError) -> Self {
        match e {
            DomainError::Refused(m) => Error::Refused(m),
            DomainError::NotFound(m) => Error::NotFound(m),
            DomainError::Invalid(m) => Error::Usage(m),
        }
    }
}

impl From<StoreError> for Error {
    fn from(e: StoreError) -> Self {
        let msg = e.to_string();
        match e {
            StoreError::Busy { .. } => Error::Busy(msg),
            StoreError::Io { .. } => Error::Failure(msg),
            StoreError::Missing(_)
            | StoreError::Corrupt { .. }
            | StoreError::Torn { .. }
            | StoreError::Newer { .. } => Error::Data(msg),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_of_error_has_its_exit_code_documented() {
        let kinds = [
            Error::Failure(String::new()),
            Error::Usage(String::new()),
            Error::Data(String::new()),
            Error::Refused(String::new()),
            Error::NotFound(String::new()),
            Error::Busy(String::new()),
        ];
        for e in kinds {
            assert!(
                EXIT_CODES.iter().any(|(code, _)| *code == e.exit_code()),
                "{e:?}"
            );
        }
    }
}
