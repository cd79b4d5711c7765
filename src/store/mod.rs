//! The note store: `.incidents/<id>.yaml` files, read from the work tree or from a commit's
//! tree, parsed with limits, written atomically. Reading never rewrites a note.
//!
//! Split: `id` (ids and prefixes), `parse` (limits, locations), `emit` (the writer),
//! `validate` (checks behind `git incident validate`), `tree` (notes in a commit), `editor`
//! (templates and the editor round trip).

pub mod editor;
pub mod emit;
pub mod id;
pub mod note;
pub mod parse;
pub mod patch;
pub mod tree;
pub mod validate;

pub use emit::render;
pub use note::*;
pub use parse::Located;
pub use tree::load_from_tree;

use crate::config::Config;
use std::path::{Path, PathBuf};

/// Directory of the notes, relative to the work tree root.
pub const DIR: &str = ".incidents";
/// The config file, relative to the work tree root.
pub const CONFIG_FILE: &str = ".incidents/config.yaml";

/// A note as read from disk or from a tree.
#[derive(Debug, Clone)]
pub struct LoadedNote {
    pub note: Note,
    /// Repository-relative path of the note's file, `/`-separated (`.incidents/k3f9x2ab.yaml`).
    pub file: String,
}

/// A note that could not be read; other commands skip it with a one-line warning.
#[derive(Debug, Clone)]
pub struct Warning {
    pub file: String,
    pub message: String,
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "skipping {}: {}", self.file, self.message)
    }
}

/// Every readable note plus warnings about the unreadable ones, sorted by the note's dates
/// (opened, then resolved, then id).
#[derive(Debug, Clone, Default)]
pub struct NoteSet {
    pub notes: Vec<LoadedNote>,
    pub warnings: Vec<Warning>,
}

impl NoteSet {
    /// Sort by opened, resolved, id (notes without a date first).
    pub fn sort(&mut self) {
        self.notes.sort_by(|a, b| {
            (a.note.opened, a.note.resolved, &a.note.id).cmp(&(
                b.note.opened,
                b.note.resolved,
                &b.note.id,
            ))
        });
        self.warnings.sort_by(|a, b| a.file.cmp(&b.file));
    }

    /// The note with exactly this id.
    pub fn get(&self, id: &str) -> Option<&LoadedNote> {
        self.notes.iter().find(|n| n.note.id == id)
    }
}

/// What can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot {action} {path}: {source}")]
    Io {
        action: &'static str,
        path: String,
        source: std::io::Error,
    },
    #[error("{file}:{}:{}: {}", .at.line, .at.column, .at.message)]
    Parse { file: String, at: Located },
    #[error("{file}: {message}")]
    Unreadable { file: String, message: String },
    #[error("`{0}` is not a note id")]
    InvalidId(String),
    #[error("no note with id `{0}`")]
    NotFound(String),
    #[error("`{prefix}` is ambiguous: it starts {}", .candidates.join(", "))]
    Ambiguous {
        prefix: String,
        candidates: Vec<String>,
    },
    #[error("a note {0} already exists")]
    Exists(String),
    #[error("cannot read the notes in commit {commit}: {message}")]
    Tree { commit: String, message: String },
}

impl StoreError {
    fn io(action: &'static str, path: &Path, source: std::io::Error) -> Self {
        StoreError::Io {
            action,
            path: path.display().to_string(),
            source,
        }
    }

    /// What to do about it.
    pub fn hint(&self) -> Option<String> {
        match self {
            StoreError::Parse { at, .. } => at.hint.clone(),
            StoreError::InvalidId(_) => {
                Some("note ids are lowercase letters and digits, like `k3f9x2ab`".into())
            }
            StoreError::NotFound(_) => Some("`git incident list` shows the ids".into()),
            StoreError::Ambiguous { .. } => Some("type more characters of the id".into()),
            StoreError::Unreadable { .. } => {
                Some("`git incident validate` shows every problem".into())
            }
            _ => None,
        }
    }
}

impl From<StoreError> for crate::error::Error {
    fn from(e: StoreError) -> Self {
        let mut err = crate::error::Error::new(e.to_string());
        if let Some(hint) = e.hint() {
            err = err.hint(hint);
        }
        err
    }
}

/// The store in a work tree.
#[derive(Debug, Clone)]
pub struct Store {
    /// Work tree root.
    pub root: PathBuf,
}

/// Settings as stored (defaults when there is no config file).
pub fn default_config() -> Config {
    Config::default()
}

/// Parses one note's text; `file` is its repository-relative path. The note's id must be a
/// valid id (a note claiming `id: ../x` is refused).
pub fn parse_note(file: &str, text: &str) -> Result<Note, StoreError> {
    let note = parse::parse_note(text).map_err(|at| StoreError::Parse {
        file: file.to_string(),
        at,
    })?;
    if !note.id.is_empty() && !id::is_valid(&note.id) {
        return Err(StoreError::Unreadable {
            file: file.to_string(),
            message: format!("`{}` is not a note id", note.id.escape_debug()),
        });
    }
    Ok(note)
}

/// The note as stored plus `"path"`, its file (the JSON of `list` and `show`).
pub fn to_json(note: &LoadedNote) -> serde_json::Value {
    let mut value = serde_json::to_value(&note.note).unwrap_or(serde_json::Value::Null);
    if let serde_json::Value::Object(map) = &mut value {
        if map
            .get("commits")
            .is_some_and(|c| c.as_object().is_some_and(|o| o.is_empty()))
        {
            map.remove("commits");
        }
        map.insert("path".into(), serde_json::Value::String(note.file.clone()));
    }
    value
}

impl Store {
    pub fn new(root: &Path) -> Self {
        Store {
            root: root.to_path_buf(),
        }
    }

    pub fn dir(&self) -> PathBuf {
        self.root.join(DIR)
    }

    /// Repository-relative file of a note id.
    pub fn file_of(id: &str) -> String {
        format!("{DIR}/{id}.yaml")
    }

    /// The ids of the note files in `.incidents/` (regular files only; symlinks skipped).
    pub fn ids(&self) -> Result<Vec<String>, StoreError> {
        let dir = self.dir();
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(StoreError::io("read", &dir, e)),
        };
        let mut ids = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| StoreError::io("read", &dir, e))?;
            let name = entry.file_name();
            let Some(name) = name.to_str() else { continue };
            let Some(id) = id::from_file_name(name) else {
                continue;
            };
            if name == "config.yaml" {
                continue;
            }
            // `file_type` does not follow symlinks: a link could point outside `.incidents/`.
            match entry.file_type() {
                Ok(t) if t.is_file() => ids.push(id.to_string()),
                _ => continue,
            }
        }
        ids.sort();
        Ok(ids)
    }

    /// The raw text of a note file (size-capped); `id` must be valid.
    pub fn read_text(&self, id: &str) -> Result<String, StoreError> {
        if !id::is_valid(id) {
            return Err(StoreError::InvalidId(id.to_string()));
        }
        let file = Self::file_of(id);
        let path = self.root.join(&file);
        let meta =
            std::fs::symlink_metadata(&path).map_err(|e| StoreError::io("read", &path, e))?;
        if !meta.is_file() {
            return Err(StoreError::Unreadable {
                file,
                message: "not a regular file (symlinks are not followed)".into(),
            });
        }
        parse::read_limited(&path).map_err(|e| StoreError::Unreadable {
            file,
            message: e.to_string(),
        })
    }

    /// Reads and parses one note by its full id.
    pub fn read(&self, id: &str) -> Result<LoadedNote, StoreError> {
        let text = self.read_text(id)?;
        let file = Self::file_of(id);
        let note = parse_note(&file, &text)?;
        Ok(LoadedNote { note, file })
    }

    /// Every note in the work tree's `.incidents/`; broken ones become warnings.
    pub fn load(&self) -> Result<NoteSet, StoreError> {
        use rayon::prelude::*;
        let mut set = NoteSet::default();
        // Parsing dominates with thousands of notes; each file is independent.
        let results: Vec<(String, Result<LoadedNote, StoreError>)> = self
            .ids()?
            .into_par_iter()
            .map(|id| {
                let result = self.read(&id);
                (id, result)
            })
            .collect();
        for (id, result) in results {
            match result {
                Ok(mut loaded) => {
                    if loaded.note.id != id {
                        set.warnings.push(Warning {
                            file: loaded.file,
                            message: format!(
                                "its id `{}` does not match its file name",
                                loaded.note.id
                            ),
                        });
                        continue;
                    }
                    loaded.note.id = id;
                    set.notes.push(loaded);
                }
                Err(e) => set.warnings.push(warning_of(&Self::file_of(&id), e)),
            }
        }
        set.sort();
        Ok(set)
    }

    /// The full id that a unique prefix names.
    pub fn resolve_id(&self, prefix: &str) -> Result<String, StoreError> {
        let prefix = normalize_prefix(prefix)?;
        let ids = self.ids()?;
        if ids.contains(&prefix) {
            return Ok(prefix);
        }
        let candidates: Vec<String> = ids
            .into_iter()
            .filter(|id| id.starts_with(&prefix))
            .collect();
        match candidates.len() {
            0 => Err(StoreError::NotFound(prefix)),
            1 => Ok(candidates.into_iter().next().unwrap_or_default()),
            _ => Err(StoreError::Ambiguous { prefix, candidates }),
        }
    }

    /// The note named by a unique id prefix.
    pub fn find(&self, prefix: &str) -> Result<LoadedNote, StoreError> {
        let id = self.resolve_id(prefix)?;
        self.read(&id)
    }

    /// Writes a new note; assigns a fresh id when `note.id` is empty. Never overwrites.
    pub fn create(&self, mut note: Note) -> Result<LoadedNote, StoreError> {
        let dir = self.dir();
        std::fs::create_dir_all(&dir).map_err(|e| StoreError::io("create", &dir, e))?;
        let fixed = !note.id.is_empty();
        if fixed && !id::is_valid(&note.id) {
            return Err(StoreError::InvalidId(note.id));
        }
        for _ in 0..32 {
            if !fixed {
                note.id = id::generate();
            }
            let file = Self::file_of(&note.id);
            let path = self.root.join(&file);
            let tmp = write_temp(&dir, &render(&note))?;
            match tmp.persist_noclobber(&path) {
                Ok(_) => return Ok(LoadedNote { note, file }),
                Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => {
                    if fixed {
                        return Err(StoreError::Exists(file));
                    }
                }
                Err(e) => return Err(StoreError::io("write", &path, e.error)),
            }
        }
        Err(StoreError::Exists("with a fresh id (32 tries)".into()))
    }

    /// Replaces an existing note's file atomically with the note as rendered.
    pub fn update(&self, note: &LoadedNote) -> Result<(), StoreError> {
        if !id::is_valid(&note.note.id) {
            return Err(StoreError::InvalidId(note.note.id.clone()));
        }
        self.write_text(&note.note.id, &render(&note.note))
    }

    /// Replaces a note's file with `text` atomically (temp file in `.incidents/`, rename).
    pub fn write_text(&self, id: &str, text: &str) -> Result<(), StoreError> {
        if !id::is_valid(id) {
            return Err(StoreError::InvalidId(id.to_string()));
        }
        let dir = self.dir();
        std::fs::create_dir_all(&dir).map_err(|e| StoreError::io("create", &dir, e))?;
        let path = self.root.join(Self::file_of(id));
        let tmp = write_temp(&dir, text)?;
        tmp.persist(&path)
            .map_err(|e| StoreError::io("write", &path, e.error))?;
        Ok(())
    }

    /// Saves a changed note, keeping the comments, key order and unknown fields of the file
    /// when only simple fields changed (see `patch`); otherwise writes the note in the tool's
    /// form. Returns false when the file had to be rewritten whole.
    pub fn update_preserving(&self, note: &LoadedNote) -> Result<bool, StoreError> {
        let id = &note.note.id;
        let text = self.read_text(id)?;
        let old = parse_note(&note.file, &text)?;
        if text == render(&old) {
            self.update(note)?;
            return Ok(true);
        }
        match patch::patch(&text, &old, &note.note) {
            Some(patched) => {
                self.write_text(id, &patched)?;
                Ok(true)
            }
            None => {
                self.update(note)?;
                Ok(false)
            }
        }
    }

    /// Writes the config file atomically.
    pub fn write_config(&self, text: &str) -> Result<(), StoreError> {
        let dir = self.dir();
        std::fs::create_dir_all(&dir).map_err(|e| StoreError::io("create", &dir, e))?;
        let path = self.root.join(CONFIG_FILE);
        let tmp = write_temp(&dir, text)?;
        tmp.persist(&path)
            .map_err(|e| StoreError::io("write", &path, e.error))?;
        Ok(())
    }

    /// The team's settings: defaults when there is no config file; an error with its place
    /// when it is broken.
    pub fn config(&self) -> Result<Config, StoreError> {
        let path = self.root.join(CONFIG_FILE);
        match std::fs::symlink_metadata(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
            Err(e) => return Err(StoreError::io("read", &path, e)),
            Ok(m) if !m.is_file() => {
                return Err(StoreError::Unreadable {
                    file: CONFIG_FILE.into(),
                    message: "not a regular file".into(),
                });
            }
            Ok(_) => {}
        }
        let text = parse::read_limited(&path).map_err(|e| StoreError::Unreadable {
            file: CONFIG_FILE.into(),
            message: e.to_string(),
        })?;
        parse::parse_config(&text).map_err(|at| StoreError::Parse {
            file: CONFIG_FILE.into(),
            at,
        })
    }
}

/// An id prefix as typed: `k3f9`, or a note's file (`.incidents/k3f9x2ab.yaml`).
fn normalize_prefix(arg: &str) -> Result<String, StoreError> {
    let trimmed = arg.strip_prefix(".incidents/").unwrap_or(arg);
    let trimmed = trimmed.strip_suffix(".yaml").unwrap_or(trimmed);
    if id::is_valid(trimmed) {
        Ok(trimmed.to_string())
    } else {
        Err(StoreError::InvalidId(arg.to_string()))
    }
}

pub(crate) fn warning_of(file: &str, e: StoreError) -> Warning {
    let message = match e {
        StoreError::Parse { at, .. } => {
            format!("line {}, column {}: {}", at.line, at.column, at.message)
        }
        StoreError::Unreadable { message, .. } => message,
        other => other.to_string(),
    };
    Warning {
        file: file.to_string(),
        message,
    }
}

fn write_temp(dir: &Path, text: &str) -> Result<tempfile::NamedTempFile, StoreError> {
    use std::io::Write;
    let mut tmp = tempfile::Builder::new()
        .prefix(".tmp-")
        .suffix(".yaml.part")
        .tempfile_in(dir)
        .map_err(|e| StoreError::io("create a temporary file in", dir, e))?;
    tmp.write_all(text.as_bytes())
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(|e| StoreError::io("write", tmp.path(), e))?;
    Ok(tmp)
}
