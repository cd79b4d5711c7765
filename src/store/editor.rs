//! The editor round trip of `new` and `edit`, like `git commit`: pick the editor as
//! `git var GIT_EDITOR` does, write a commented template, run the editor, read the text back.
//! The edited text is kept in the git directory when it does not parse, so no work is lost.

use super::Note;
use std::path::Path;

/// What went wrong running the editor.
#[derive(Debug, thiserror::Error)]
pub enum EditorError {
    #[error("cannot write {path}: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot start the editor `{editor}`: {source}")]
    Spawn {
        editor: String,
        source: std::io::Error,
    },
    #[error("the editor `{editor}` exited with {status}")]
    Failed { editor: String, status: String },
}

/// The editor command: `$GIT_EDITOR`, `core.editor`, `$VISUAL`, `$EDITOR`, then `vi`
/// (git's order; `$VISUAL` is skipped when TERM is `dumb`, as git does). `None` when nothing is
/// set and the terminal is dumb or unknown: like git, refuse rather than start `vi` blind.
pub fn editor_command(repo: &gix::Repository) -> Option<String> {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    if let Some(e) = env("GIT_EDITOR") {
        return Some(e);
    }
    if let Some(e) = repo
        .config_snapshot()
        .string("core.editor")
        .map(|v| v.to_string())
        .filter(|v| !v.trim().is_empty())
    {
        return Some(e);
    }
    let dumb = std::env::var("TERM").map(|t| t == "dumb").unwrap_or(true);
    if !dumb && let Some(e) = env("VISUAL") {
        return Some(e);
    }
    env("EDITOR").or_else(|| (!dumb).then(|| "vi".to_string()))
}

/// Writes `text` to `path`, runs the editor on it, and returns what it holds afterwards.
pub fn edit_file(editor: &str, path: &Path, text: &str) -> Result<String, EditorError> {
    std::fs::write(path, text).map_err(|source| EditorError::Write {
        path: path.display().to_string(),
        source,
    })?;
    // Like git: the editor string is a shell snippet, the file its first argument.
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$@\""))
        .arg(editor)
        .arg(path)
        .status()
        .map_err(|source| EditorError::Spawn {
            editor: editor.to_string(),
            source,
        })?;
    if !status.success() {
        return Err(EditorError::Failed {
            editor: editor.to_string(),
            status: status.to_string(),
        });
    }
    super::parse::read_limited(path).map_err(|e| EditorError::Write {
        path: path.display().to_string(),
        source: std::io::Error::other(e.to_string()),
    })
}

/// The `new` template: the note pre-filled so far, then comments that explain the fields.
pub fn template(note: &Note) -> String {
    let mut text = String::from(
        "# Describe the incident. Lines starting with '#' are ignored.\n\
         # An empty title aborts. Fields: see docs/notes.md; quote text that contains\n\
         # ': ' or starts with a symbol, and every commit id.\n\
         #\n\
         # status: open | investigating | resolved | wontfix\n\
         # severity: sev1 (worst) .. sev4    tier: L1 | L2 | L3\n\
         # dates: 2026-09-14T08:12:00Z or 2026-09-14\n\
         #\n",
    );
    let mut draft = note.clone();
    draft.id = String::new();
    let body = super::render(&draft);
    for line in body.lines() {
        if line.starts_with("id:") {
            continue;
        }
        text.push_str(line);
        text.push('\n');
    }
    let absent = |present: bool, lines: &str, text: &mut String| {
        if !present {
            text.push_str(lines);
        }
    };
    absent(note.severity.is_some(), "# severity: sev3\n", &mut text);
    absent(note.tier.is_some(), "# tier: L2\n", &mut text);
    absent(
        !note.paths.is_empty(),
        "# paths:\n#   - src/module/file.rs\n",
        &mut text,
    );
    absent(
        !note.symptoms.is_empty(),
        "# symptoms:\n#   - \"the error message, as reported\"\n",
        &mut text,
    );
    absent(note.root_cause.is_some(), "# root_cause: \n", &mut text);
    absent(note.fix.is_some(), "# fix: \n", &mut text);
    absent(
        note.investigation.is_some(),
        "# investigation:\n#   hours: 2\n#   checked:\n#     - what: the slow-query log\n#       result: ruled out\n",
        &mut text,
    );
    absent(!note.tags.is_empty(), "# tags: [performance]\n", &mut text);
    text
}
