//! The `git-incident` binary: parse the command line, run, turn the outcome into an exit code.
//! Everything else lives in the library (`git_incident`).

fn main() -> std::process::ExitCode {
    git_incident::cli::main()
}
