//! A second, untyped look at a note the typed parser refused. The typed parse stops at the
//! first problem; `validate` should report every one, so this walks the YAML as plain values
//! with their places and checks each known field on its own (enums, dates, types, numbers).

use super::Located;
use super::note::timestamp;
use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;

/// Any YAML value, with the place of every nested value.
#[derive(Debug)]
enum Any {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(String),
    Seq(Vec<Spanned<Any>>),
    Map(Vec<(String, Spanned<Any>)>),
}

impl<'de> Deserialize<'de> for Any {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(AnyVisitor)
    }
}

struct AnyVisitor;

impl<'de> Visitor<'de> for AnyVisitor {
    type Value = Any;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_unit<E>(self) -> Result<Any, E> {
        Ok(Any::Null)
    }
    fn visit_none<E>(self) -> Result<Any, E> {
        Ok(Any::Null)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Any, E> {
        Ok(Any::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Any, E> {
        Ok(Any::Int(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Any, E> {
        Ok(Any::Int(v.into()))
    }
    fn visit_i128<E>(self, v: i128) -> Result<Any, E> {
        Ok(Any::Int(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Any, E> {
        Ok(Any::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Any, E> {
        Ok(Any::Str(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Any, E> {
        Ok(Any::Str(v))
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Any, D::Error> {
        Any::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Any, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Spanned<Any>>()? {
            items.push(item);
        }
        Ok(Any::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Any, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value::<Spanned<Any>>()?;
            entries.push((key, value));
        }
        Ok(Any::Map(entries))
    }
}

fn place(v: &Spanned<Any>) -> (u64, u64) {
    (v.referenced.line().max(1), v.referenced.column().max(1))
}

/// The text of a scalar, as a reader that tolerates plain values takes it.
fn scalar_text(v: &Any) -> Option<String> {
    match v {
        Any::Str(s) => Some(s.clone()),
        Any::Int(i) => Some(i.to_string()),
        Any::Float(f) => Some(f.to_string()),
        Any::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Every problem the untyped walk finds; the typed error is kept when the walk finds
/// nothing on its line (or cannot read the YAML at all).
pub fn problems(text: &str, typed: Located) -> Vec<Located> {
    let Ok(root) = super::parse::parse::<Spanned<Any>>(text) else {
        return vec![typed];
    };
    let mut out = Vec::new();
    let Any::Map(fields) = &root.value else {
        return vec![typed];
    };
    let mut walk = Walk { out: &mut out };
    for required in ["version", "title", "status"] {
        if !fields.iter().any(|(k, _)| k == required) {
            walk.out.push(
                Located::new(1, 1, format!("the note has no `{required}`"))
                    .hint("add the field (see docs/notes.md)"),
            );
        }
    }
    for (key, value) in fields {
        walk.field(key, value);
    }
    if !out.iter().any(|p| p.line == typed.line) {
        out.push(typed);
    }
    out.sort_by_key(|p| (p.line, p.column));
    out
}

struct Walk<'a> {
    out: &'a mut Vec<Located>,
}

const STATUS: &[&str] = &["open", "investigating", "resolved", "wontfix"];
const SEVERITY: &[&str] = &["sev1", "sev2", "sev3", "sev4"];
const TIER: &[&str] = &["L1", "L2", "L3"];
const CONFIDENCE: &[&str] = &["confirmed", "suggested"];
const SOURCE: &[&str] = &["manual", "commit", "github"];

impl Walk<'_> {
    fn push(&mut self, v: &Spanned<Any>, message: String, hint: &str) {
        let (line, column) = place(v);
        self.out
            .push(Located::new(line, column, message).hint(hint));
    }

    fn field(&mut self, key: &str, v: &Spanned<Any>) {
        match key {
            "version" if !matches!(v.value, Any::Int(_)) => {
                self.push(v, "version must be a number".into(), "write `version: 1`");
            }
            "id" | "title" | "root_cause" | "fix" | "repeat_of" | "resolved_with"
            | "imported_from" => self.text(key, v),
            "status" => self.one_of(key, v, STATUS),
            "severity" => self.one_of(key, v, SEVERITY),
            "tier" => self.one_of(key, v, TIER),
            "source" => self.one_of(key, v, SOURCE),
            "opened" | "resolved" => self.date(key, v),
            "paths" | "symptoms" | "tags" | "links" => self.text_list(key, v),
            "commits" => self.map(key, v, |w, k, v| match k {
                "fixed_by" | "introduced_by" => w.text_list(&format!("commits.{k}"), v),
                "introduced_confidence" => w.one_of("commits.introduced_confidence", v, CONFIDENCE),
                _ => {}
            }),
            "investigation" => self.map(key, v, |w, k, v| match k {
                "hours" => w.hours(v),
                "escalations" => match &v.value {
                    Any::Seq(items) => {
                        for item in items {
                            w.one_of("investigation.escalations", item, TIER);
                        }
                    }
                    _ => w.push(
                        v,
                        "investigation.escalations must be a list".into(),
                        LIST_HINT,
                    ),
                },
                _ => {}
            }),
            "environment" => self.map(key, v, |w, k, v| w.text(&format!("environment.{k}"), v)),
            _ => {}
        }
    }

    fn text(&mut self, key: &str, v: &Spanned<Any>) {
        if matches!(v.value, Any::Seq(_) | Any::Map(_)) {
            self.push(
                v,
                format!("{key} must be text, not a list or mapping"),
                "write the value on the key's line; quote text that contains `: `",
            );
        }
    }

    fn one_of(&mut self, key: &str, v: &Spanned<Any>, allowed: &[&str]) {
        let text = scalar_text(&v.value);
        if text.as_deref().is_some_and(|t| allowed.contains(&t)) {
            return;
        }
        let shown = text.map_or_else(|| "a list or mapping".to_string(), |t| format!("`{t}`"));
        self.push(
            v,
            format!("{key}: {shown} is not one of {}", allowed.join(", ")),
            "use one of the values the message lists",
        );
    }

    fn date(&mut self, key: &str, v: &Spanned<Any>) {
        match scalar_text(&v.value) {
            Some(t) => {
                if let Err(message) = timestamp::parse(&t) {
                    self.push(
                        v,
                        format!("{key}: {message}"),
                        "write dates as 2026-09-14T08:12:00Z or 2026-09-14",
                    );
                }
            }
            None if matches!(v.value, Any::Null) => {}
            None => self.push(v, format!("{key} must be a date"), "write 2026-09-14"),
        }
    }

    fn text_list(&mut self, key: &str, v: &Spanned<Any>) {
        match &v.value {
            Any::Seq(items) => {
                for item in items {
                    self.text(key, item);
                }
            }
            // A single value reads as a list of one (see `note::one_or_many`).
            Any::Null | Any::Str(_) | Any::Int(_) | Any::Float(_) | Any::Bool(_) => {}
            Any::Map(_) => self.push(v, format!("{key} must be a list"), LIST_HINT),
        }
    }

    fn hours(&mut self, v: &Spanned<Any>) {
        let ok = match v.value {
            Any::Int(i) => i >= 0,
            Any::Float(f) => f.is_finite() && f >= 0.0,
            Any::Null => true,
            _ => false,
        };
        if !ok {
            self.push(
                v,
                "investigation.hours must be a number of hours of 0 or more".into(),
                "write the hours spent, like 6.5",
            );
        }
    }

    fn map(
        &mut self,
        key: &str,
        v: &Spanned<Any>,
        mut each: impl FnMut(&mut Self, &str, &Spanned<Any>),
    ) {
        match &v.value {
            Any::Map(entries) => {
                for (k, value) in entries {
                    each(self, k, value);
                }
            }
            Any::Null => {}
            _ => self.push(
                v,
                format!("{key} must be a mapping"),
                "write `key: value` lines indented under it",
            ),
        }
    }
}

const LIST_HINT: &str = "write `- item` lines under the key, or [a, b]";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validate_reports_every_bad_value_of_a_note_not_only_the_first() {
        let text = "version: 1\nid: \"aaaa0002\"\ntitle: x\nstatus: closed\nseverity: sev9\n\
                    tier: L7\nopened: 2026-13-45\nresolved: yesterday\n";
        let typed = super::super::parse::parse_note(text).unwrap_err();
        let found = problems(text, typed);
        let lines: Vec<u64> = found.iter().map(|p| p.line).collect();
        assert_eq!(lines, vec![4, 5, 6, 7, 8], "{found:#?}");
    }
}
