//! Tests: `import commits` on a small history with fix commits that name tickets (`#12`,
//! `(#34)`, `PROJ-7`), bare fixes, non-fixes and a rename.

use crate::common::*;
use git_incident::store::{Note, Source, Status};
use std::collections::BTreeMap;

/// The repository: a parser fixed twice under ticket #12 and then renamed, a login fix (#34),
/// a Jira-style fix, a bare fix, and commits that must not count as fixes.
fn history() -> (TestRepo, BTreeMap<&'static str, String>) {
    let mut repo = TestRepo::new();
    let mut ids = BTreeMap::new();
    repo.commit_files(
        "Add parser and login",
        &[
            (
                "src/parser.rs",
                "fn parse() {}\n// one\n// two\n// three\n// four\n",
            ),
            ("src/login.rs", "fn login() {}\n"),
            ("src/session.rs", "fn session() {}\n"),
            ("README.md", "# demo\n"),
        ],
    );
    ids.insert(
        "p1",
        repo.commit_files(
            "Fix overflow in parser (#12)",
            &[(
                "src/parser.rs",
                "fn parse() { 1 }\n// one\n// two\n// three\n// four\n",
            )],
        ),
    );
    ids.insert(
        "p2",
        repo.commit_files(
            "parser: handle empty input\n\nFixes #12",
            &[(
                "src/parser.rs",
                "fn parse() { 2 }\n// one\n// two\n// three\n// four\n",
            )],
        ),
    );
    repo.git(&["mv", "src/parser.rs", "src/parse.rs"]);
    repo.commit("Rename the parser module");
    ids.insert(
        "l1",
        repo.commit_files(
            "Fix login crash (#34)",
            &[("src/login.rs", "fn login() { 1 }\n")],
        ),
    );
    ids.insert(
        "s1",
        repo.commit_files(
            "PROJ-7: fix session leak",
            &[("src/session.rs", "fn session() { 1 }\n")],
        ),
    );
    ids.insert(
        "r1",
        repo.commit_files("fix typo in README", &[("README.md", "# demo!\n")]),
    );
    repo.commit_files(
        "Prefix the debug output with fixtures",
        &[("src/login.rs", "fn login() { 2 }\n")],
    );
    repo.commit_files(
        "Support UTF-8 and ISO-8601 (#99)",
        &[("src/session.rs", "fn session() { 2 }\n")],
    );
    (repo, ids)
}

fn notes(repo: &TestRepo) -> BTreeMap<String, (String, Note)> {
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(repo.path().join(".incidents")).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.ends_with(".yaml") || name == "config.yaml" {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).unwrap();
        let note: Note = serde_saphyr::from_str(&text).unwrap();
        out.insert(name, (text, note));
    }
    out
}

#[test]
fn import_commits_groups_fixes_by_ticket() {
    let (repo, ids) = history();
    let out = repo.run(&["import", "commits"]);
    assert_eq!(out.code, 0, "{}", out.snapshot());
    let new_ids: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(new_ids.len(), 4, "{}", out.snapshot());
    assert!(new_ids.iter().all(|id| id.len() == 8), "{}", out.stdout);
    assert!(
        out.stderr
            .contains("created 4 notes from 5 fix commits, 0 already imported"),
        "{}",
        out.snapshot()
    );
    let notes = notes(&repo);
    let by_title: BTreeMap<&str, &Note> =
        notes.values().map(|(_, n)| (n.title.as_str(), n)).collect();
    let titles: Vec<&&str> = by_title.keys().collect();
    assert_eq!(
        titles,
        [
            &"Fix login crash (#34)",
            &"Fix overflow in parser (#12)",
            &"PROJ-7: fix session leak",
            &"fix typo in README"
        ]
    );
    let parser = by_title["Fix overflow in parser (#12)"];
    assert_eq!(
        parser.commits.fixed_by,
        [ids["p1"].clone(), ids["p2"].clone()]
    );
    // The file is listed under its current name.
    assert_eq!(parser.paths, ["src/parse.rs"]);
    assert_eq!(parser.status, Status::Resolved);
    assert_eq!(parser.source, Some(Source::Commit));
    assert_eq!(
        parser.opened.unwrap().as_second(),
        EPOCH + 86_400,
        "opened is the first fix's author time"
    );
    assert_eq!(parser.resolved.unwrap().as_second(), EPOCH + 2 * 86_400);
    assert_eq!(
        by_title["PROJ-7: fix session leak"].paths,
        ["src/session.rs"]
    );
    assert_eq!(
        by_title["fix typo in README"].commits.fixed_by,
        [ids["r1"].clone()]
    );
    for (file, (_, note)) in &notes {
        assert_eq!(file, &format!("{}.yaml", note.id));
        assert!(new_ids.contains(&note.id.as_str()));
    }
}

#[test]
fn import_commits_twice_equals_once() {
    let (repo, _) = history();
    let first = repo.run(&["import", "commits"]);
    assert_eq!(first.code, 0, "{}", first.snapshot());
    let before = notes(&repo);
    let second = repo.run(&["import", "commits"]);
    assert_eq!(second.code, 0, "{}", second.snapshot());
    assert_eq!(second.stdout, "", "nothing new is created");
    assert!(
        second
            .stderr
            .contains("created 0 notes from 5 fix commits, 4 already imported"),
        "{}",
        second.snapshot()
    );
    let after = notes(&repo);
    let texts = |m: &BTreeMap<String, (String, Note)>| {
        m.iter()
            .map(|(k, (t, _))| (k.clone(), t.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(texts(&before), texts(&after), "no note is rewritten");
}

#[test]
fn import_commits_dry_run_writes_nothing() {
    let (repo, _) = history();
    let out = repo.run(&["import", "commits", "--dry-run"]);
    assert_eq!(out.code, 0, "{}", out.snapshot());
    let keys: Vec<&str> = out
        .stdout
        .lines()
        .map(|l| l.split('\t').next().unwrap())
        .collect();
    assert_eq!(keys[..3], ["ticket:#12", "ticket:#34", "ticket:PROJ-7"]);
    assert!(keys[3].starts_with("commit:"));
    assert!(!repo.path().join(".incidents").exists());
}

#[test]
fn import_commits_since_and_rev_limit_the_walk() {
    let (repo, _) = history();
    // Commits are one day apart from 2024-01-01; the login fix is on 2024-01-05.
    let out = repo.run(&["import", "commits", "--since", "2024-01-05", "--dry-run"]);
    assert_eq!(out.code, 0, "{}", out.snapshot());
    assert_eq!(out.stdout.lines().count(), 3, "{}", out.stdout);
    let out = repo.run(&["import", "commits", "--rev", "HEAD~5", "--dry-run"]);
    assert_eq!(out.code, 0, "{}", out.snapshot());
    assert_eq!(out.stdout.lines().count(), 1, "{}", out.stdout);
    let bad = repo.run(&["import", "commits", "--since", "last tuesday"]);
    assert_eq!(bad.code, 2, "{}", bad.snapshot());
    assert!(bad.stderr.contains("hint:"), "{}", bad.snapshot());
}

#[test]
fn a_fix_already_in_a_manual_note_is_not_imported_again() {
    let (repo, ids) = history();
    repo.write(
        ".incidents/m0000001.yaml",
        &format!(
            "version: 1\nid: m0000001\ntitle: Login crash\nstatus: resolved\n\
             commits:\n  fixed_by: [\"{}\"]\n",
            &ids["l1"][..10]
        ),
    );
    let out = repo.run(&["import", "commits"]);
    assert_eq!(out.code, 0, "{}", out.snapshot());
    assert_eq!(out.stdout.lines().count(), 3, "{}", out.snapshot());
}

#[test]
fn a_new_fix_for_an_imported_ticket_grows_its_note_unless_edited_by_hand() {
    let (mut repo, _) = history();
    let first = repo.run(&["import", "commits"]);
    assert_eq!(first.code, 0, "{}", first.snapshot());
    let p3 = repo.commit_files(
        "Fix parser again (#12)",
        &[("src/lexer.rs", "fn lex() {}\n")],
    );
    let l2 = repo.commit_files("Fix login crash for real (#34)", &[("src/login.rs", "x\n")]);
    // A person edits the #34 note: the import must not rewrite it.
    let login = notes(&repo)
        .into_iter()
        .find(|(_, (_, n))| n.title == "Fix login crash (#34)")
        .unwrap();
    let edited = format!("# checked by Ada\n{}", login.1.0);
    repo.write(&format!(".incidents/{}", login.0), &edited);

    let second = repo.run(&["import", "commits"]);
    assert_eq!(second.code, 0, "{}", second.snapshot());
    assert_eq!(second.stdout, "", "{}", second.snapshot());
    assert!(
        second.stderr.contains("1 updated with newer fix commits"),
        "{}",
        second.snapshot()
    );
    assert!(second.stderr.contains(&l2), "{}", second.snapshot());
    let after = notes(&repo);
    let parser = after
        .values()
        .find(|(_, n)| n.title == "Fix overflow in parser (#12)")
        .unwrap();
    assert_eq!(parser.1.commits.fixed_by.len(), 3);
    assert_eq!(parser.1.commits.fixed_by[2], p3);
    assert!(parser.1.paths.contains(&"src/lexer.rs".to_string()));
    assert_eq!(parser.1.imported_from.as_deref(), Some("ticket:#12"));
    assert_eq!(repo.read(&format!(".incidents/{}", login.0)), edited);

    let third = repo.run(&["import", "commits"]);
    assert!(
        third.stderr.contains("created 0 notes") && !third.stderr.contains("updated"),
        "{}",
        third.snapshot()
    );
}

/// Hundreds of notes written in the same second still get distinct 8-character ids.
#[test]
fn hundreds_of_imported_notes_get_distinct_ids() {
    let repo = TestRepo::new();
    // 300 bare fix commits in one fast-import stream (one git process, not 900).
    let mut stream = String::new();
    for i in 0..300 {
        let msg = format!("fix bug number {i} in the widget");
        let data = format!("v{i}\n");
        stream.push_str(&format!(
            "commit refs/heads/main\nauthor Ada <ada@example.com> {t} +0000\n\
             committer Ada <ada@example.com> {t} +0000\ndata {}\n{msg}\n\
             M 100644 inline src/w{}.rs\ndata {}\n{data}\n",
            msg.len(),
            i % 7,
            data.len(),
            t = EPOCH + i * 60,
        ));
    }
    let file = repo.home.path().join("fast-import-stream");
    std::fs::write(&file, stream).unwrap();
    let mut cmd = std::process::Command::new("git");
    hermetic_env(&mut cmd, repo.home.path());
    cmd.current_dir(repo.path())
        .args(["fast-import", "--quiet"])
        .stdin(std::fs::File::open(&file).unwrap());
    let done = crate::common::run(cmd);
    assert_eq!(done.code, 0, "{}", done.snapshot());
    repo.git(&["reset", "-q", "--hard", "main"]);
    let out = repo.run(&["import", "commits"]);
    assert_eq!(out.code, 0, "{}", out.snapshot());
    let ids: std::collections::BTreeSet<&str> = out.stdout.lines().collect();
    assert_eq!(ids.len(), 300, "{}", out.stderr);
    assert!(ids.iter().all(|id| id.len() == 8));
    std::fs::remove_file(&file).unwrap();
}

#[test]
fn import_after_rebase_and_amend_creates_no_duplicates() {
    let (mut repo, _) = history();
    let first = repo.run(&["import", "commits"]);
    assert_eq!(first.code, 0, "{}", first.snapshot());
    let before = notes(&repo);
    assert_eq!(before.len(), 4);
    // Every commit gets a new id (new committer time), messages and author times stay.
    repo.clock += 86_400;
    repo.git(&["rebase", "-q", "-f", "--root"]);
    let again = repo.run(&["import", "commits"]);
    assert_eq!(again.code, 0, "{}", again.snapshot());
    assert_eq!(again.stdout, "", "{}", again.snapshot());
    assert!(
        again.stderr.contains("created 0 notes") && again.stderr.contains("rebased or amended"),
        "{}",
        again.snapshot()
    );
    // Amend a fix commit that names no ticket (keyed by commit), then import again.
    repo.commit_files(
        "fix crash on empty session",
        &[("src/session.rs", "fn session() { 3 }\n")],
    );
    assert_eq!(repo.run(&["import", "commits"]).stdout.lines().count(), 1);
    repo.write("src/session.rs", "fn session() { 4 }\n");
    repo.git(&["commit", "-q", "-a", "--amend", "--no-edit"]);
    let amended = repo.run(&["import", "commits"]);
    assert_eq!(amended.stdout, "", "{}", amended.snapshot());
    assert_eq!(notes(&repo).len(), 5);
}

#[test]
fn import_leaves_out_reverts_and_reverts_of_reverts() {
    let (mut repo, _) = history();
    let fix = repo.commit_files(
        "fix login timeout",
        &[("src/login.rs", "fn login() { 5 }\n")],
    );
    repo.git(&["revert", "--no-edit", &fix]);
    repo.clock += 86_400;
    repo.git(&["revert", "--no-edit", "HEAD"]);
    repo.clock += 86_400;
    repo.commit_files(
        "revert \"fix typo in README\"",
        &[("README.md", "# demo\n")],
    );
    let out = repo.run(&["import", "commits", "--dry-run"]);
    assert_eq!(out.code, 0, "{}", out.snapshot());
    let titles: Vec<&str> = out
        .stdout
        .lines()
        .filter_map(|l| l.split_once('\t'))
        .map(|(_, t)| t)
        .collect();
    assert!(titles.contains(&"fix login timeout"), "{}", out.stdout);
    assert!(
        titles
            .iter()
            .all(|t| !t.to_ascii_lowercase().contains("revert")),
        "{}",
        out.stdout
    );
}

#[test]
fn imported_paths_are_current_files_so_validate_is_quiet() {
    let mut repo = TestRepo::new();
    repo.commit_files(
        "Add code",
        &[
            ("src/a.rs", "a\n"),
            ("src/old.rs", "o\n"),
            ("src/gone.rs", "g\n"),
        ],
    );
    // One fix touches a file that is later deleted and one that survives.
    repo.commit_files(
        "fix panic in a",
        &[("src/a.rs", "a1\n"), ("src/old.rs", "o1\n")],
    );
    // Another touches only a file deleted later.
    repo.commit_files("fix leak in gone", &[("src/gone.rs", "g1\n")]);
    repo.git(&["rm", "-q", "src/old.rs", "src/gone.rs"]);
    repo.commit("Remove old code");
    let out = repo.run(&["import", "commits"]);
    assert_eq!(out.code, 0, "{}", out.snapshot());
    let notes = notes(&repo);
    let by_title: BTreeMap<&str, &Note> =
        notes.values().map(|(_, n)| (n.title.as_str(), n)).collect();
    assert_eq!(by_title["fix panic in a"].paths, ["src/a.rs"]);
    // No file of the note exists any more: the historical path says what was fixed.
    assert_eq!(by_title["fix leak in gone"].paths, ["src/gone.rs"]);
    let validate = repo.run(&["validate"]);
    assert_eq!(validate.code, 0, "{}", validate.snapshot());
    assert_eq!(
        validate.stderr.matches("matches no file").count()
            + validate.stdout.matches("matches no file").count(),
        1,
        "{}",
        validate.snapshot()
    );
}

#[test]
fn import_warns_once_and_leaves_out_non_utf8_paths() {
    use std::os::unix::ffi::OsStrExt;
    let mut repo = TestRepo::new();
    repo.commit_files("Add code", &[("src/a.rs", "a\n")]);
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.rs");
    std::fs::write(repo.path().join(name), "x\n").unwrap();
    repo.commit("Add the cafe");
    std::fs::write(repo.path().join(name), "y\n").unwrap();
    repo.commit_files("fix crash in cafe", &[("src/a.rs", "a1\n")]);
    let out = repo.run(&["import", "commits"]);
    assert_eq!(out.code, 0, "{}", out.snapshot());
    assert_eq!(
        out.stderr.matches("not UTF-8").count(),
        1,
        "{}",
        out.snapshot()
    );
    let notes = notes(&repo);
    let note = &notes.values().next().unwrap().1;
    assert_eq!(note.paths, ["src/a.rs"]);
}

/// Guards: two fix commits of one ticket whose author dates run backwards (the later commit
/// authored first, as after a rebase) made a note resolved before it was opened; every other
/// command skipped that note, so each `import` wrote another copy of it.
#[test]
fn a_ticket_whose_fixes_were_authored_out_of_order_imports_once_and_validates() {
    let mut repo = TestRepo::new();
    repo.commit_files("Add parser", &[("src/parser.rs", "fn parse() {}\n")]);
    repo.commit_files(
        "Fix overflow in parser (#12)",
        &[("src/parser.rs", "fn parse() { 1 }\n")],
    );
    repo.write("src/parser.rs", "fn parse() { 2 }\n");
    repo.git(&["add", "-A"]);
    // Authored three days before the commit above.
    repo.git(&[
        "commit",
        "-q",
        "-m",
        "parser: handle empty input (#12)",
        &format!("--date=@{} +0000", EPOCH - 3 * 86_400),
    ]);
    let first = repo.run(&["import", "commits"]);
    assert_eq!(first.code, 0, "{}", first.snapshot());
    assert_eq!(first.stdout.lines().count(), 1, "{}", first.snapshot());
    let validate = repo.run(&["validate"]);
    assert_eq!(validate.code, 0, "{}", validate.snapshot());
    let again = repo.run(&["import", "commits"]);
    assert_eq!(again.code, 0, "{}", again.snapshot());
    assert_eq!(again.stdout, "", "{}", again.snapshot());

    // A note left invalid (by hand, or by an older version) is still known to cover them.
    let id = first.stdout.trim();
    let file = format!(".incidents/{id}.yaml");
    let text = repo.read(&file);
    let broken: String = text
        .lines()
        .map(|l| {
            if l.starts_with("opened:") {
                "opened: 2030-01-01T00:00:00Z\n".to_string()
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    assert_ne!(broken, text);
    repo.write(&file, &broken);
    let skipped = repo.run(&["import", "commits"]);
    assert!(skipped.stderr.contains(&file), "{}", skipped.snapshot());
    assert_eq!(skipped.stdout, "", "{}", skipped.snapshot());
}
