//! The command line: clap definitions, dispatch, and the only place that prints or decides exit
//! codes. One file per subcommand, each with an args struct and a `run` function; the core
//! modules never see clap.

use clap::{Parser, Subcommand, ValueEnum};
use std::io::Write;
use std::process::ExitCode;

mod action;
mod check;
mod completions;
mod edit;
mod hotspots;
mod import;
mod init;
mod list;
mod man;
mod new;
mod report;
mod resolve;
mod show;
mod validate;

pub use crate::error::{Error, Result};

/// Keep debugging knowledge in the repository: incident notes tied to commits and paths
#[derive(Debug, Parser)]
#[command(name = "git-incident", version, about, long_about = None)]
#[command(propagate_version = true, max_term_width = 100)]
pub struct Cli {
    /// Say nothing on stderr but errors (no progress, no warnings)
    #[arg(long, short, global = true)]
    pub quiet: bool,

    /// Run as if started in DIR (like `git -C`)
    #[arg(short = 'C', global = true, value_name = "DIR")]
    pub directory: Option<std::path::PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    Init(init::Args),
    New(new::Args),
    List(list::Args),
    Show(show::Args),
    Edit(edit::Args),
    Resolve(resolve::Args),
    Validate(validate::Args),
    Hotspots(hotspots::Args),
    Check(check::Args),
    Import(import::Args),
    Report(report::Args),
    Action(action::Args),
    Completions(completions::Args),
    Man(man::Args),
}

/// Output formats; each command accepts the subset it documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
    Markdown,
    Html,
    Csv,
}

/// What a command found, when it ran to the end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Exit 0.
    Success,
    /// Exit 1: the command ran and found what its flags call a failure.
    Failure,
}

/// What every command gets: the working directory, the output streams, global flags.
pub struct Ctx<'a> {
    pub cwd: std::path::PathBuf,
    pub out: &'a mut dyn Write,
    pub err: &'a mut dyn Write,
    pub quiet: bool,
    /// stderr is a terminal (progress is shown only then).
    pub err_is_tty: bool,
}

impl Ctx<'_> {
    /// A one-line warning on stderr, unless `--quiet`.
    pub fn warn(&mut self, message: &str) {
        if !self.quiet {
            let _ = writeln!(self.err, "warning: {message}");
        }
    }
}

/// Entry point of the binary.
pub fn main() -> ExitCode {
    man::ensure_installed();
    // Usage lines read `git incident ...`, as users type it.
    let parsed = command()
        .bin_name("git incident")
        .try_get_matches()
        .and_then(|matches| <Cli as clap::FromArgMatches>::from_arg_matches(&matches));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut err = stderr.lock();
    let cwd = match std::env::current_dir() {
        Ok(dir) => dir,
        Err(e) => {
            let _ = writeln!(err, "error: cannot read the current directory: {e}");
            return ExitCode::from(2);
        }
    };
    let cwd = match &cli.directory {
        Some(dir) => cwd.join(dir),
        None => cwd,
    };
    let err_is_tty = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let mut ctx = Ctx {
        cwd,
        out: &mut out,
        err: &mut err,
        quiet: cli.quiet,
        err_is_tty,
    };
    let result = run(cli.command, &mut ctx);
    let flushed = ctx.out.flush();
    match (result, flushed) {
        (Ok(Outcome::Success), Ok(())) => ExitCode::SUCCESS,
        (Ok(Outcome::Failure), Ok(())) => ExitCode::from(1),
        (Err(e), _) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        (_, Err(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        (Err(e), _) => {
            report_error(&mut err_stream(), &e);
            ExitCode::from(2)
        }
        (_, Err(e)) => {
            let _ = writeln!(err_stream(), "error: cannot write the output: {e}");
            ExitCode::from(2)
        }
    }
}

fn err_stream() -> std::io::StderrLock<'static> {
    std::io::stderr().lock()
}

fn is_broken_pipe(e: &Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(e);
    while let Some(s) = source {
        if let Some(io) = s.downcast_ref::<std::io::Error>()
            && io.kind() == std::io::ErrorKind::BrokenPipe
        {
            return true;
        }
        source = s.source();
    }
    false
}

/// Print an error as sentences: `error: ...`, then its causes and hints.
pub fn report_error(err: &mut dyn Write, e: &Error) {
    if let Some(rendered) = &e.rendered {
        // The one-line error first (what scripts and tests read), then the picture of it.
        let _ = writeln!(err, "error: {}", e.message);
        let _ = write!(err, "{rendered}");
    } else {
        let _ = writeln!(err, "error: {}", e.message);
        let mut source = std::error::Error::source(e);
        while let Some(s) = source {
            let cause = s.to_string();
            if cause != e.message {
                let _ = writeln!(err, "  caused by: {cause}");
            }
            source = s.source();
        }
    }
    for hint in &e.hints {
        let _ = writeln!(err, "hint: {hint}");
    }
}

/// Run one command; the seam that tests call.
pub fn run(command: Command, ctx: &mut Ctx) -> Result<Outcome> {
    match command {
        Command::Init(args) => init::run(args, ctx),
        Command::New(args) => new::run(args, ctx),
        Command::List(args) => list::run(args, ctx),
        Command::Show(args) => show::run(args, ctx),
        Command::Edit(args) => edit::run(args, ctx),
        Command::Resolve(args) => resolve::run(args, ctx),
        Command::Validate(args) => validate::run(args, ctx),
        Command::Hotspots(args) => hotspots::run(args, ctx),
        Command::Check(args) => check::run(args, ctx),
        Command::Import(args) => import::run(args, ctx),
        Command::Report(args) => report::run(args, ctx),
        Command::Action(args) => action::run(args, ctx),
        Command::Completions(args) => completions::run(args, ctx),
        Command::Man(args) => man::run(args, ctx),
    }
}

/// The clap command, for completions and the man page.
pub fn command() -> clap::Command {
    <Cli as clap::CommandFactory>::command()
}

#[cfg(test)]
mod tests {
    #[test]
    fn verify_cli() {
        super::command().debug_assert();
    }
}
