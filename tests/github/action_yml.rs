//! action.yml cannot run here, so it is linted: it parses, every `${{ }}` expression names
//! only inputs and steps that exist, and it does not rely on context values that are empty in
//! composite actions (`github.action_repository`, `github.action_ref`).

use serde_json::Value;
use std::collections::BTreeSet;

fn action_yml() -> (String, Value) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("action.yml");
    let text = std::fs::read_to_string(path).unwrap();
    let value: Value = serde_saphyr::from_str(&text).unwrap();
    (text, value)
}

/// Every `${{ ... }}` expression in the file, outside comments.
fn expressions(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines().filter(|l| !l.trim_start().starts_with('#')) {
        let mut rest = line;
        while let Some(start) = rest.find("${{") {
            let Some(len) = rest[start..].find("}}") else {
                break;
            };
            out.push(rest[start + 3..start + len].trim().to_string());
            rest = &rest[start + len + 2..];
        }
    }
    out
}

fn names_after<'a>(expr: &'a str, prefix: &str) -> Vec<&'a str> {
    expr.match_indices(prefix)
        .map(|(i, _)| {
            let tail = &expr[i + prefix.len()..];
            let end = tail
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
                .unwrap_or(tail.len());
            &tail[..end]
        })
        .collect()
}

#[test]
fn action_yml_references_only_inputs_and_steps_that_exist() {
    let (text, yml) = action_yml();
    let inputs: BTreeSet<&str> = yml["inputs"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let steps = yml["runs"]["steps"].as_array().unwrap();
    let ids: BTreeSet<&str> = steps.iter().filter_map(|s| s["id"].as_str()).collect();
    let exprs = expressions(&text);
    assert!(exprs.len() > 10, "{exprs:?}");
    for expr in &exprs {
        for name in names_after(expr, "inputs.") {
            assert!(inputs.contains(name), "unknown input `{name}` in `{expr}`");
        }
        for name in names_after(expr, "steps.") {
            assert!(ids.contains(name), "unknown step `{name}` in `{expr}`");
        }
    }
    for input in &inputs {
        assert!(
            exprs.iter().any(|e| e.contains(&format!("inputs.{input}"))),
            "input `{input}` is never used"
        );
    }
}

#[test]
fn action_yml_does_not_rely_on_values_empty_in_composite_actions() {
    let (text, yml) = action_yml();
    assert_eq!(yml["runs"]["using"], "composite");
    for expr in expressions(&text) {
        assert!(
            !expr.contains("github.action_repository") && !expr.contains("github.action_ref"),
            "`{expr}` is empty in composite actions"
        );
    }
    assert_eq!(
        yml["inputs"]["release-repository"]["default"],
        "git-incident/git-incident"
    );
    assert!(text.contains("${{ github.action_path }}"));
    assert!(text.contains("GITHUB_ACTION_REPOSITORY:-$INPUT_RELEASE_REPOSITORY"));
    assert!(text.contains("${{ github.api_url }}"));
}
