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
    if args.shell == clap_complete::Shell::Bash {
        // clap_complete names the state of a subcommand of a hyphenated binary inconsistently
        // (`git__subcmd__incident__subcmd__check` against `git__incident__subcmd__check`), so
        // options after a subcommand never complete; use the one name throughout.
        let text =
            String::from_utf8_lossy(&script).replace("git__subcmd__incident", "git__incident");
        script = text.into_bytes();
    }
    ctx.out.write_all(&script)?;
    if args.shell == clap_complete::Shell::Bash {
        // git's own bash completion calls `_git_incident` for `git incident <TAB>`: hand it to
        // the generated function as if `git-incident` had been typed.
        ctx.out.write_all(GIT_BASH_HOOK.as_bytes())?;
    }
    Ok(Outcome::Success)
}

const GIT_BASH_HOOK: &str = r#"
# `git incident <TAB>`, through git's completion.
_git_incident() {
    local COMP_WORDS=("git-incident" "${COMP_WORDS[@]:2}")
    local COMP_CWORD=$((COMP_CWORD - 1))
    local cur="${COMP_WORDS[COMP_CWORD]}" prev=""
    [[ $COMP_CWORD -gt 0 ]] && prev="${COMP_WORDS[COMP_CWORD - 1]}"
    _git__incident git-incident "$cur" "$prev"
}
"#;
