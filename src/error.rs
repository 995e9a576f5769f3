//! Errors a user acts on, and the mapping of every outcome to the exit codes of the
//! contract: 0 success, 1 nothing listed (check) or lists changed (refresh
//! --exit-code), 2 usage or input error, 3 a source could not be refreshed.

use std::fmt;
use std::fmt::Write as _;
use std::io;

/// An error with what to do about it.
#[derive(Debug)]
pub struct UserError {
    pub message: String,
    pub hint: Option<String>,
}

impl UserError {
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            hint: None,
        }
    }

    #[must_use]
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for UserError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for UserError {}

/// A source that could not be refreshed; its previous version stays in use (exit 3).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct RefreshFailed(pub String);

/// How a command that ran to the end went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Exit 0.
    Success,
    /// Exit 1: `check` found nothing listed.
    NothingListed,
    /// Exit 1: `refresh --exit-code` saw a change.
    Changed,
}

impl Outcome {
    pub fn code(self) -> u8 {
        match self {
            Self::Success => 0,
            Self::NothingListed | Self::Changed => 1,
        }
    }
}

/// The exit code of a failed command.
pub fn exit_code(err: &anyhow::Error) -> u8 {
    if err.chain().any(|e| e.downcast_ref::<RefreshFailed>().is_some()) {
        3
    } else {
        2
    }
}

/// True when the error is a write to a closed pipe (`fleetwatch ... | head`): the
/// reader has what it wanted, so the tool stops quietly.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
            || e.downcast_ref::<csv::Error>()
                .is_some_and(|c| matches!(c.kind(), csv::ErrorKind::Io(io) if io.kind() == io::ErrorKind::BrokenPipe))
    })
}

/// Writes an error for a person: the message, its causes, and the hint if any.
pub fn render(err: &anyhow::Error) -> String {
    let mut out = format!("error: {err}");
    for cause in err.chain().skip(1) {
        let _ = write!(out, "\n  caused by: {cause}");
    }
    if let Some(hint) = err
        .chain()
        .find_map(|e| e.downcast_ref::<UserError>())
        .and_then(|u| u.hint.as_ref())
    {
        let _ = write!(out, "\n  hint: {hint}");
    }
    out
}
