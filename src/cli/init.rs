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
    /// Overwrite an existing config file
    #[arg(long)]
    pub force: bool,
}

pub fn run(args: Args, ctx: &mut Ctx) -> Result<Outcome> {
    let (_repo, store) = open(ctx)?;
    let path = store.root.join(CONFIG_FILE);
    if !args.force && std::fs::symlink_metadata(&path).is_ok() {
        return Err(Error::new(format!("{CONFIG_FILE} already exists"))
            .hint("pass --force to replace it with the defaults"));
    }
    store.write_config(&crate::config::init_template())?;
    writeln!(ctx.out, "wrote {CONFIG_FILE}")?;
    Ok(Outcome::Success)
}
