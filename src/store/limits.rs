//! Limits on what one note may hold, beyond the parser's byte and alias budgets: every path
//! is compiled into a glob by `hotspots`, `check` and `report`, so a hostile note with tens of
//! thousands of long brace-and-star globs would cost gigabytes. Real notes name a handful of
//! paths and a few symptoms; the caps are far above that.

use super::Note;

/// Paths and globs per note.
pub const MAX_PATHS: usize = 200;
/// Characters in one path or glob.
pub const MAX_PATH_LEN: usize = 512;
/// Symptoms per note.
pub const MAX_SYMPTOMS: usize = 100;
/// Bytes in one symptom (a long stack trace fits).
pub const MAX_SYMPTOM_BYTES: usize = 64 * 1024;

/// The first limit the note is over, as a message; `None` when it is within them all.
pub fn exceeded(note: &Note) -> Option<String> {
    exceeded_counts(
        note.paths.len(),
        note.paths.iter().map(|p| p.chars().count()).max(),
        note.symptoms.len(),
        note.symptoms.iter().map(String::len).max(),
    )
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
}
