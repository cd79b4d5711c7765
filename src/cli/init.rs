//! `git incident init`: write `.incidents/config.yaml` with every default shown and commented.

use super::list::open;
use super::{Ctx, Outcome, Result};
use crate::error::Error;
use crate::store::CONFIG_FILE;

/// Write .incidents/config.yaml with every default, commented
///
/// The tool works without a config file; write one to change a setting, and commit it so the
/// whole team shares it.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Replace an existing config file with the defaults (the old one is kept as
    /// config.yaml.bak)
    #[arg(long)]
    pub force: bool,
}

pub fn run(args: Args, ctx: &mut Ctx) -> Result<Outcome> {
    let (_repo, store) = open(ctx)?;
    // Refuses a symlinked `.incidents` before anything is written.
    let dir = store.checked_dir()?;
    let path = store.root.join(CONFIG_FILE);
    let exists = dir.is_some() && std::fs::symlink_metadata(&path).is_ok();
    if exists && !args.force {
        // Like `git init` run twice: harmless, so setup scripts can run it every time.
        writeln!(
            ctx.out,
            "{CONFIG_FILE} already exists; left unchanged (--force replaces it, keeping a backup)"
        )?;
        return Ok(Outcome::Success);
    }
    if exists {
        let backup = store.root.join(BACKUP_FILE);
        // Neither file may be a link: a copy would read or write through it.
        if std::fs::symlink_metadata(&path).is_ok_and(|m| !m.is_file()) {
            return Err(Error::new(format!("{CONFIG_FILE} is not a regular file"))
                .hint("remove it (it may be a symbolic link), then run `git incident init`"));
        }
        match std::fs::remove_file(&backup) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(Error::new(format!("cannot replace {BACKUP_FILE}: {e}"))
                    .hint("check the permissions of .incidents/"));
            }
            _ => {}
        }
        std::fs::copy(&path, &backup).map_err(|e| {
            Error::new(format!(
                "cannot back up {CONFIG_FILE} to {BACKUP_FILE}: {e}"
            ))
            .hint("check the permissions of .incidents/")
        })?;
        writeln!(ctx.out, "kept the old settings in {BACKUP_FILE}")?;
    }
    store.write_config(&crate::config::init_template())?;
    writeln!(ctx.out, "wrote {CONFIG_FILE}")?;
    Ok(Outcome::Success)
}

/// Where `init --force` keeps the config it replaces.
const BACKUP_FILE: &str = ".incidents/config.yaml.bak";
