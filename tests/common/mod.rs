//! Shared test support: hermetic throwaway repositories built with the git binary (fixed
//! times, no user or system git config), and a runner for the `git-incident` binary that
//! captures stdout, stderr and the exit code.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// Seconds since the epoch of the first commit a `TestRepo` makes (2024-01-01T00:00:00Z).
pub const EPOCH: i64 = 1_704_067_200;

/// Environment for every git and git-incident process in tests: no global or system config,
/// a fake HOME, fixed identity, no pager, no editor, no terminal prompts.
pub fn hermetic_env(cmd: &mut Command, home: &Path) {
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", home.join("gitconfig"))
        .env("GIT_AUTHOR_NAME", "Ada Tester")
        .env("GIT_AUTHOR_EMAIL", "ada@example.com")
        .env("GIT_COMMITTER_NAME", "Ada Tester")
        .env("GIT_COMMITTER_EMAIL", "ada@example.com")
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_PAGER", "cat")
        .env("LC_ALL", "C")
        .env("TZ", "UTC")
        .env("NO_COLOR", "1");
}

/// A throwaway repository in a temporary directory.
pub struct TestRepo {
    pub dir: tempfile::TempDir,
    pub home: tempfile::TempDir,
    /// Seconds added to `EPOCH` for the next commit; each commit advances it by one day.
    pub clock: i64,
}

/// What a command printed and how it exited.
#[derive(Debug)]
pub struct Output {
    pub stdout: String,
    pub stderr: String,
    pub code: i32,
}

impl Output {
    /// stdout, stderr and exit code in one text, for snapshots.
    pub fn snapshot(&self) -> String {
        format!(
            "exit: {}\n--- stdout\n{}--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

impl TestRepo {
    /// An empty repository on branch `main`.
    pub fn new() -> TestRepo {
        let dir = tempfile::tempdir().expect("tempdir");
        let home = tempfile::tempdir().expect("tempdir");
        std::fs::write(home.path().join("gitconfig"), "").expect("write gitconfig");
        let repo = TestRepo {
            dir,
            home,
            clock: 0,
        };
        repo.git(&["init", "-q", "-b", "main"]);
        repo
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Run git in the repository; panics (test failure) when git fails.
    pub fn git(&self, args: &[&str]) -> String {
        let out = self.git_output(args);
        assert!(
            out.code == 0,
            "git {args:?} failed: {}{}",
            out.stdout,
            out.stderr
        );
        out.stdout
    }

    /// Run git in the repository and return what happened.
    pub fn git_output(&self, args: &[&str]) -> Output {
        let mut cmd = Command::new("git");
        hermetic_env(&mut cmd, self.home.path());
        let date = format!("@{} +0000", EPOCH + self.clock);
        cmd.env("GIT_AUTHOR_DATE", &date)
            .env("GIT_COMMITTER_DATE", &date)
            .current_dir(self.path())
            .args(args);
        run(cmd)
    }

    /// Write a file (creating directories).
    pub fn write(&self, path: &str, content: &str) {
        let full = self.path().join(path);
        if let Some(parent) = full.parent() {
            std::fs::create_dir_all(parent).expect("create dirs");
        }
        std::fs::write(full, content).expect("write file");
    }

    pub fn read(&self, path: &str) -> String {
        std::fs::read_to_string(self.path().join(path)).expect("read file")
    }

    /// Stage everything and commit with `message` at the next fixed time; returns the id.
    pub fn commit(&mut self, message: &str) -> String {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "--allow-empty", "-m", message]);
        self.clock += 86_400;
        self.git(&["rev-parse", "HEAD"]).trim().to_string()
    }

    /// Write files then commit them.
    pub fn commit_files(&mut self, message: &str, files: &[(&str, &str)]) -> String {
        for (path, content) in files {
            self.write(path, content);
        }
        self.commit(message)
    }

    /// Run the git-incident binary in the repository (or in `sub`, relative to it).
    pub fn run(&self, args: &[&str]) -> Output {
        self.run_in(self.path(), args)
    }

    pub fn run_in(&self, dir: &Path, args: &[&str]) -> Output {
        let mut cmd = bin();
        hermetic_env(&mut cmd, self.home.path());
        cmd.current_dir(dir).args(args);
        run(cmd)
    }
}

/// The built binary under test.
pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_git-incident"))
}

pub fn run(mut cmd: Command) -> Output {
    let out = cmd.output().expect("spawn");
    Output {
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        code: out.status.code().unwrap_or(-1),
    }
}

/// A history from ../shared/data rebuilt once per test run into the target directory, or
/// `None` (with a message on stderr) when ../shared is absent, so a lone clone still passes.
pub fn shared_history(name: &str) -> Option<PathBuf> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let data = manifest.join("../shared/data");
    let export = data.join(format!("{name}.jsonl.gz"));
    if !export.exists() {
        eprintln!(
            "skipping: {} is absent (clone the project beside ../shared to run this test)",
            export.display()
        );
        return None;
    }
    let dest = manifest.join("target/shared-histories").join(name);
    let marker = dest.join(".git/skeleton-map.tsv");
    if !marker.exists() {
        // Build beside the destination and rename, so parallel tests never see half a repo.
        let parent = dest.parent().expect("parent");
        std::fs::create_dir_all(parent).expect("mkdir");
        let tmp = tempfile::tempdir_in(parent).expect("tempdir");
        let build = tmp.path().join(name);
        let status = Command::new("python3")
            .arg(data.join("rebuild.py"))
            .arg(&export)
            .arg(&build)
            .arg("--checkout")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .stdout(std::process::Stdio::null())
            .status()
            .expect("python3");
        assert!(status.success(), "rebuilding {name} failed");
        if !marker.exists() {
            let _ = std::fs::rename(&build, &dest);
        }
    }
    Some(dest)
}
