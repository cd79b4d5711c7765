//! `git incident show`: one note, for people (text), scripts (json) or as stored (yaml).

use super::list::open;
use super::{Ctx, Outcome, Result};
use crate::error::Error;
use crate::output::sanitize;
use crate::store::{self, Named};

/// Show one incident note
///
/// ID is the note's id or any unique prefix of it, like a git commit id.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The note's id, or a unique prefix of it
    pub id: String,
    /// Output format: text, json (the note plus `path`), or yaml (the file exactly as stored)
    #[arg(long, value_enum, default_value_t = ShowFormat::Text)]
    pub format: ShowFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ShowFormat {
    Text,
    Json,
    Yaml,
}

pub fn run(args: Args, ctx: &mut Ctx) -> Result<Outcome> {
    let (_repo, store) = open(ctx)?;
    let id = store.resolve_id(&args.id)?;
    if args.format == ShowFormat::Yaml {
        // As stored, byte for byte, even when it does not parse.
        let text = store.read_text(&id)?;
        write!(ctx.out, "{text}")?;
        return Ok(Outcome::Success);
    }
    let loaded = store.read(&id)?;
    match args.format {
        ShowFormat::Json => {
            let text = serde_json::to_string_pretty(&store.to_json_as_stored(&loaded))
                .map_err(|e| Error::new(format!("cannot write JSON: {e}")))?;
            writeln!(ctx.out, "{text}")?;
        }
        _ => write!(ctx.out, "{}", text(&loaded))?,
    }
    Ok(Outcome::Success)
}

/// The note laid out for reading in a terminal.
fn text(loaded: &store::LoadedNote) -> String {
    use std::fmt::Write;
    let n = &loaded.note;
    let mut out = String::new();
    let _ = writeln!(out, "{}  {}", n.id, sanitize(&n.title).replace('\n', " "));
    let mut facts = vec![format!("status: {}", n.status)];
    if let Some(s) = n.severity {
        facts.push(format!("severity: {s}"));
    }
    if let Some(t) = n.tier {
        facts.push(format!("tier: {t}"));
    }
    if let Some(h) = n.hours() {
        facts.push(format!("hours: {h}"));
    }
    let _ = writeln!(out, "{}", facts.join("   "));
    if let Some(t) = n.opened {
        let _ = writeln!(out, "opened:   {t}");
    }
    if let Some(t) = n.resolved {
        let _ = writeln!(out, "resolved: {t}");
    }
    let _ = writeln!(out, "file:     {}", loaded.file);
    let list = |out: &mut String, label: &str, items: &[String]| {
        if !items.is_empty() {
            let _ = writeln!(out, "\n{label}:");
            for item in items {
                let text = sanitize(item);
                let mut lines = text.lines();
                let _ = writeln!(out, "  - {}", lines.next().unwrap_or(""));
                for line in lines {
                    let _ = writeln!(out, "    {line}");
                }
            }
        }
    };
    list(&mut out, "paths", &n.paths);
    list(&mut out, "symptoms", &n.symptoms);
    list(&mut out, "fixed by", &n.commits.fixed_by);
    let introduced: Vec<String> = n
        .commits
        .introduced_by
        .iter()
        .map(|c| match n.commits.introduced_confidence {
            Some(conf) => format!("{c} ({})", conf.as_str()),
            None => c.clone(),
        })
        .collect();
    list(&mut out, "introduced by", &introduced);
    for (label, value) in [("root cause", &n.root_cause), ("fix", &n.fix)] {
        if let Some(v) = value {
            let _ = writeln!(out, "\n{label}:");
            for line in sanitize(v).lines() {
                let _ = writeln!(out, "  {line}");
            }
        }
    }
    if let Some(inv) = &n.investigation {
        let checked: Vec<String> = inv
            .checked
            .iter()
            .map(|c| match &c.result {
                Some(r) => format!("{}: {r}", c.what),
                None => c.what.clone(),
            })
            .collect();
        list(&mut out, "checked", &checked);
        if !inv.escalations.is_empty() {
            let tiers: Vec<&str> = inv.escalations.iter().map(|t| t.as_str()).collect();
            let _ = writeln!(out, "\nescalations: {}", tiers.join(" -> "));
        }
    }
    let mut refs = Vec::new();
    if let Some(r) = &n.repeat_of {
        refs.push(format!("repeat of: {r}"));
    }
    if let Some(r) = &n.resolved_with {
        refs.push(format!("resolved with: {r}"));
    }
    if !refs.is_empty() {
        let _ = writeln!(out, "\n{}", refs.join("   "));
    }
    if let Some(env) = &n.environment {
        let env: Vec<String> = env.iter().map(|(k, v)| format!("{k}: {v}")).collect();
        list(&mut out, "environment", &env);
    }
    list(&mut out, "tags", &n.tags);
    list(&mut out, "links", &n.links);
    out
}
