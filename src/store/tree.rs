//! Notes and config as they are in a commit's tree, read with gix (the GitHub Action reads the
//! pull request's base, so a pull request cannot hide its own warnings).

use super::{LoadedNote, NoteSet, StoreError, Warning, id, parse};
use crate::config::Config;

/// The notes and the config in `commit`'s tree (defaults when it has none); a broken config
/// is an error (the Action will not post figures computed with settings the team did not set).
pub fn load_from_tree(
    repo: &gix::Repository,
    commit: gix::ObjectId,
) -> Result<(NoteSet, Config), StoreError> {
    let (set, config) = load_from_tree_lenient(repo, commit)?;
    Ok((set, config?))
}

/// The notes in `commit`'s tree, and its config or why the config cannot be used: a command
/// that goes on with the default settings, as it does with a broken config in a work tree,
/// still gets the notes. Unreadable notes are warnings, as from a work tree.
pub fn load_from_tree_lenient(
    repo: &gix::Repository,
    commit: gix::ObjectId,
) -> Result<(NoteSet, Result<Config, StoreError>), StoreError> {
    let fail = |message: String| StoreError::Tree {
        commit: commit.to_hex().to_string(),
        message,
    };
    let tree = repo
        .find_commit(commit)
        .map_err(|e| fail(e.to_string()))?
        .tree()
        .map_err(|e| fail(e.to_string()))?;
    let mut set = NoteSet::default();
    let Some(entry) = tree
        .lookup_entry_by_path(super::DIR)
        .map_err(|e| fail(e.to_string()))?
    else {
        return Ok((set, Ok(Config::default())));
    };
    if !entry.mode().is_tree() {
        // A link (or file) named `.incidents` is never followed; say so rather than report
        // an empty store as if there were no notes.
        set.warnings.push(Warning {
            file: super::DIR.into(),
            message: "is not a directory (a symbolic link is not followed); no notes read".into(),
        });
        return Ok((set, Ok(Config::default())));
    }
    let dir = entry.object().map_err(|e| fail(e.to_string()))?.into_tree();
    let mut config = Ok(Config::default());
    for entry in dir.iter() {
        let entry = entry.map_err(|e| fail(e.to_string()))?;
        let Ok(name) = std::str::from_utf8(entry.filename()) else {
            continue;
        };
        let file = format!("{}/{name}", super::DIR);
        let is_config = name == "config.yaml";
        let Some(note_id) = id::from_file_name(name) else {
            continue;
        };
        // Regular blobs only: a symlink in a tree is a blob holding a path, never followed.
        // Said as from a work tree, where such a note is skipped with the same warning.
        if !entry.mode().is_blob() || entry.mode().is_link() {
            if !is_config {
                set.warnings.push(Warning {
                    file,
                    message: "not a regular file (symlinks are not followed)".into(),
                });
            }
            continue;
        }
        let text = match read_blob(repo, entry.oid()) {
            Ok(text) => text,
            Err(message) if is_config => {
                config = Err(StoreError::Unreadable { file, message });
                continue;
            }
            Err(message) => {
                set.warnings.push(Warning { file, message });
                continue;
            }
        };
        if is_config {
            config = read_config(file, &text);
            continue;
        }
        match super::parse_note(&file, &text) {
            Ok(note) if note.id == note_id => set.notes.push(LoadedNote { note, file }),
            Ok(note) => set.warnings.push(Warning {
                file,
                message: format!(
                    "its id `{}` does not match its file name",
                    note.id.escape_debug()
                ),
            }),
            Err(e) => set.warnings.push(super::warning_of(&file, e)),
        }
    }
    set.sort();
    Ok((set, config))
}

/// The config in `text`; a setting that cannot work is refused here as in the work tree.
fn read_config(file: String, text: &str) -> Result<Config, StoreError> {
    let config = parse::parse_config(text).map_err(|at| StoreError::Parse {
        file: file.clone(),
        at,
    })?;
    if let Some(p) = config.problems().into_iter().next() {
        let (line, column) = super::key_place(text, &p.key);
        return Err(StoreError::Parse {
            file,
            at: super::Located::new(line, column, p.message),
        });
    }
    Ok(config)
}

fn read_blob(repo: &gix::Repository, oid: &gix::oid) -> Result<String, String> {
    let header = repo.find_header(oid).map_err(|e| e.to_string())?;
    parse::check_size(header.size() as usize).map_err(|e| e.to_string())?;
    let blob = repo.find_blob(oid).map_err(|e| e.to_string())?;
    String::from_utf8(blob.data.clone()).map_err(|_| "not UTF-8 text".to_string())
}
