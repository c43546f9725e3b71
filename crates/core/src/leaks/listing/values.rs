//! Timestamps and sizes as the listing tools print them.
//!
//! Calendar math comes from the `time` crate (its `parsing` feature, no `std`, no time zone
//! database: a few KB of wasm) rather than from hand-written code: RFC 3339 with any offset and
//! fraction is its `Rfc3339` format, and the fixed `YYYY-MM-DD HH:MM:SS` of `aws s3 ls` is read
//! digit by digit (millions of lines) and handed to `time::Date` for the day count.

use time::format_description::well_known::Rfc3339;
use time::{Date, Month, OffsetDateTime};

/// Two ASCII digits at `b[i..i + 2]`.
fn two(b: &[u8], i: usize) -> Option<u32> {
    let (x, y) = (*b.get(i)?, *b.get(i + 1)?);
    (x.is_ascii_digit() && y.is_ascii_digit())
        .then(|| u32::from(x - b'0') * 10 + u32::from(y - b'0'))
}

/// Whether `b` starts with the shape `YYYY-MM-DD?HH:MM:SS` (`?` = `sep`), digits unchecked for
/// range: the shape says which tool printed the line, the range whether its time is valid.
pub(crate) fn has_datetime_shape(b: &[u8], sep: u8) -> bool {
    const SHAPE: &[u8; 19] = b"0000-00-00?00:00:00";
    b.len() >= 19
        && SHAPE.iter().zip(b).all(|(s, c)| match s {
            b'0' => c.is_ascii_digit(),
            b'?' => *c == sep,
            _ => c == s,
        })
}

/// `YYYY-MM-DD?HH:MM:SS` (any one separator) as ms since the epoch, the time read as UTC.
pub(crate) fn datetime_ms(b: &[u8]) -> Option<i64> {
    if b.len() < 19 {
        return None;
    }
    let year = two(b, 0)? * 100 + two(b, 2)?;
    let month = Month::try_from(two(b, 5)? as u8).ok()?;
    let date = Date::from_calendar_date(year as i32, month, two(b, 8)? as u8).ok()?;
    let (h, m, s) = (two(b, 11)?, two(b, 14)?, two(b, 17)?);
    // A leap second (:60) is what RFC 3339 allows too; it reads as the next second.
    if h > 23 || m > 59 || s > 60 {
        return None;
    }
    // Julian day 2440588 is 1970-01-01.
    let days = i64::from(date.to_julian_day()) - 2_440_588;
    Some(((days * 24 + i64::from(h)) * 60 + i64::from(m)) * 60_000 + i64::from(s) * 1000)
}

/// An RFC 3339 time (`2023-03-01T12:34:56Z`, `...56.789+01:00`) as ms since the epoch.
pub(crate) fn rfc3339_ms(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    // The common exact-second UTC form (gcloud, gsutil) without a general parse.
    if b.len() == 20 && b[19] == b'Z' && has_datetime_shape(b, b'T') {
        return datetime_ms(b);
    }
    let t = OffsetDateTime::parse(s, &Rfc3339).ok()?;
    i64::try_from(t.unix_timestamp_nanos().div_euclid(1_000_000)).ok()
}

/// A size as printed: plain bytes (`1234`), or rounded with a unit (`1.2 KiB`, `3 Bytes`,
/// `1.27GiB`, `8.7KiB`). Returns the bytes and whether they are approximate (any unit above a
/// byte: the tools print one or two decimals of it).
pub(crate) fn parse_size(s: &str) -> Option<(i64, bool)> {
    let s = s.trim();
    let digits = s
        .bytes()
        .take_while(|c| c.is_ascii_digit() || *c == b'.')
        .count();
    let (number, unit) = s.split_at(digits);
    if number.is_empty() || number.starts_with('.') || number.ends_with('.') {
        return None;
    }
    let unit = unit.trim_start();
    if unit.is_empty() {
        return if number.contains('.') {
            None
        } else {
            number.parse::<i64>().ok().map(|n| (n, false))
        };
    }
    let scale: f64 = match unit.to_ascii_lowercase().as_str() {
        "b" | "byte" | "bytes" => 1.0,
        "kib" => 1024.0,
        "mib" => 1024f64.powi(2),
        "gib" => 1024f64.powi(3),
        "tib" => 1024f64.powi(4),
        "pib" => 1024f64.powi(5),
        "eib" => 1024f64.powi(6),
        "kb" => 1e3,
        "mb" => 1e6,
        "gb" => 1e9,
        "tb" => 1e12,
        "pb" => 1e15,
        _ => return None,
    };
    if scale == 1.0 {
        // "3 Bytes" is exact.
        return number.parse::<i64>().ok().map(|n| (n, false));
    }
    let value = number.parse::<f64>().ok()? * scale;
    (value.is_finite() && value < 9.2e18).then(|| (value.round() as i64, true))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times() {
        assert_eq!(datetime_ms(b"1970-01-01 00:00:00"), Some(0));
        assert_eq!(datetime_ms(b"2023-03-01 12:34:56"), Some(1_677_674_096_000));
        assert_eq!(datetime_ms(b"2023-02-29 12:34:56"), None);
        assert_eq!(datetime_ms(b"2023-03-01 24:00:00"), None);
        assert_eq!(rfc3339_ms("2023-03-01T12:34:56Z"), Some(1_677_674_096_000));
        assert_eq!(
            rfc3339_ms("2023-03-01T12:34:56.789Z"),
            Some(1_677_674_096_789)
        );
        assert_eq!(
            rfc3339_ms("2023-03-01T13:34:56+01:00"),
            Some(1_677_674_096_000)
        );
        assert_eq!(rfc3339_ms("1969-12-31T23:59:59.5Z"), Some(-500));
        assert_eq!(rfc3339_ms("yesterday"), None);
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("1234"), Some((1234, false)));
        assert_eq!(parse_size("3 Bytes"), Some((3, false)));
        assert_eq!(parse_size("1 Byte"), Some((1, false)));
        assert_eq!(parse_size("1.2 KiB"), Some((1229, true)));
        assert_eq!(parse_size("1.27GiB"), Some((1_363_652_116, true)));
        assert_eq!(parse_size("8.7KiB"), Some((8909, true)));
        assert_eq!(parse_size("0 B"), Some((0, false)));
        for bad in ["", "1.", ".5 KiB", "1.5", "12 apples", "-3", "1e3"] {
            assert_eq!(parse_size(bad), None, "{bad}");
        }
    }
}
