//! Why a rule said no. The variants decide the exit code at the top.

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    /// A rule refuses the step (wrong status, phone taken, window closed).
    #[error("{0}")]
    Refused(String),
    /// The record named does not exist.
    #[error("{0}")]
    NotFound(String),
    /// A value given on the command line is malformed.
    #[error("{0}")]
    Invalid(String),
}

pub type Result<T> = std::result::Result<T, DomainError>;

pub(crate) fn refused<T>(msg: impl Into<String>) -> Result<T> {
    Err(DomainError::Refused(msg.into()))
}
