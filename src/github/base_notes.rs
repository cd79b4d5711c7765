//! Notes and config as of a commit (the pull request's base), read from the commit's tree and
//! not from the work tree, so that a pull request cannot hide its own warnings by editing or
//! deleting notes. A broken note is skipped with a warning, like everywhere else.

use crate::config::Config;
use crate::error::Error;
use crate::store::{CONFIG_FILE, DIR, LoadedNote, Note, NoteSet, Warning};
use gix::ObjectId;

/// Notes larger than this are skipped: notes can come from strangers' pull requests.
const MAX_NOTE_BYTES: usize = 1 << 20;

/// Every note and the config in `.incidents/` of `commit`'s tree.
pub fn load_at(git: &gix::Repository, commit: ObjectId) -> Result<(NoteSet, Config), Error> {
    let read_err = |e: &dyn std::fmt::Display| {
        Error::new(format!("cannot read the notes of commit {commit}: {e}"))
    };
    let tree = git
        .find_commit(commit)
        .map_err(|e| read_err(&e))?
        .tree()
        .map_err(|e| read_err(&e))?;
    let mut set = NoteSet::default();
    let mut config = Config::default();
    let Some(entry) = tree.lookup_entry_by_path(DIR).map_err(|e| read_err(&e))? else {
        return Ok((set, config));
    };
    if !entry.mode().is_tree() {
        return Ok((set, config));
    }
    let dir = entry.object().map_err(|e| read_err(&e))?.into_tree();
    for item in dir.iter() {
        let item = item.map_err(|e| read_err(&e))?;
        let name = item.filename().to_string();
        if !item.mode().is_blob() || !name.ends_with(".yaml") {
            continue;
        }
        let file = format!("{DIR}/{name}");
        let object = item.object().map_err(|e| read_err(&e))?;
        if object.data.len() > MAX_NOTE_BYTES {
            set.warnings.push(Warning {
                file,
                message: format!("larger than {MAX_NOTE_BYTES} bytes, skipped"),
            });
            continue;
        }
        let Ok(text) = std::str::from_utf8(&object.data) else {
            set.warnings.push(Warning {
                file,
                message: "not UTF-8, skipped".to_string(),
            });
            continue;
        };
        if file == CONFIG_FILE {
            match serde_saphyr::from_str::<Config>(text) {
                Ok(c) => config = c,
                Err(e) => set.warnings.push(Warning {
                    file,
                    message: format!("{e}; using the default settings"),
                }),
            }
            continue;
        }
        match serde_saphyr::from_str::<Note>(text) {
            Ok(note) => set.notes.push(LoadedNote { note, file }),
            Err(e) => set.warnings.push(Warning {
                file,
                message: e.to_string(),
            }),
        }
    }
    set.notes
        .sort_by(|a, b| (a.note.opened, &a.note.id).cmp(&(b.note.opened, &b.note.id)));
    Ok((set, config))
}
