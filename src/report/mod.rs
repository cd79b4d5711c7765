//! The quarterly report (DESIGN section 6).
