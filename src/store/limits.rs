//! Limits on what one note may hold, beyond the parser's byte and alias budgets: every path
//! is compiled into a glob by `hotspots`, `check` and `report`, so a hostile note with tens of
//! thousands of long brace-and-star globs would cost gigabytes. Real notes name a handful of
//! paths and a few symptoms; the caps are far above that.

use super::Note;

/// Paths and globs per note.
pub const MAX_PATHS: usize = 200;
/// Characters in one plain path.
pub const MAX_PATH_LEN: usize = 512;
/// Characters in one glob (a path with `*`, `?`, `[` or `{`): a compiled glob's memory grows
/// with its length (4,000 globs of 500 characters took 1.8 GB in `hotspots`; of 128, 270 MB).
pub const MAX_GLOB_LEN: usize = 128;
/// Symptoms per note.
pub const MAX_SYMPTOMS: usize = 100;
/// Bytes in one symptom (a long stack trace fits).
pub const MAX_SYMPTOM_BYTES: usize = 64 * 1024;

/// The first limit the note is over, as a message; `None` when it is within them all.
pub fn exceeded(note: &Note) -> Option<String> {
    if let Some(glob) = note
        .paths
        .iter()
        .find(|p| p.contains(['*', '?', '[', '{']) && p.chars().count() > MAX_GLOB_LEN)
    {
        return Some(format!(
            "a glob of {} characters (at most {MAX_GLOB_LEN})",
            glob.chars().count()
        ));
    }
    exceeded_counts(
        note.paths.len(),
        note.paths.iter().map(|p| p.chars().count()).max(),
        note.symptoms.len(),
        note.symptoms.iter().map(String::len).max(),
    )
}

/// Trims a note made by a program (an import) to the limits, so that it can be written and
/// read back: over-long paths are dropped, then the first `MAX_PATHS` kept; symptoms likewise,
/// each cut at `MAX_SYMPTOM_BYTES`. A sweeping fix commit touching 500 files keeps 200.
/// Returns true when something was trimmed.
pub fn fit(note: &mut Note) -> bool {
    let before = (note.paths.len(), note.symptoms.clone());
    note.paths.retain(|p| {
        let len = p.chars().count();
        if p.contains(['*', '?', '[', '{']) {
            len <= MAX_GLOB_LEN
        } else {
            len <= MAX_PATH_LEN
        }
    });
    note.paths.truncate(MAX_PATHS);
    note.symptoms.truncate(MAX_SYMPTOMS);
    for s in &mut note.symptoms {
        if s.len() > MAX_SYMPTOM_BYTES {
            let mut cut = MAX_SYMPTOM_BYTES;
            while !s.is_char_boundary(cut) {
                cut -= 1;
            }
            s.truncate(cut);
        }
    }
    before.0 != note.paths.len() || before.1 != note.symptoms
}

/// The check on plain counts, shared with `validate`'s per-field report.
pub fn exceeded_counts(
    paths: usize,
    longest_path: Option<usize>,
    symptoms: usize,
    longest_symptom: Option<usize>,
) -> Option<String> {
    if paths > MAX_PATHS {
        return Some(format!("{paths} paths (at most {MAX_PATHS})"));
    }
    if let Some(len) = longest_path.filter(|&l| l > MAX_PATH_LEN) {
        return Some(format!(
            "a path of {len} characters (at most {MAX_PATH_LEN})"
        ));
    }
    if symptoms > MAX_SYMPTOMS {
        return Some(format!("{symptoms} symptoms (at most {MAX_SYMPTOMS})"));
    }
    if let Some(len) = longest_symptom.filter(|&l| l > MAX_SYMPTOM_BYTES) {
        return Some(format!(
            "a symptom of {} KiB (at most {} KiB)",
            len.div_ceil(1024),
            MAX_SYMPTOM_BYTES / 1024
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_refuse_many_paths_long_globs_and_huge_symptoms() {
        assert!(exceeded_counts(MAX_PATHS, Some(MAX_PATH_LEN), 1, Some(10)).is_none());
        assert!(exceeded_counts(MAX_PATHS + 1, Some(3), 0, None).is_some());
        assert!(exceeded_counts(1, Some(MAX_PATH_LEN + 1), 0, None).is_some());
        assert!(exceeded_counts(0, None, MAX_SYMPTOMS + 1, None).is_some());
        assert!(exceeded_counts(0, None, 1, Some(MAX_SYMPTOM_BYTES + 1)).is_some());
    }

    #[test]
    fn fit_trims_an_imported_note_to_what_can_be_read_back() {
        let mut note: Note = crate::store::parse::parse_note(
            "version: 1\nid: \"aaaa0001\"\ntitle: x\nstatus: open\n",
        )
        .unwrap();
        note.paths = (0..500).map(|i| format!("src/f{i}.rs")).collect();
        note.paths.insert(0, "a".repeat(MAX_PATH_LEN + 1));
        note.symptoms = vec!["é".repeat(MAX_SYMPTOM_BYTES)];
        assert!(fit(&mut note));
        assert!(exceeded(&note).is_none());
        assert_eq!(note.paths[0], "src/f0.rs");
        assert_eq!(note.paths.len(), MAX_PATHS);
        assert!(!fit(&mut note));
    }
}
