//! The note store: `.incidents/<id>.yaml` files, read from the work tree or from a commit's
//! tree, parsed with limits, written atomically. Reading never rewrites a note.
//!
//! Split: `id` (ids and prefixes), `parse` (limits, locations), `emit` (the writer),
//! `validate` (checks behind `git incident validate`), `commit_id` (what a note's commit id
//! names), `tree` (notes in a commit), `editor` (templates and the editor round trip), `error`
//! (what can go wrong, with hints), `atomic` (temp file, sync, rename).

mod atomic;
pub mod commit_id;
pub mod diagnostic;
pub mod editor;
pub mod emit;
mod error;
pub mod id;
pub mod limits;
pub mod lock;
mod loose;
pub mod note;
pub mod parse;
pub mod patch;
pub mod tree;
pub mod validate;

use atomic::{sweep_stale_temps, write_temp};
pub use emit::render;
pub use error::StoreError;
pub use note::*;
pub use parse::Located;
pub use tree::{load_from_tree, load_from_tree_lenient};

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
    if let Some(message) = limits::exceeded(&note) {
        return Err(StoreError::Unreadable {
            file: file.to_string(),
            message: format!("the note holds {message}"),
        });
    }
    if let Some(message) = unusable(&note) {
        return Err(StoreError::Unreadable {
            file: file.to_string(),
            message,
        });
    }
    Ok(note)
}

/// A note as far as it parses, skipping the checks that make other commands leave it out
/// (dates out of order, an empty title, ...): what `import` needs to know which commits a
/// note already covers, so that a note every command skips is not imported again and again.
pub fn parse_note_leniently(text: &str) -> Option<Note> {
    parse::parse_note(text).ok()
}

/// Investigation hours beyond which a figure is a slip (sums of such figures overflow).
pub const MAX_HOURS: f64 = 100_000.0;

/// Why a note that parses is still one `validate` rejects, so that every command agrees on
/// which notes exist (they skip it with a warning rather than count it).
fn unusable(note: &Note) -> Option<String> {
    if note.version != 1 {
        return Some(format!("unsupported note version {}", note.version));
    }
    if note.title.trim().is_empty() {
        return Some("the title is empty".into());
    }
    if let (Some(opened), Some(resolved)) = (note.opened, note.resolved)
        && resolved < opened
    {
        return Some(format!("resolved ({resolved}) is before opened ({opened})"));
    }
    // Reports sum and compare hours: an infinite or negative figure would poison them.
    if let Some(h) = note.hours()
        && !(h.is_finite() && h >= 0.0)
    {
        return Some("investigation.hours is not a number of hours of 0 or more".into());
    }
    if note.hours().is_some_and(|h| h > MAX_HOURS) {
        return Some(format!(
            "investigation.hours is over {MAX_HOURS} (more than ten years of work)"
        ));
    }
    for p in &note.paths {
        if let Err(e) = validate::path_matches(p, &[]) {
            return Some(format!(
                "path `{}` is not a valid glob: {e}",
                p.escape_debug()
            ));
        }
    }
    None
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

    /// `.incidents/`, checked to be a real directory inside the work tree (not a symbolic
    /// link, not under one): a pull request can commit `.incidents -> /somewhere`, and no
    /// note may be read or written there. `None` when it does not exist.
    pub fn checked_dir(&self) -> Result<Option<PathBuf>, StoreError> {
        let dir = self.dir();
        let meta = match std::fs::symlink_metadata(&dir) {
            Ok(meta) => meta,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(StoreError::io("read", &dir, e)),
        };
        if meta.file_type().is_symlink() {
            let target = std::fs::read_link(&dir)
                .map(|t| format!(" (to {})", t.display()))
                .unwrap_or_default();
            return Err(StoreError::Outside(format!("is a symbolic link{target}")));
        }
        if !meta.is_dir() {
            return Err(StoreError::Outside("is not a directory".into()));
        }
        // The root may itself be reached through a link (a home directory on another disk);
        // what matters is that `.incidents` resolves to the root's own child.
        let real_root = self
            .root
            .canonicalize()
            .map_err(|e| StoreError::io("read", &self.root, e))?;
        let real_dir = dir
            .canonicalize()
            .map_err(|e| StoreError::io("read", &dir, e))?;
        if real_dir != real_root.join(DIR) {
            return Err(StoreError::Outside(format!(
                "resolves to {}, outside the work tree",
                real_dir.display()
            )));
        }
        Ok(Some(dir))
    }

    /// `.incidents/`, created when missing, checked as in `checked_dir`.
    fn writable_dir(&self) -> Result<PathBuf, StoreError> {
        if let Some(dir) = self.checked_dir()? {
            return Ok(dir);
        }
        let dir = self.dir();
        match std::fs::create_dir(&dir) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(StoreError::io("create", &dir, e)),
        }
        self.checked_dir()?
            .ok_or_else(|| StoreError::Outside("disappeared while being created".into()))
    }

    /// `to_json` plus the note's own fields that this version does not know (`customer:
    /// acme`), read again from its file: the JSON of `list` and `show` is the note as stored.
    pub fn to_json_as_stored(&self, note: &LoadedNote) -> serde_json::Value {
        let mut value = to_json(note);
        let extra = self
            .read_text(&note.note.id)
            .ok()
            .and_then(|text| {
                parse::parse::<std::collections::BTreeMap<String, serde_json::Value>>(&text).ok()
            })
            .unwrap_or_default();
        if let serde_json::Value::Object(map) = &mut value {
            for (key, v) in extra {
                if !validate::KNOWN_FIELDS.contains(&key.as_str()) && key != "path" {
                    map.entry(key).or_insert(v);
                }
            }
        }
        value
    }

    /// Repository-relative file of a note id.
    pub fn file_of(id: &str) -> String {
        format!("{DIR}/{id}.yaml")
    }

    /// The ids of the note files in `.incidents/` (regular files only; symlinks skipped).
    pub fn ids(&self) -> Result<Vec<String>, StoreError> {
        Ok(self.entries()?.0)
    }

    /// The ids of the regular note files, and the note-named entries that are not regular
    /// files (symbolic links, directories), which are never read.
    fn entries(&self) -> Result<(Vec<String>, Vec<String>), StoreError> {
        let Some(dir) = self.checked_dir()? else {
            return Ok(Default::default());
        };
        let entries = std::fs::read_dir(&dir).map_err(|e| StoreError::io("read", &dir, e))?;
        let mut ids = Vec::new();
        let mut irregular = Vec::new();
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
                _ => irregular.push(id.to_string()),
            }
        }
        ids.sort();
        irregular.sort();
        Ok((ids, irregular))
    }

    /// The raw text of a note file (size-capped); `id` must be valid.
    pub fn read_text(&self, id: &str) -> Result<String, StoreError> {
        if !id::is_valid(id) {
            return Err(StoreError::InvalidId(id.to_string()));
        }
        let file = Self::file_of(id);
        let dir = self
            .checked_dir()?
            .ok_or_else(|| StoreError::NotFound(id.to_string()))?;
        let path = dir.join(format!("{id}.yaml"));
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

    /// Reads and parses one note by its full id; a note whose `id` differs from its file
    /// name is refused, as `list` skips it (one answer to "which notes exist").
    pub fn read(&self, id: &str) -> Result<LoadedNote, StoreError> {
        let text = self.read_text(id)?;
        let file = Self::file_of(id);
        let note = parse_note(&file, &text)?;
        if note.id != id {
            return Err(StoreError::Unreadable {
                file,
                message: format!(
                    "its id `{}` does not match its file name",
                    note.id.escape_debug()
                ),
            });
        }
        Ok(LoadedNote { note, file })
    }

    /// Every note in the work tree's `.incidents/`; broken ones become warnings.
    pub fn load(&self) -> Result<NoteSet, StoreError> {
        use rayon::prelude::*;
        let mut set = NoteSet::default();
        let (ids, irregular) = self.entries()?;
        for id in irregular {
            set.warnings.push(Warning {
                file: Self::file_of(&id),
                message: "not a regular file (symlinks are not followed)".into(),
            });
        }
        // Parsing dominates with thousands of notes; each file is independent.
        let results: Vec<(String, Result<LoadedNote, StoreError>)> = ids
            .into_par_iter()
            .map(|id| {
                let result = self.read(&id);
                (id, result)
            })
            .collect();
        for (id, result) in results {
            match result {
                Ok(loaded) => set.notes.push(loaded),
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
    /// The final file appears whole or not at all: the text goes to a temporary file that is
    /// then hard-linked into place without clobbering, so an interrupted run never leaves an
    /// empty `<id>.yaml`. A note the tool could not read back is refused before writing.
    pub fn create(&self, mut note: Note) -> Result<LoadedNote, StoreError> {
        let text = render(&note);
        if let Err(e) = parse::check_size(text.len()) {
            return Err(StoreError::WouldNotRead(e.to_string()));
        }
        if let Some(message) = limits::exceeded(&note) {
            return Err(StoreError::WouldNotRead(message));
        }
        let dir = self.writable_dir()?;
        sweep_stale_temps(&dir);
        let fixed = !note.id.is_empty();
        if fixed && !id::is_valid(&note.id) {
            return Err(StoreError::InvalidId(note.id));
        }
        for _ in 0..32 {
            if !fixed {
                note.id = id::generate();
            }
            let file = Self::file_of(&note.id);
            let path = dir.join(format!("{}.yaml", note.id));
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
        let dir = self.writable_dir()?;
        let path = dir.join(format!("{id}.yaml"));
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
                let rendered = render(&note.note);
                let rendered = if patch::uses_crlf(&text) {
                    rendered.replace('\n', "\r\n")
                } else {
                    rendered
                };
                self.write_text(id, &rendered)?;
                Ok(false)
            }
        }
    }

    /// Writes the config file atomically.
    pub fn write_config(&self, text: &str) -> Result<(), StoreError> {
        let dir = self.writable_dir()?;
        let path = dir.join("config.yaml");
        let tmp = write_temp(&dir, text)?;
        tmp.persist(&path)
            .map_err(|e| StoreError::io("write", &path, e.error))?;
        Ok(())
    }

    /// The team's settings: defaults when there is no config file; an error with its place
    /// when it is broken or a setting cannot work (the first such problem).
    pub fn config(&self) -> Result<Config, StoreError> {
        let (config, problems) = self.config_checked()?;
        match problems.into_iter().next() {
            Some(at) => Err(StoreError::Parse {
                file: CONFIG_FILE.into(),
                at,
            }),
            None => Ok(config),
        }
    }

    /// The settings and every setting that parses but cannot work, each at its line (for
    /// `validate`, which reports them all).
    pub fn config_checked(&self) -> Result<(Config, Vec<Located>), StoreError> {
        let Some(dir) = self.checked_dir()? else {
            return Ok((Config::default(), Vec::new()));
        };
        let path = dir.join("config.yaml");
        match std::fs::symlink_metadata(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok((Config::default(), Vec::new()));
            }
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
        let config = parse::parse_config(&text).map_err(|at| StoreError::Parse {
            file: CONFIG_FILE.into(),
            at,
        })?;
        let problems = config
            .problems()
            .into_iter()
            .map(|p| {
                let (line, column) = key_place(&text, &p.key);
                Located::new(line, column, p.message).hint(
                    "fix the setting in .incidents/config.yaml (`git incident init --force` \
                     writes the defaults, keeping a backup)",
                )
            })
            .collect();
        Ok((config, problems))
    }
}

/// Where a (dotted) key is written in a YAML text: the line of its last part found under its
/// parent, else of the parent; (1, 1) when absent.
pub(crate) fn key_place(text: &str, key: &str) -> (u64, u64) {
    let mut place = (1, 1);
    let mut from = 0;
    for part in key.split('.') {
        let found = text.lines().enumerate().skip(from).find(|(_, l)| {
            let t = l.trim_start();
            t.starts_with(&format!("{part}:"))
                || l.contains(&format!("{{{part}:"))
                || l.contains(&format!(" {part}:"))
        });
        match found {
            Some((i, l)) => {
                let column = l.find(part).unwrap_or(0) + 1;
                place = (i as u64 + 1, column as u64);
                from = i;
            }
            None => break,
        }
    }
    place
}

/// An id prefix as typed: `k3f9`, or a note's file (`.incidents/k3f9x2ab.yaml`).
fn normalize_prefix(arg: &str) -> Result<String, StoreError> {
    let trimmed = arg.strip_prefix(".incidents/").unwrap_or(arg);
    let trimmed = trimmed.strip_suffix(".yaml").unwrap_or(trimmed);
    // Ids are lowercase; `K3F9` names the same note, as git takes uppercase hex.
    let trimmed = trimmed.to_ascii_lowercase();
    if id::is_valid(&trimmed) {
        Ok(trimmed)
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
