//! Summary statistics over hours: count, total, median and p90.
//!
//! Percentiles use the nearest-rank method on the sorted values: the p-th percentile is the
//! value at rank `ceil(p/100 * n)` (1-based), so it is always one of the observed values and
//! needs no interpolation. The median is the usual one: the middle value, or the mean of the
//! two middle values when n is even. With no values, both are null.

use serde::Serialize;

/// Hours over a group of incidents.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Stats {
    /// Incidents in the group.
    pub count: usize,
    /// Incidents in the group with a value (hours recorded, or opened and resolved).
    pub measured: usize,
    pub total_hours: f64,
    pub median_hours: Option<f64>,
    pub p90_hours: Option<f64>,
}

impl Stats {
    /// Statistics of `values`, each one incident.
    pub fn of(values: &[f64]) -> Stats {
        Stats::of_members(values.len(), values)
    }

    /// Statistics of `values` for a group of `count` incidents, some without a value.
    pub fn of_members(count: usize, values: &[f64]) -> Stats {
        let mut sorted: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
        sorted.sort_by(f64::total_cmp);
        Stats {
            count,
            measured: sorted.len(),
            total_hours: round(sorted.iter().sum(), 2),
            median_hours: median(&sorted).map(|v| round(v, 2)),
            p90_hours: percentile(&sorted, 90.0).map(|v| round(v, 2)),
        }
    }
}

/// Median of sorted values.
pub fn median(sorted: &[f64]) -> Option<f64> {
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2]),
        _ => Some((sorted[n / 2 - 1] + sorted[n / 2]) / 2.0),
    }
}

/// Nearest-rank percentile of sorted values.
pub fn percentile(sorted: &[f64], p: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted.get(rank.clamp(1, sorted.len()) - 1).copied()
}

/// `x` rounded to `digits` decimals (numbers in reports are for reading, not for more math).
pub fn round(x: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    // `+ 0.0` turns the `-0.0` of an empty float sum into `0`.
    (x * f).round() / f + 0.0
}

/// Hours from `a` to `b`, when `b` is not before `a`.
pub fn hours_between(a: jiff::Timestamp, b: jiff::Timestamp) -> Option<f64> {
    let secs = b.as_second() - a.as_second();
    (secs >= 0).then(|| secs as f64 / 3600.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles_and_median() {
        let v: Vec<f64> = (1..=10).map(f64::from).collect();
        assert_eq!(percentile(&v, 90.0), Some(9.0));
        assert_eq!(median(&v), Some(5.5));
        assert_eq!(percentile(&[4.0], 90.0), Some(4.0));
        assert_eq!(median(&[1.0, 2.0, 10.0]), Some(2.0));
        let v: Vec<f64> = (1..=11).map(f64::from).collect();
        assert_eq!(percentile(&v, 90.0), Some(10.0));
    }

    #[test]
    fn no_values_give_nulls_not_zeros() {
        let s = Stats::of_members(3, &[]);
        assert_eq!(s.count, 3);
        assert_eq!(s.measured, 0);
        assert_eq!(s.median_hours, None);
        assert_eq!(s.p90_hours, None);
    }
}
