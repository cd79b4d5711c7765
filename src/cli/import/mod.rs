//! `git incident import`: bootstrap notes from fix commits or closed GitHub issues.

use super::{Ctx, Outcome, Result};

mod commits;
mod github;

/// Bootstrap notes from fix commits or closed GitHub issues
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub source: Source,
}

#[derive(Debug, clap::Subcommand)]
pub enum Source {
    Commits(commits::Args),
    Github(github::Args),
}

pub fn run(args: Args, ctx: &mut Ctx) -> Result<Outcome> {
    match args.source {
        Source::Commits(a) => commits::run(a, ctx),
        Source::Github(a) => github::run(a, ctx),
    }
}
