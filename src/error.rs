//! The top-level error: what went wrong, a hint that names the fix, and the exit code that
//! DESIGN section 4 gives (2 for usage and input errors; 1 is reserved for "ran and found a
//! failure", which is not an error but an outcome, see `cli::Outcome`).

use std::fmt;

/// An error shown to the user as `error: <message>` followed by `hint: <hint>` lines.
#[derive(Debug)]
pub struct Error {
    pub message: String,
    pub hints: Vec<String>,
    pub source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
    /// Pre-rendered diagnostic (for errors that point into a note, rendered by miette).
    pub rendered: Option<String>,
}

impl Error {
    pub fn new(message: impl Into<String>) -> Self {
        Error {
            message: message.into(),
            hints: Vec::new(),
            source: None,
            rendered: None,
        }
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hints.push(hint.into());
        self
    }

    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.source = Some(Box::new(source));
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// Conversion of domain errors into the top-level error, keeping their hints.
pub trait Hinted {
    fn hints(&self) -> Vec<String> {
        Vec::new()
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::new(e.to_string()).with_source(e)
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
