//! `git incident resolve`: mark a note resolved (or wontfix), with its fix.

use super::list::{now, open, parse_date};
use super::new::{push_unique, resolve_rev};
use super::{Ctx, Outcome, Result};
use crate::error::Error;
use crate::store::Status;

/// Mark an incident resolved
///
/// Sets the status and the resolved time, and adds the fix commits, root cause and fix you
/// give. Prints the note's id.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The note's id, or a unique prefix of it
    pub id: String,
    /// A commit that fixed it (repeatable; any revision git understands)
    #[arg(long = "fixed-by", value_name = "REV")]
    pub fixed_by: Vec<String>,
    /// What caused it
    #[arg(long, value_name = "TEXT")]
    pub root_cause: Option<String>,
    /// What fixed it
    #[arg(long, value_name = "TEXT")]
    pub fix: Option<String>,
    /// When it was resolved (default: the note's existing date, else now; 2026-09-14 or
    /// RFC 3339)
    #[arg(long, value_parser = parse_date, value_name = "DATE")]
    pub resolved: Option<jiff::Timestamp>,
    /// The new status
    #[arg(long, default_value = "resolved", value_parser = parse_final_status)]
    pub status: Status,
}

fn parse_final_status(s: &str) -> std::result::Result<Status, String> {
    match s {
        "resolved" => Ok(Status::Resolved),
        "wontfix" => Ok(Status::Wontfix),
        _ => Err(format!("`{s}` is not one of: resolved, wontfix")),
    }
}

pub fn run(args: Args, ctx: &mut Ctx) -> Result<Outcome> {
    let (repo, store) = open(ctx)?;
    let mut loaded = store.find(&args.id)?;
    let note = &mut loaded.note;
    for rev in &args.fixed_by {
        push_unique(&mut note.commits.fixed_by, resolve_rev(&repo, rev)?);
    }
    note.status = args.status;
    // An existing date stays (adding a second fix commit must not move the incident's
    // time to resolve); --resolved changes it on purpose.
    let resolved = match (args.resolved, note.resolved) {
        (Some(given), _) => given,
        (None, Some(existing)) => existing,
        (None, None) => now(),
    };
    if let Some(opened) = note.opened
        && resolved < opened
    {
        return Err(Error::new(format!(
            "resolved ({resolved}) would be before opened ({opened})"
        ))
        .hint("pass --resolved with a later date"));
    }
    note.resolved = Some(resolved);
    if let Some(rc) = args.root_cause {
        note.root_cause = Some(rc);
    }
    if let Some(fix) = args.fix {
        note.fix = Some(fix);
    }
    if !store.update_preserving(&loaded)? {
        ctx.warn(&format!(
            "{} was rewritten in the tool's form (its comments and unknown fields are gone)",
            loaded.file
        ));
    }
    writeln!(ctx.out, "{}", loaded.note.id)?;
    Ok(Outcome::Success)
}
