//! `git incident completions SHELL`: print a shell completion script.

use super::{Ctx, Outcome, Result};

/// Print shell completions
///
/// Write the script to where your shell loads completions from, for example
/// `git incident completions bash > ~/.local/share/bash-completion/completions/git-incident`.
/// With git's own completion loaded, `git incident <TAB>` then completes too.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The shell to complete for
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

pub fn run(args: Args, ctx: &mut Ctx) -> Result<Outcome> {
    let mut command = super::command();
    // Generate into memory: clap_complete panics on a write error (a closed pipe).
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "git-incident", &mut script);
    ctx.out.write_all(&script)?;
    Ok(Outcome::Success)
}
