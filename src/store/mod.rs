//! The note store: `.incidents/<id>.yaml` files, read from the work tree or from a commit's
//! tree, parsed with limits, written atomically. The API below is the contract other modules
//! use; bodies are filled in by the store work.

pub mod note;

pub use note::*;

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

/// Every readable note plus warnings about the unreadable ones, sorted by the note's dates
/// (opened, then resolved, then id).
#[derive(Debug, Clone, Default)]
pub struct NoteSet {
    pub notes: Vec<LoadedNote>,
    pub warnings: Vec<Warning>,
}

/// The store in a work tree.
#[derive(Debug, Clone)]
pub struct Store {
    /// Work tree root.
    pub root: PathBuf,
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
}

/// Settings as stored (defaults when there is no config file).
pub fn default_config() -> Config {
    Config::default()
}

impl Store {
    /// Every note in the work tree's `.incidents/` (minimal first version: the store work
    /// replaces it with limits, locations and sorting by date).
    pub fn load(&self) -> std::io::Result<NoteSet> {
        let mut set = NoteSet::default();
        let dir = self.dir();
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(set),
            Err(e) => return Err(e),
        };
        for entry in entries {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if !name.ends_with(".yaml") || name == "config.yaml" {
                continue;
            }
            let file = format!("{DIR}/{name}");
            let text = std::fs::read_to_string(entry.path())?;
            match serde_saphyr::from_str::<Note>(&text) {
                Ok(note) => set.notes.push(LoadedNote { note, file }),
                Err(e) => set.warnings.push(Warning {
                    file,
                    message: e.to_string(),
                }),
            }
        }
        set.notes
            .sort_by(|a, b| (a.note.opened, &a.note.id).cmp(&(b.note.opened, &b.note.id)));
        Ok(set)
    }
}
