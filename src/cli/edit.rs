//! `git incident edit`: open a note in the editor and check it before saving. The note is
//! replaced atomically with exactly what was written (comments and key order kept); an edit
//! that does not pass is kept in the git directory and the note is left untouched.

use super::list::open;
use super::validate::{format_problem, lookup};
use super::{Ctx, Outcome, Result};
use crate::error::Error;
use crate::store::validate::{Checks, Level, check_note};
use crate::store::{self, Store, editor};

/// Edit an incident note in your editor
///
/// The editor is the one git uses (GIT_EDITOR, core.editor, VISUAL, EDITOR). The note is
/// checked when you close the editor; if it has errors it is not saved, and your text is kept.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The note's id, or a unique prefix of it
    pub id: String,
}

pub fn run(args: Args, ctx: &mut Ctx) -> Result<Outcome> {
    let (repo, store) = open(ctx)?;
    let id = store.resolve_id(&args.id)?;
    let original = store.read_text(&id)?;
    let scratch = repo.git.git_dir().join(format!("INCIDENT_EDIT_{id}.yaml"));
    let command = editor::editor_command(&repo.git).ok_or_else(super::new::no_editor)?;
    // An earlier edit that did not pass was kept: go on from it, never over it.
    let start = match std::fs::read_to_string(&scratch) {
        Ok(kept) if kept != original => {
            if !ctx.quiet {
                writeln!(
                    ctx.err,
                    "resuming your earlier edit kept in {} (delete that file to start over)",
                    scratch.display()
                )?;
            }
            kept
        }
        _ => original.clone(),
    };
    let text = editor::edit_file(&command, &scratch, &start).map_err(|e| {
        let hint = match e {
            editor::EditorError::Write { .. } => {
                "check that the git directory is writable and the disk has room"
            }
            _ => "set GIT_EDITOR to the editor you use",
        };
        Error::new(e.to_string()).hint(hint)
    })?;
    if text == original {
        let _ = std::fs::remove_file(&scratch);
        if !ctx.quiet {
            writeln!(ctx.err, "no changes")?;
        }
        return Ok(Outcome::Success);
    }
    let kept = format!(
        "your edit is kept in {}: run `git incident edit {id}` again to go on from it",
        scratch.display()
    );
    let file = Store::file_of(&id);
    // Positions are in the edited text, which is the kept file, not the note.
    let edited = repo
        .git
        .workdir()
        .and_then(|w| scratch.strip_prefix(w).ok())
        .unwrap_or(&scratch)
        .display()
        .to_string();
    let note = store::parse::parse_note(&text).map_err(|at| {
        let mut e = Error::new(format!(
            "{edited}:{}:{}: {}",
            at.line, at.column, at.message
        ));
        e.rendered = store::diagnostic::snippet(&edited, &text, &at);
        if let Some(h) = at.hint {
            e = e.hint(h);
        }
        e.hint(kept.clone())
    })?;
    // What every other command would refuse to read (limits, an invalid glob, ...) is not
    // saved either.
    if let Err(e) = store::parse_note(&file, &text) {
        let message = match e {
            store::StoreError::Unreadable { message, .. } => message,
            other => other.to_string(),
        };
        return Err(Error::new(format!("{file} was not changed: {message}")).hint(kept));
    }
    let ids_owned = store.ids()?;
    let ids = ids_owned.iter().map(String::as_str).collect();
    let named = |t: &str| lookup(&repo, t);
    let checks = Checks {
        lookup: &named,
        head_files: None,
        shallow: repo.git.is_shallow().unwrap_or(false),
    };
    let mut problems = Vec::new();
    check_note(&file, &text, &note, &ids, &checks, &mut problems);
    let errors: Vec<_> = problems
        .iter()
        .filter(|p| p.level == Level::Error)
        .collect();
    if !errors.is_empty() {
        for p in &errors {
            write!(ctx.err, "{}", format_problem(p))?;
        }
        return Err(Error::new(format!("{file} was not changed: the edit has errors")).hint(kept));
    }
    store.write_text(&id, &text)?;
    let _ = std::fs::remove_file(&scratch);
    Ok(Outcome::Success)
}
