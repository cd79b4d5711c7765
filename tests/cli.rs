//! Tests of the command line as a whole: help on every subcommand, exit codes for usage
//! errors, completions, the man page, and a closed pipe.

use crate::common::*;
use std::process::Stdio;

/// Every subcommand, as a user types it after `git incident`.
const SUBCOMMANDS: &[&[&str]] = &[
    &["init"],
    &["new"],
    &["list"],
    &["show"],
    &["edit"],
    &["resolve"],
    &["validate"],
    &["hotspots"],
    &["check"],
    &["import"],
    &["import", "commits"],
    &["import", "github"],
    &["report"],
    &["action"],
    &["completions"],
    &["man"],
];

#[test]
fn every_subcommand_has_short_and_long_help() {
    let repo = TestRepo::new();
    for sub in SUBCOMMANDS {
        for flag in ["-h", "--help"] {
            let mut args: Vec<&str> = sub.to_vec();
            args.push(flag);
            let out = repo.run(&args);
            assert_eq!(out.code, 0, "{args:?}: {}", out.snapshot());
            assert!(out.stdout.contains("Usage:"), "{args:?}: {}", out.stdout);
            assert!(out.stderr.is_empty(), "{args:?}: {}", out.stderr);
        }
    }
}

#[test]
fn unknown_subcommand_is_a_usage_error() {
    let repo = TestRepo::new();
    let out = repo.run(&["frobnicate"]);
    assert_eq!(out.code, 2, "{}", out.snapshot());
    assert!(out.stderr.contains("frobnicate"), "{}", out.stderr);
    assert!(out.stdout.is_empty());
}

#[test]
fn unknown_flag_is_a_usage_error() {
    let repo = TestRepo::new();
    let out = repo.run(&["list", "--no-such-flag"]);
    assert_eq!(out.code, 2, "{}", out.snapshot());
}

#[test]
fn version_prints_the_crate_version() {
    let repo = TestRepo::new();
    let out = repo.run(&["--version"]);
    assert_eq!(out.code, 0);
    assert_eq!(
        out.stdout.trim(),
        format!("git-incident {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn completions_for_each_shell() {
    let repo = TestRepo::new();
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = repo.run(&["completions", shell]);
        assert_eq!(out.code, 0, "{shell}: {}", out.snapshot());
        assert!(out.stdout.contains("hotspots"), "{shell}");
    }
    let out = repo.run(&["completions", "tcsh"]);
    assert_eq!(out.code, 2);
}

#[test]
fn man_page_prints_and_installs() {
    let repo = TestRepo::new();
    let out = repo.run(&["man"]);
    assert_eq!(out.code, 0);
    assert!(out.stdout.starts_with(".ie") || out.stdout.contains(".TH git-incident"));
    let dir = tempfile::tempdir().unwrap();
    let out = repo.run(&["man", "--install", dir.path().to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}", out.snapshot());
    let page = std::fs::read_to_string(dir.path().join("man1/git-incident.1")).unwrap();
    assert!(page.contains(".TH git-incident"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("man1/git-incident.1"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(
            mode & 0o777,
            0o644,
            "the man page must be readable by everyone"
        );
    }
}

#[test]
fn man_page_is_installed_beside_an_installed_binary() {
    // `cargo install` puts the binary in <root>/bin; man finds <root>/share/man from PATH.
    let root = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(root.path().join("bin")).unwrap();
    let exe = root.path().join("bin/git-incident");
    std::fs::copy(env!("CARGO_BIN_EXE_git-incident"), &exe).unwrap();
    let repo = TestRepo::new();
    let mut cmd = std::process::Command::new(&exe);
    hermetic_env(&mut cmd, repo.home.path());
    cmd.arg("--version");
    assert_eq!(run(cmd).code, 0);
    assert!(root.path().join("share/man/man1/git-incident.1").exists());
}

#[test]
fn closed_stdout_pipe_exits_quietly() {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let repo = TestRepo::new();
    let mut cmd = bin();
    hermetic_env(&mut cmd, repo.home.path());
    let out = cmd
        .args(["completions", "zsh"])
        .stdout(Stdio::from(writer))
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Complete `words` (the last one being completed) with the bash script, through git's hook.
fn bash_complete(script: &std::path::Path, words: &str) -> String {
    let program = format!(
        "source '{}'; COMP_WORDS=({words}); COMP_CWORD=$((${{#COMP_WORDS[@]}} - 1)); _git_incident; echo \"${{COMPREPLY[*]}}\"",
        script.display()
    );
    let out = std::process::Command::new("bash")
        .args(["--norc", "--noprofile", "-c", &program])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn bash_completion_completes_git_incident_subcommands_and_their_options() {
    let repo = TestRepo::new();
    let out = repo.run(&["completions", "bash"]);
    let script = repo.home.path().join("completion.bash");
    std::fs::write(&script, &out.stdout).unwrap();
    assert_eq!(bash_complete(&script, "git incident hots"), "hotspots");
    assert_eq!(
        bash_complete(&script, "git incident check --fo"),
        "--format"
    );
    assert_eq!(bash_complete(&script, "git incident import com"), "commits");
}
