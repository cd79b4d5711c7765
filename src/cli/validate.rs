//! `git incident validate`: check every note and the config; exit 1 on any error.

use super::list::{TextOrJson, open};
use super::{Ctx, Outcome, Result};
use crate::error::Error;
use crate::repo::Repo;
use crate::store::validate::{Checks, Level, Named, Problem, validate};

/// Check every incident note
///
/// Reports each problem as FILE:LINE:COLUMN: error: MESSAGE with a hint: YAML syntax,
/// duplicate keys, unknown values, wrong types, bad dates, merge-conflict markers, commit ids
/// that do not resolve, ids that do not match their file, dangling repeat_of/resolved_with.
/// Paths that match no file at HEAD are warnings. Exits 1 when there is any error.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Output format: text, or json (`{"errors", "warnings", "problems": [...]}`)
    #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
    pub format: TextOrJson,

    /// List every warning (text output lists every error, and the first 20 warnings)
    #[arg(long)]
    pub all: bool,
}

/// Warnings listed in text output without `--all`: after an import, notes naming files
/// deleted since can number in the hundreds and bury the errors.
const WARNINGS_SHOWN: usize = 20;

/// What `text` (a full or abbreviated hex id) names in `repo`: a commit, another kind of
/// object (a tree id pasted from `git ls-tree`, a blob, a tag), or nothing.
pub(super) fn lookup(repo: &Repo, text: &str) -> Named {
    let kind_of = |id: gix::ObjectId| match repo.git.find_header(id).map(|h| h.kind()) {
        Ok(gix::object::Kind::Commit) => Named::Commit,
        Ok(gix::object::Kind::Tree) => Named::Tree,
        Ok(gix::object::Kind::Blob) => Named::Blob,
        Ok(gix::object::Kind::Tag) => Named::Tag,
        Err(_) => Named::Nothing,
    };
    if let Ok(id) = gix::ObjectId::from_hex(text.as_bytes()) {
        return kind_of(id);
    }
    // `^{commit}` lets a short id that is ambiguous among all objects name its one commit,
    // as `git rev-parse c12f^{commit}` does; a tag it peeled to its commit is not that commit.
    let prefix = text.to_ascii_lowercase();
    if let Ok(id) = repo
        .git
        .rev_parse_single(format!("{text}^{{commit}}").as_str())
        && id.to_hex().to_string().starts_with(&prefix)
    {
        return Named::Commit;
    }
    repo.git
        .rev_parse_single(text)
        .map_or(Named::Nothing, |id| kind_of(id.detach()))
}

/// Every file at HEAD, or `None` when there is no commit yet.
pub(super) fn head_files(repo: &Repo) -> Option<Vec<String>> {
    let tree = repo.git.head_commit().ok()?.tree().ok()?;
    let mut recorder = gix::traverse::tree::Recorder::default();
    tree.traverse().breadthfirst(&mut recorder).ok()?;
    Some(
        recorder
            .records
            .into_iter()
            .filter(|r| !r.mode.is_tree())
            .map(|r| r.filepath.to_string())
            .collect(),
    )
}

pub fn run(args: Args, ctx: &mut Ctx) -> Result<Outcome> {
    let (repo, store) = open(ctx)?;
    let files = head_files(&repo);
    let named = |text: &str| lookup(&repo, text);
    let checks = Checks {
        lookup: &named,
        head_files: files.as_deref(),
        shallow: repo.git.is_shallow().unwrap_or(false),
    };
    let problems = validate(&store, &checks)?;
    if checks.shallow {
        // Said once, not per commit: a CI checkout with fetch-depth 1 is the usual case.
        ctx.warn(
            "history is cut (shallow clone): commit ids older than the cut were not checked; \
             run `git fetch --unshallow` (in GitHub Actions: `fetch-depth: 0`)",
        );
    }
    let notes = store.ids()?.len();
    let errors = problems.iter().filter(|p| p.level == Level::Error).count();
    let warnings = problems.len() - errors;
    match args.format {
        TextOrJson::Json => {
            let value = serde_json::json!({
                "notes": notes,
                "errors": errors,
                "warnings": warnings,
                "problems": problems,
            });
            let text = serde_json::to_string_pretty(&value)
                .map_err(|e| Error::new(format!("cannot write JSON: {e}")))?;
            writeln!(ctx.out, "{text}")?;
        }
        TextOrJson::Text => {
            let mut shown_warnings = 0;
            for p in &problems {
                if p.level == Level::Warning {
                    shown_warnings += 1;
                    if !args.all && shown_warnings > WARNINGS_SHOWN {
                        continue;
                    }
                }
                write!(ctx.out, "{}", format_problem(p))?;
            }
            if !args.all && warnings > WARNINGS_SHOWN {
                writeln!(
                    ctx.out,
                    "... and {} more warnings (`git incident validate --all` lists every one)",
                    warnings - WARNINGS_SHOWN
                )?;
            }
            if !ctx.quiet {
                writeln!(
                    ctx.err,
                    "{notes} note{} checked: {errors} error{}, {warnings} warning{}",
                    plural(notes),
                    plural(errors),
                    plural(warnings)
                )?;
            }
        }
    }
    Ok(if errors > 0 {
        Outcome::Failure
    } else {
        Outcome::Success
    })
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// `FILE:LINE:COLUMN: error: message` and `  hint: ...`.
pub(super) fn format_problem(p: &Problem) -> String {
    let level = match p.level {
        Level::Error => "error",
        Level::Warning => "warning",
    };
    let mut out = format!(
        "{}:{}:{}: {level}: {}\n",
        p.file,
        p.line,
        p.column,
        crate::output::sanitize(&p.message).replace('\n', " ")
    );
    if let Some(hint) = &p.hint {
        out.push_str(&format!("  hint: {hint}\n"));
    }
    out
}
