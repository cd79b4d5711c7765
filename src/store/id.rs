//! Note ids: 8 random characters from `[0-9a-z]`, made without coordination so that two
//! branches (or `import` making hundreds in one second) never pick the same one in practice
//! (36^8 ≈ 2.8e12 ids), and resolvable from any unique prefix like git object ids.
//!
//! Only `[0-9a-z]` is ever accepted as an id, on the command line or in a note, which is what
//! keeps every read and write inside `.incidents/`.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};

/// Length of a generated id.
pub const LEN: usize = 8;

const ALPHABET: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";

/// True when `s` is a well-formed id (or id prefix): 1 to 64 characters of `[0-9a-z]`.
pub fn is_valid(s: &str) -> bool {
    !s.is_empty() && s.len() <= 64 && s.bytes().all(|b| ALPHABET.contains(&b))
}

/// A fresh random id.
///
/// The randomness comes from std's `RandomState` (seeded from the OS once per process, then
/// varied per instance) mixed with the time, the process id and a counter, so ids made in the
/// same process, the same nanosecond or in two clones all differ.
pub fn generate() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    hasher.write_u32(std::process::id());
    if let Ok(d) = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        hasher.write_u128(d.as_nanos());
    }
    let mut bits = hasher.finish();
    let mut out = String::with_capacity(LEN);
    for _ in 0..LEN {
        // 64 bits give 12 base-36 digits; the slight modulo bias is irrelevant here.
        out.push(ALPHABET[(bits % 36) as usize] as char);
        bits /= 36;
    }
    out
}

/// The id named by a note file name (`k3f9x2ab.yaml`), if the name is a note's.
pub fn from_file_name(name: &str) -> Option<&str> {
    let stem = name.strip_suffix(".yaml")?;
    is_valid(stem).then_some(stem)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_ids_are_valid_and_distinct() {
        let ids: std::collections::HashSet<String> = (0..10_000).map(|_| generate()).collect();
        assert_eq!(ids.len(), 10_000);
        assert!(ids.iter().all(|id| id.len() == LEN && is_valid(id)));
    }

    #[test]
    fn path_like_ids_are_refused() {
        for bad in ["", "../x", "a/b", "ABC", "x.yaml", "..", "a b", "é"] {
            assert!(!is_valid(bad), "{bad:?}");
        }
        assert_eq!(from_file_name("config.yaml"), Some("config"));
        assert_eq!(from_file_name("abc.yml"), None);
    }
}
