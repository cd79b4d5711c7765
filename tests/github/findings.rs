//! What the Action says about its findings: annotations spread over files, unreadable base
//! notes named, bidi controls from note titles never posted.

use super::support::*;
use serde_json::{Value, json};

#[test]
fn action_spreads_annotations_over_files_at_most_3_per_file_first() {
    let gh = FakeGithub::start(false);
    let pr = pull_request(1, "x");
    // One file with 9 edited lines a fix wrote, five other flagged files.
    let mut files = vec![json!({
        "path": "src/hot.rs", "level": "high", "score": 9.0,
        "incidents": [{"id": "inc00000", "title": "x", "severity": "sev2"}],
        "fix_commits": 1,
        "lines": (0..9).map(|i| json!({"start": 10 * i + 1, "end": 10 * i + 2,
            "fix_commit": "a4c4f41a4c4f41a4c4f41a4c4f41a4c4f41a4c4f"})).collect::<Vec<Value>>(),
    })];
    for i in 0..5 {
        files.push(json!({
            "path": format!("src/other{i}.rs"), "level": "high", "score": 5.0,
            "incidents": [{"id": "inc00000", "title": "x", "severity": "sev2"}],
            "fix_commits": 1,
        }));
    }
    let result = json!({"base": pr.base, "head": pr.head, "risk": "high", "files": files});
    let path = pr.files.path().join("spread.json");
    std::fs::write(&path, result.to_string()).unwrap();
    let out = pr.action(&gh.uri(), Some(&path), &["--no-comment"]);
    assert_eq!(out.code, 0, "{}", out.snapshot());
    let on = |file: &str| {
        out.stdout
            .lines()
            .filter(|l| l.starts_with(&format!("::warning file={file},")))
            .count()
    };
    assert_eq!(warnings(&out), 10, "{}", out.stdout);
    for i in 0..5 {
        assert_eq!(on(&format!("src/other{i}.rs")), 1, "{}", out.stdout);
    }
    assert_eq!(on("src/hot.rs"), 5, "{}", out.stdout);
}

#[test]
fn action_names_unreadable_base_notes_in_the_summary_and_annotations() {
    let gh = FakeGithub::start(false);
    let pr = pull_request(1, "Checkout times out");
    // A second base commit whose note for src/mod0.rs is broken.
    let mut repo = pr.repo;
    repo.write(".incidents/broken01.yaml", "version: 1\nid: [broken\n");
    let base = repo.commit("a broken note");
    repo.write("src/mod0.rs", "fn f0() { h() }\n");
    let head = repo.commit("touch again");
    let pr = Pr {
        repo,
        base,
        head,
        files: pr.files,
    };
    let out = pr.action(&gh.uri(), None, &["--no-comment"]);
    assert_eq!(out.code, 0, "{}", out.snapshot());
    let summary = std::fs::read_to_string(pr.summary_path()).unwrap();
    assert!(
        summary.contains("1 note on the base commit could not be read")
            && summary.contains("broken01.yaml"),
        "{summary}"
    );
    assert!(
        out.stdout.contains(
            "::warning file=.incidents/broken01.yaml,title=git-incident%3A unreadable note"
        ),
        "{}",
        out.stdout
    );
}

#[test]
fn action_strips_bidi_controls_from_note_titles_in_the_comment() {
    let gh = FakeGithub::start(false);
    let pr = pull_request(1, "rtl \u{202E}evil\u{2066} title");
    let out = pr.action(
        &gh.uri(),
        Some(&pr.result(1, "rtl \u{202E}evil\u{2066} title")),
        &[],
    );
    assert_eq!(out.code, 0, "{}", out.snapshot());
    let body = &gh.ours()[0].body;
    assert!(body.contains("rtl evil title"), "{body}");
    assert!(!body.contains(['\u{202E}', '\u{2066}']));
    assert!(!out.stdout.contains('\u{202E}'), "{}", out.stdout);
}
