//! Reading notes and the config with limits: a note may come from a stranger's pull request,
//! so the file size, alias expansion, nesting depth and event count are capped, duplicate keys
//! are errors, and merge-conflict markers are found before YAML sees the text. Every error
//! carries a line and column.

use super::note::Note;
use crate::config::Config;
use serde::de::DeserializeOwned;

/// Largest note or config file read, in bytes. Real notes are a few kilobytes.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// A problem at a place in a file (1-based line and column).
#[derive(Debug, Clone, PartialEq)]
pub struct Located {
    pub line: u64,
    pub column: u64,
    pub message: String,
    pub hint: Option<String>,
}

impl Located {
    pub fn new(line: u64, column: u64, message: impl Into<String>) -> Self {
        Located {
            line,
            column,
            message: message.into(),
            hint: None,
        }
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

/// Parser options shared by notes and the config.
pub fn options() -> serde_saphyr::Options {
    let mut budget = serde_saphyr::Budget::default();
    budget.max_reader_input_bytes = Some(MAX_FILE_BYTES as usize);
    budget.max_events = 100_000;
    budget.max_aliases = 100;
    budget.max_anchors = 100;
    budget.max_depth = 32;
    budget.max_nodes = 100_000;
    budget.max_total_scalar_bytes = 4 * MAX_FILE_BYTES as usize;
    budget.max_documents = 1;
    budget.max_recorded_anchor_events = 10_000;
    budget.max_recorded_anchor_bytes = MAX_FILE_BYTES as usize;
    let mut alias_limits = serde_saphyr::options::AliasLimits::default();
    alias_limits.max_total_replayed_events = 10_000;
    alias_limits.max_replay_stack_depth = 16;
    alias_limits.max_alias_expansions_per_anchor = 100;
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    options.alias_limits = alias_limits;
    options.duplicate_keys = serde_saphyr::DuplicateKeyPolicy::Error;
    options
}

/// Reads a file of at most `MAX_FILE_BYTES` as UTF-8 text.
pub fn read_limited(path: &std::path::Path) -> Result<String, ReadError> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(ReadError::Io)?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    check_size(bytes.len())?;
    String::from_utf8(bytes).map_err(|_| ReadError::NotUtf8)
}

pub fn check_size(len: usize) -> Result<(), ReadError> {
    if len as u64 > MAX_FILE_BYTES {
        Err(ReadError::TooLarge)
    } else {
        Ok(())
    }
}

#[derive(Debug)]
pub enum ReadError {
    Io(std::io::Error),
    TooLarge,
    NotUtf8,
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Io(e) => write!(f, "cannot read: {e}"),
            ReadError::TooLarge => write!(f, "larger than {} KiB", MAX_FILE_BYTES / 1024),
            ReadError::NotUtf8 => write!(f, "not UTF-8 text"),
        }
    }
}

/// The first merge-conflict marker line (`<<<<<<<`, `=======`, `>>>>>>>`, `|||||||`).
pub fn conflict_marker(text: &str) -> Option<Located> {
    for (i, line) in text.lines().enumerate() {
        let is_marker = ["<<<<<<<", ">>>>>>>", "|||||||"]
            .iter()
            .any(|m| line.starts_with(m) && matches!(line.as_bytes().get(7), None | Some(b' ')))
            || line.trim_end() == "=======";
        if is_marker {
            return Some(
                Located::new(i as u64 + 1, 1, "merge-conflict marker")
                    .hint("resolve the conflict: keep the lines you want and delete the markers"),
            );
        }
    }
    None
}

/// A `---` line after content: a second YAML document (the parser would report it as a
/// breached budget, which misleads). A document marker at column 0 cannot be inside a scalar.
fn second_document(text: &str) -> Option<Located> {
    let mut content = false;
    for (i, line) in text.lines().enumerate() {
        let is_marker = line == "---" || line.starts_with("--- ") || line.starts_with("---\t");
        if is_marker && content {
            return Some(
                Located::new(
                    i as u64 + 1,
                    1,
                    "a second YAML document starts here; a note is one document",
                )
                .hint("remove the `---` line (and what follows, or make it a note of its own)"),
            );
        }
        let t = line.trim();
        if !is_marker && !t.is_empty() && !t.starts_with('#') && !t.starts_with('%') {
            content = true;
        }
    }
    None
}

/// Parses YAML text into `T` with the limits above.
pub fn parse<T: DeserializeOwned>(text: &str) -> Result<T, Located> {
    check_size(text.len()).map_err(|e| {
        Located::new(1, 1, format!("file is {e}")).hint("split the note or trim the symptoms")
    })?;
    if let Some(marker) = conflict_marker(text) {
        return Err(marker);
    }
    if let Some(second) = second_document(text) {
        return Err(second);
    }
    serde_saphyr::from_str_with_options::<T>(text, options()).map_err(|e| located(&e))
}

/// Parses a note.
pub fn parse_note(text: &str) -> Result<Note, Located> {
    if text.trim().is_empty() {
        return Err(Located::new(1, 1, "empty note").hint("delete the file or fill it in"));
    }
    parse::<Note>(text)
}

/// Parses a config file; an empty file means every default.
pub fn parse_config(text: &str) -> Result<Config, Located> {
    if text.lines().all(|l| {
        let l = l.trim();
        l.is_empty() || l.starts_with('#')
    }) {
        return Ok(Config::default());
    }
    parse::<Config>(text)
}

/// Turns a serde-saphyr error into a message and location without its snippet.
fn located(e: &serde_saphyr::Error) -> Located {
    let (line, column) = e
        .location()
        .map(|l| (l.line().max(1), l.column().max(1)))
        .unwrap_or((1, 1));
    let rendered = e.render_with_options(serde_saphyr::render_options! {
        snippets: serde_saphyr::SnippetMode::Off,
    });
    let message = strip_location(rendered.lines().next().unwrap_or("invalid YAML"));
    let hint = hint_for(&message);
    let mut loc = Located::new(line, column, message);
    loc.hint = hint;
    loc
}

/// Removes a trailing ` at line N column M` (the location is reported separately).
fn strip_location(message: &str) -> String {
    let mut m = message.trim().to_string();
    if m.contains("budget breached") || m.contains("alias") && m.contains("limit") {
        return "the note is beyond the parser's limits (too many aliases, too deep or too \
                large once expanded)"
            .to_string();
    }
    if m.starts_with("non-finite float") {
        return "infinite or not-a-number values (.inf, .nan) are not allowed here".to_string();
    }
    if m.starts_with("expected sequence start") {
        return "expected a list (`- item` lines or [a, b])".to_string();
    }
    if m.starts_with("expected mapping start") {
        return "expected a mapping (`key: value` lines)".to_string();
    }
    if let Some(pos) = m.find(" at line ") {
        m.truncate(pos);
    }
    if let Some(pos) = m.find(", set DuplicateKeyPolicy") {
        m.truncate(pos);
    }
    m.trim_end_matches([',', ':', ' ']).to_string()
}

fn hint_for(message: &str) -> Option<String> {
    let m = message.to_ascii_lowercase();
    let hint = if m.contains("duplicate") {
        "remove one of the two entries with this key"
    } else if m.contains("unknown variant") {
        "use one of the values the message lists"
    } else if m.contains("unknown field") {
        "check the spelling of the field name (see docs/notes.md)"
    } else if m.contains("missing field") {
        "add the field (see docs/notes.md)"
    } else if m.contains(".inf") {
        "write a finite number, like 6.5"
    } else if m.contains("limits") || m.contains("alias") {
        "notes may not use deep nesting or many aliases; write the values out"
    } else if m.contains("date") {
        "write dates as 2026-09-14T08:12:00Z or 2026-09-14"
    } else if m.contains("invalid type") || m.starts_with("expected a") {
        "check the field's type in docs/notes.md (a list needs `- ` items or [a, b])"
    } else {
        "check the YAML syntax at this place (quote text that contains `: ` or starts with a symbol)"
    };
    Some(hint.to_string())
}
