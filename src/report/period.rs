//! Report periods: `--quarter YYYYQn` or `--since DATE [--until DATE]`, as half-open UTC
//! intervals `[since, until)`, and the period before one, for trends.

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;

/// Errors in the period flags; the CLI turns each into exit 2 with a hint.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    #[error("`{0}` is not a quarter")]
    BadQuarter(String),
    #[error("`{value}` given to {flag} is not a date")]
    BadDate { flag: &'static str, value: String },
    #[error("the period is empty: --since {since} is not before --until {until}")]
    Empty { since: String, until: String },
}

impl PeriodError {
    pub fn hint(&self) -> &'static str {
        match self {
            PeriodError::BadQuarter(_) => "write the quarter as YYYYQn, for example 2026Q3",
            PeriodError::BadDate { .. } => {
                "write a date as 2026-07-01 or a time as 2026-07-01T08:00:00Z"
            }
            PeriodError::Empty { .. } => "give a --since earlier than --until",
        }
    }
}

/// How a period was given: a calendar quarter, the current quarter up to now, or explicit
/// bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Quarter {
        year: i16,
        quarter: u8,
    },
    /// The quarter in progress, cut at `until` (now); `end` is where the quarter will end.
    QuarterToDate {
        year: i16,
        quarter: u8,
        end: Timestamp,
    },
    Range,
}

/// `[since, until)` in UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub since: Timestamp,
    pub until: Timestamp,
    pub kind: Kind,
}

impl Period {
    /// Parse `2026Q3` (also `2026q3`, `2026-Q3`).
    pub fn quarter(text: &str) -> Result<Period, PeriodError> {
        let bad = || PeriodError::BadQuarter(text.to_string());
        let t = text.trim().to_ascii_uppercase();
        let (year, q) = t.split_once('Q').ok_or_else(bad)?;
        let year = year.strip_suffix('-').unwrap_or(year);
        if year.len() != 4 || q.len() != 1 {
            return Err(bad());
        }
        let year: i16 = year.parse().map_err(|_| bad())?;
        let quarter: u8 = q.parse().map_err(|_| bad())?;
        if !(1..=4).contains(&quarter) || !(1000..=9998).contains(&year) {
            return Err(bad());
        }
        Period::of_quarter(year, quarter).ok_or_else(bad)
    }

    fn of_quarter(year: i16, quarter: u8) -> Option<Period> {
        let start = Date::new(year, (quarter as i8 - 1) * 3 + 1, 1).ok()?;
        let (ny, nq) = if quarter == 4 {
            (year + 1, 1)
        } else {
            (year, quarter + 1)
        };
        let end = Date::new(ny, (nq as i8 - 1) * 3 + 1, 1).ok()?;
        Some(Period {
            since: midnight(start)?,
            until: midnight(end)?,
            kind: Kind::Quarter { year, quarter },
        })
    }

    /// The quarter containing `now`.
    pub fn quarter_of(now: Timestamp) -> Option<Period> {
        let date = now.to_zoned_datetime(TimeZone::UTC).date();
        Period::of_quarter(date.year(), ((date.month() - 1) / 3 + 1) as u8)
    }

    /// `--since` and `--until` (until defaults to `now`). A bare date for `--until` means the
    /// end of that day, so `--until 2026-09-30` includes the 30th.
    pub fn between(
        since: &str,
        until: Option<&str>,
        now: Timestamp,
    ) -> Result<Period, PeriodError> {
        let since_ts = parse_date(since, false).ok_or_else(|| PeriodError::BadDate {
            flag: "--since",
            value: since.to_string(),
        })?;
        let until_ts = match until {
            Some(u) => parse_date(u, true).ok_or_else(|| PeriodError::BadDate {
                flag: "--until",
                value: u.to_string(),
            })?,
            None => now,
        };
        if since_ts >= until_ts {
            // The values as typed: `until` shown as the next midnight would confuse.
            return Err(PeriodError::Empty {
                since: since.trim().to_string(),
                until: until
                    .map_or_else(|| format!("now ({})", day(now)), |u| u.trim().to_string()),
            });
        }
        Ok(Period {
            since: since_ts,
            until: until_ts,
            kind: Kind::Range,
        })
    }

    /// `--until` alone: the quarter (three calendar months) that ends there.
    pub fn quarter_until(until: &str) -> Result<Period, PeriodError> {
        let bad = || PeriodError::BadDate {
            flag: "--until",
            value: until.to_string(),
        };
        let until_ts = parse_date(until, true).ok_or_else(bad)?;
        let since = until_ts
            .to_zoned_datetime(TimeZone::UTC)
            .checked_sub(jiff::Span::new().months(3))
            .map_err(|_| bad())?
            .timestamp();
        Ok(Period {
            since,
            until: until_ts,
            kind: Kind::Range,
        })
    }

    /// This period as it stands at `now`: a quarter in progress is cut at `now` (and
    /// labelled to date); others are unchanged.
    pub fn as_of(self, now: Timestamp) -> Period {
        match self.kind {
            Kind::Quarter { year, quarter } if self.since <= now && now < self.until => Period {
                since: self.since,
                // Whole seconds, like every other bound.
                until: Timestamp::from_second(now.as_second()).unwrap_or(now),
                kind: Kind::QuarterToDate {
                    year,
                    quarter,
                    end: self.until,
                },
            },
            _ => self,
        }
    }

    /// Whether the period starts after `now`.
    pub fn not_started(&self, now: Timestamp) -> bool {
        self.since > now
    }

    /// The period before this one: the previous calendar quarter for a quarter; for a
    /// quarter to date, the previous quarter cut to as many days, so that the two compare
    /// like with like; else the period of the same length that ends where this one starts.
    pub fn previous(&self) -> Period {
        if let Kind::QuarterToDate { year, quarter, .. } = self.kind
            && let Some(p) = Period::of_quarter(year, quarter).map(|q| q.previous_quarter())
        {
            let len = self.until.as_second() - self.since.as_second();
            let until = Timestamp::from_second(p.since.as_second() + len).unwrap_or(p.until);
            return Period {
                since: p.since,
                until: until.min(p.until),
                kind: Kind::Range,
            };
        }
        if let Kind::Quarter { .. } = self.kind {
            return self.previous_quarter();
        }
        let len = self.until.as_second() - self.since.as_second();
        Period {
            since: Timestamp::from_second(self.since.as_second() - len).unwrap_or(Timestamp::MIN),
            until: self.since,
            kind: Kind::Range,
        }
    }

    fn previous_quarter(&self) -> Period {
        if let Kind::Quarter { year, quarter } = self.kind {
            let (py, pq) = if quarter == 1 {
                (year - 1, 4)
            } else {
                (year, quarter - 1)
            };
            if let Some(p) = Period::of_quarter(py, pq) {
                return p;
            }
        }
        let len = self.until.as_second() - self.since.as_second();
        Period {
            since: Timestamp::from_second(self.since.as_second() - len).unwrap_or(Timestamp::MIN),
            until: self.since,
            kind: Kind::Range,
        }
    }

    pub fn contains(&self, t: Timestamp) -> bool {
        self.since <= t && t < self.until
    }

    /// For a quarter to date: (whole days elapsed, days in the whole quarter).
    pub fn to_date_days(&self) -> Option<(i64, i64)> {
        let Kind::QuarterToDate { end, .. } = self.kind else {
            return None;
        };
        // Today counts as a day begun: on 2026-12-03, 2026Q4 is 64 of 92 days in.
        let elapsed = (self.until.as_second() - self.since.as_second() + 86_399) / 86_400;
        let total = (end.as_second() - self.since.as_second()) / 86_400;
        Some((elapsed, total))
    }

    /// Length in days (fractional).
    pub fn days(&self) -> f64 {
        (self.until.as_second() - self.since.as_second()) as f64 / 86_400.0
    }

    /// `2026Q3`, `2026Q4 to date`, or `2026-07-01 to 2026-09-30` (the last day included).
    pub fn label(&self) -> String {
        match self.kind {
            Kind::Quarter { year, quarter } => format!("{year}Q{quarter}"),
            Kind::QuarterToDate { year, quarter, .. } => format!("{year}Q{quarter} to date"),
            Kind::Range => {
                let last = Timestamp::from_second(self.until.as_second() - 1).unwrap_or(self.until);
                format!("{} to {}", day(self.since), day(last))
            }
        }
    }
}

fn midnight(date: Date) -> Option<Timestamp> {
    date.to_zoned_datetime(TimeZone::UTC)
        .ok()
        .map(|z| z.timestamp())
}

fn day(t: Timestamp) -> String {
    t.to_zoned_datetime(TimeZone::UTC).date().to_string()
}

/// A date (`2026-07-01`, midnight UTC, or the next midnight with `end_of_day`) or an RFC 3339
/// time.
pub fn parse_date(text: &str, end_of_day: bool) -> Option<Timestamp> {
    let text = text.trim();
    if let Ok(t) = text.parse::<Timestamp>() {
        return Some(t);
    }
    if text.len() != 10 {
        return None;
    }
    let date: Date = text.parse().ok()?;
    let date = if end_of_day {
        date.tomorrow().ok()?
    } else {
        date
    };
    midnight(date)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarters_parse_and_have_a_predecessor() {
        let q = Period::quarter("2026Q3").unwrap();
        assert_eq!(q.since.to_string(), "2026-07-01T00:00:00Z");
        assert_eq!(q.until.to_string(), "2026-10-01T00:00:00Z");
        assert_eq!(q.label(), "2026Q3");
        let p = Period::quarter("2026q1").unwrap().previous();
        assert_eq!(p.label(), "2025Q4");
        assert_eq!(p.until.to_string(), "2026-01-01T00:00:00Z");
        assert_eq!(
            Period::quarter("2026-Q4").unwrap().until.to_string(),
            "2027-01-01T00:00:00Z"
        );
    }

    #[test]
    fn bad_quarters_are_errors() {
        for bad in [
            "2026Q5", "2026Q0", "26Q1", "2026", "Q3", "2026Q3x", "abcdQ1", "",
        ] {
            assert!(Period::quarter(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn ranges_include_the_until_day() {
        let now = "2030-01-01T00:00:00Z".parse().unwrap();
        let p = Period::between("2026-07-01", Some("2026-07-31"), now).unwrap();
        assert_eq!(p.until.to_string(), "2026-08-01T00:00:00Z");
        assert_eq!(p.label(), "2026-07-01 to 2026-07-31");
        assert_eq!(p.previous().since.to_string(), "2026-05-31T00:00:00Z");
        assert!(Period::between("2026-08-01", Some("2026-07-01"), now).is_err());
        assert!(Period::between("July", None, now).is_err());
        assert_eq!(Period::between("2029-12-01", None, now).unwrap().until, now);
    }

    #[test]
    fn the_quarter_in_progress_is_to_date_and_compared_like_with_like() {
        let now: Timestamp = "2026-12-03T18:00:00Z".parse().unwrap();
        let q = Period::quarter("2026Q4").unwrap().as_of(now);
        assert_eq!(q.label(), "2026Q4 to date");
        assert_eq!(q.until, now);
        assert_eq!(q.to_date_days(), Some((64, 92)));
        let p = q.previous();
        assert_eq!(p.since.to_string(), "2026-07-01T00:00:00Z");
        assert_eq!(p.until.to_string(), "2026-09-02T18:00:00Z");
        // Past and future quarters are left whole.
        assert_eq!(
            Period::quarter("2026Q3").unwrap().as_of(now).label(),
            "2026Q3"
        );
        let future = Period::quarter("2027Q1").unwrap().as_of(now);
        assert!(future.not_started(now));
        assert_eq!(future.to_date_days(), None);
    }

    #[test]
    fn until_alone_is_the_quarter_before_it() {
        let p = Period::quarter_until("2026-06-30").unwrap();
        assert_eq!(p.since.to_string(), "2026-04-01T00:00:00Z");
        assert_eq!(p.until.to_string(), "2026-07-01T00:00:00Z");
    }

    #[test]
    fn an_empty_range_error_shows_the_dates_as_typed() {
        let now = "2030-01-01T00:00:00Z".parse().unwrap();
        let e = Period::between("2026-06-01", Some("2026-01-01"), now).unwrap_err();
        assert_eq!(
            e.to_string(),
            "the period is empty: --since 2026-06-01 is not before --until 2026-01-01"
        );
    }
}
