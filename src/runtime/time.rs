//! Timestamps: the input formats of the schema language and the output layout
//! `YYYY-MM-DD HH:MM:SS.fffffffff` (UTC), the layout Athena/Glue read as a timestamp.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, Timelike, Utc};

use super::{layout, TimeFormat, Timestamp};

/// A timestamp value as it arrives: text, or a JSON number's text (only the unix formats accept
/// numbers).
#[derive(Debug, Clone, Copy)]
pub enum TimeInput<'a> {
    Text(&'a str),
    Number(&'a str),
}

/// Tries `formats` in order; the first that reads the whole value wins.
pub fn parse_timestamp(input: TimeInput<'_>, formats: &[TimeFormat]) -> Option<Timestamp> {
    formats
        .iter()
        .find_map(|format| parse_with_format(input, *format))
}

/// Reads `input` with one format. Instants outside the years 0000-9999 are refused: the output
/// layout (and the tables that read it) have four-digit years.
pub fn parse_with_format(input: TimeInput<'_>, format: TimeFormat) -> Option<Timestamp> {
    read_with_format(input, format).filter(|time| (0..=9999).contains(&time.naive_utc().year()))
}

fn read_with_format(input: TimeInput<'_>, format: TimeFormat) -> Option<Timestamp> {
    let (text, is_number) = match input {
        TimeInput::Text(text) => (super::text::trim(text), false),
        TimeInput::Number(text) => (text, true),
    };
    match format {
        TimeFormat::Rfc3339 if !is_number => parse_rfc3339(text),
        TimeFormat::Unix => parse_unix_seconds(text),
        TimeFormat::UnixMs => DateTime::from_timestamp_millis(parse_integer(text)?),
        TimeFormat::UnixUs => DateTime::from_timestamp_micros(parse_integer(text)?),
        TimeFormat::UnixNs => Some(DateTime::from_timestamp_nanos(parse_integer(text)?)),
        TimeFormat::Strftime(pattern) if !is_number => parse_strftime(text, pattern),
        TimeFormat::Layout(layout) if !is_number => layout::parse_layout(layout, text).ok(),
        TimeFormat::Cloudflare => parse_cloudflare(text, is_number),
        TimeFormat::Rfc3339 | TimeFormat::Strftime(_) | TimeFormat::Layout(_) => None,
    }
}

/// Why `input` does not read with `format`, when the format can say more than "no": today the Go
/// layouts (`month out of range`, `unknown time zone abbreviation "CET"`). Only called once a
/// value failed, so it may allocate.
pub fn explain_failure(input: TimeInput<'_>, format: TimeFormat) -> Option<String> {
    match (format, input) {
        (TimeFormat::Layout(layout), TimeInput::Text(text)) => {
            let text = super::text::trim(text);
            layout::parse_layout(layout, text)
                .err()
                .map(|error| error.describe(text))
        }
        (TimeFormat::Unix | TimeFormat::UnixMs | TimeFormat::UnixUs, input) => {
            let text = match input {
                TimeInput::Text(text) | TimeInput::Number(text) => text,
            };
            finer_unit_hint(parse_integer(text)?, format)
        }
        _ => None,
    }
}

/// For an integer too large for its Unix unit: the finer unit that would read it as a time of
/// this era (the usual mistake: milliseconds in a `unix` field).
fn finer_unit_hint(value: i64, format: TimeFormat) -> Option<String> {
    const UNITS: [(TimeFormat, i64); 4] = [
        (TimeFormat::Unix, 1),
        (TimeFormat::UnixMs, 1_000),
        (TimeFormat::UnixUs, 1_000_000),
        (TimeFormat::UnixNs, 1_000_000_000),
    ];
    // A reading in 1990-2100 is plausible; a hint only for a value whose own reading is not.
    let plausible_seconds = 631_152_000..4_102_444_800;
    let (_, per_second) = *UNITS.iter().find(|(unit, _)| *unit == format)?;
    if value / per_second < plausible_seconds.end {
        return None;
    }
    UNITS
        .iter()
        .filter(|(_, finer)| *finer > per_second)
        .find(|(_, finer)| plausible_seconds.contains(&(value / finer)))
        .map(|(unit, _)| {
            format!(
                "out of range; {value} reads as a time in {}: use timeFormat {}",
                format_name(*unit),
                format_name(*unit)
            )
        })
}

/// Cloudflare's timestamps: an integer (a JSON number, or text of digits from a text parser) is
/// Unix seconds below 60,000,000,000 (the year 3871) and Unix nanoseconds from there on; any
/// other text is RFC 3339.
fn parse_cloudflare(text: &str, is_number: bool) -> Option<Timestamp> {
    const LARGEST_SECONDS: i64 = 60_000_000_000;
    match parse_integer(text) {
        Some(seconds) if seconds < LARGEST_SECONDS => DateTime::from_timestamp(seconds, 0),
        Some(nanoseconds) => Some(DateTime::from_timestamp_nanos(nanoseconds)),
        None if is_number => None,
        None => parse_rfc3339(text),
    }
}

/// The schema-language spelling of a format (for error messages).
pub fn format_name(format: TimeFormat) -> &'static str {
    match format {
        TimeFormat::Rfc3339 => "rfc3339",
        TimeFormat::Unix => "unix",
        TimeFormat::UnixMs => "unix_ms",
        TimeFormat::UnixUs => "unix_us",
        TimeFormat::UnixNs => "unix_ns",
        TimeFormat::Strftime(pattern) => pattern,
        TimeFormat::Layout(layout) => layout.spelling,
        TimeFormat::Cloudflare => "cloudflare",
    }
}

fn parse_rfc3339(text: &str) -> Option<Timestamp> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|time| time.with_timezone(&Utc))
}

/// `[+-]digits` only: no fraction, no exponent.
fn parse_integer(text: &str) -> Option<i64> {
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// Seconds with an optional fraction, kept to the microsecond (further digits are truncated).
/// Decimal text is read exactly; an exponent form goes through `f64`.
fn parse_unix_seconds(text: &str) -> Option<Timestamp> {
    let (negative, unsigned) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    // The usual value: whole seconds, a handful of digits.
    if !negative
        && (1..=12).contains(&unsigned.len())
        && unsigned.bytes().all(|b| b.is_ascii_digit())
    {
        let seconds = unsigned
            .bytes()
            .fold(0i64, |total, digit| total * 10 + i64::from(digit - b'0'));
        return DateTime::from_timestamp(seconds, 0);
    }
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let is_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if !whole.is_empty() && is_digits(whole) && is_digits(fraction) {
        let seconds: i64 = whole.parse().ok()?;
        let mut micros: i64 = 0;
        for digit in fraction.bytes().chain(std::iter::repeat(b'0')).take(6) {
            micros = micros * 10 + i64::from(digit - b'0');
        }
        let total = seconds.checked_mul(1_000_000)?.checked_add(micros)?;
        return DateTime::from_timestamp_micros(if negative { -total } else { total });
    }
    if !unsigned.bytes().any(|b| b == b'e' || b == b'E') {
        return None;
    }
    let seconds: f64 = text.parse().ok()?;
    if !seconds.is_finite() {
        return None;
    }
    let micros = (seconds * 1e6).trunc();
    if micros.abs() >= 9.2e18 {
        return None;
    }
    DateTime::from_timestamp_micros(micros as i64)
}

/// strftime-style: the whole value must match; UTC unless the format reads an offset.
fn parse_strftime(text: &str, pattern: &str) -> Option<Timestamp> {
    let reads_offset = ["%z", "%:z", "%::z", "%:::z", "%#z"]
        .iter()
        .any(|spec| pattern.contains(spec));
    if reads_offset {
        return DateTime::parse_from_str(text, pattern)
            .ok()
            .map(|time| time.with_timezone(&Utc));
    }
    match NaiveDateTime::parse_from_str(text, pattern) {
        Ok(time) => Some(time.and_utc()),
        // A date-only format: midnight.
        Err(_) => NaiveDate::parse_from_str(text, pattern)
            .ok()
            .and_then(|date| date.and_hms_opt(0, 0, 0))
            .map(|time| time.and_utc()),
    }
}

/// Appends `YYYY-MM-DD HH:MM:SS.fffffffff` (no quotes).
pub fn write_timestamp(time: &Timestamp, out: &mut Vec<u8>) {
    // Every event writes two or more timestamps: read the fields off the UTC value directly
    // (`DateTime`'s own accessors go through the time-zone offset code each time) and fill a
    // fixed-size template.
    let naive = time.naive_utc();
    let year = naive.year();
    if !(0..=9999).contains(&year) {
        return write_timestamp_wide(&naive, out);
    }
    let second_of_day = naive.num_seconds_from_midnight();
    // chrono keeps a leap second as nanoseconds >= 1e9; the layout has no second 60.
    let nanos = naive.nanosecond().min(999_999_999);
    let mut text = *b"0000-00-00 00:00:00.000000000";
    put_digits(&mut text[0..4], year as u32);
    put_digits(&mut text[5..7], naive.month());
    put_digits(&mut text[8..10], naive.day());
    put_digits(&mut text[11..13], second_of_day / 3600);
    put_digits(&mut text[14..16], second_of_day / 60 % 60);
    put_digits(&mut text[17..19], second_of_day % 60);
    if nanos != 0 {
        put_digits(&mut text[20..29], nanos);
    }
    out.extend_from_slice(&text);
}

/// Writes `value` as decimal digits filling `slot` (zero-padded on the left).
fn put_digits(slot: &mut [u8], value: u32) {
    let mut rest = value;
    for digit in slot.iter_mut().rev() {
        *digit = b'0' + (rest % 10) as u8;
        rest /= 10;
    }
}

/// Years outside 0000-9999 (chrono allows +-262143): sign and at least four digits.
#[cold]
fn write_timestamp_wide(naive: &NaiveDateTime, out: &mut Vec<u8>) {
    out.extend_from_slice(format!("{:+05}", naive.year()).as_bytes());
    out.push(b'-');
    push_digits(out, naive.month(), 2);
    out.push(b'-');
    push_digits(out, naive.day(), 2);
    out.push(b' ');
    push_digits(out, naive.hour(), 2);
    out.push(b':');
    push_digits(out, naive.minute(), 2);
    out.push(b':');
    push_digits(out, naive.second(), 2);
    out.push(b'.');
    push_digits(out, naive.nanosecond().min(999_999_999), 9);
}

/// The output layout as a string.
pub fn format_timestamp(time: &Timestamp) -> String {
    let mut out = Vec::with_capacity(29);
    write_timestamp(time, &mut out);
    String::from_utf8(out).expect("the layout is ASCII")
}

/// Reads the output layout back (`YYYY-MM-DD HH:MM:SS` with an optional fraction, UTC).
pub fn parse_output_timestamp(text: &str) -> Option<Timestamp> {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f")
        .ok()
        .map(|time| time.and_utc())
}

fn push_digits(out: &mut Vec<u8>, value: u32, width: usize) {
    let start = out.len();
    out.resize(start + width, b'0');
    let mut rest = value;
    for slot in out[start..].iter_mut().rev() {
        *slot = b'0' + (rest % 10) as u8;
        rest /= 10;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(value: &str, format: TimeFormat) -> Option<String> {
        parse_with_format(TimeInput::Text(value), format).map(|t| format_timestamp(&t))
    }

    fn number(value: &str, format: TimeFormat) -> Option<String> {
        parse_with_format(TimeInput::Number(value), format).map(|t| format_timestamp(&t))
    }

    #[test]
    fn rfc3339_needs_a_zone_and_keeps_fractions() {
        assert_eq!(
            text("2017-03-16T19:20:25.177Z", TimeFormat::Rfc3339).as_deref(),
            Some("2017-03-16 19:20:25.177000000")
        );
        assert_eq!(
            text("2022-04-04T17:09:17+02:00", TimeFormat::Rfc3339).as_deref(),
            Some("2022-04-04 15:09:17.000000000")
        );
        assert_eq!(
            text("2022-04-04T17:09:17.123456789Z", TimeFormat::Rfc3339).as_deref(),
            Some("2022-04-04 17:09:17.123456789")
        );
        assert_eq!(text("2022-04-04T17:09:17", TimeFormat::Rfc3339), None);
        assert_eq!(number("1418530010", TimeFormat::Rfc3339), None);
        assert_eq!(text("garbage", TimeFormat::Rfc3339), None);
    }

    #[test]
    fn unix_seconds_keep_microseconds() {
        assert_eq!(
            text("1418530010", TimeFormat::Unix).as_deref(),
            Some("2014-12-14 04:06:50.000000000")
        );
        assert_eq!(
            number("1418530010", TimeFormat::Unix).as_deref(),
            Some("2014-12-14 04:06:50.000000000")
        );
        assert_eq!(
            text(" 1418530010.123456789 ", TimeFormat::Unix).as_deref(),
            Some("2014-12-14 04:06:50.123456000")
        );
        assert_eq!(
            text("1418530010.5", TimeFormat::Unix).as_deref(),
            Some("2014-12-14 04:06:50.500000000")
        );
        assert_eq!(
            text("-1.5", TimeFormat::Unix).as_deref(),
            Some("1969-12-31 23:59:58.500000000")
        );
        assert_eq!(
            number("1.4185300105e9", TimeFormat::Unix).as_deref(),
            Some("2014-12-14 04:06:50.500000000")
        );
        for bad in [
            "",
            "-",
            "abc",
            "1.2.3",
            ".5",
            "1e",
            "99999999999999999999",
            "1e300",
            "NaN",
            "inf",
        ] {
            assert_eq!(text(bad, TimeFormat::Unix), None, "{bad}");
        }
    }

    #[test]
    fn years_outside_four_digits_are_refused() {
        // 253402300800 is 10000-01-01; found by the parser property tests (tests/fuzz_parsers.rs).
        assert_eq!(text("253402300800", TimeFormat::Unix), None);
        assert_eq!(
            text("253402300799", TimeFormat::Unix).as_deref(),
            Some("9999-12-31 23:59:59.000000000")
        );
        assert_eq!(text("-62167219201", TimeFormat::Unix), None, "year -1");
        assert_eq!(
            text("-62167219200000", TimeFormat::UnixMs).as_deref(),
            Some("0000-01-01 00:00:00.000000000")
        );
        assert_eq!(text("+10000-01-01T00:00:00Z", TimeFormat::Rfc3339), None);
        assert_eq!(text("99999-01-01", TimeFormat::Strftime("%Y-%m-%d")), None);
    }

    #[test]
    fn a_value_in_a_finer_unit_is_named() {
        let hint = |text: &str, format| explain_failure(TimeInput::Number(text), format);
        assert_eq!(
            hint("1418530010123", TimeFormat::Unix).as_deref(),
            Some("out of range; 1418530010123 reads as a time in unix_ms: use timeFormat unix_ms")
        );
        assert!(hint("1418530010123456789", TimeFormat::UnixMs)
            .is_some_and(|hint| hint.ends_with("use timeFormat unix_ns")));
        // A plain bad value, or one no finer unit explains, gets no guess.
        assert_eq!(hint("1418530010", TimeFormat::Unix), None);
        assert_eq!(hint("abc", TimeFormat::Unix), None);
        assert_eq!(hint("9223372036854775807", TimeFormat::Unix), None);
    }

    #[test]
    fn unix_integer_units() {
        assert_eq!(
            text("1418530010123", TimeFormat::UnixMs).as_deref(),
            Some("2014-12-14 04:06:50.123000000")
        );
        assert_eq!(
            number("1418530010123456", TimeFormat::UnixUs).as_deref(),
            Some("2014-12-14 04:06:50.123456000")
        );
        assert_eq!(
            text("1418530010123456789", TimeFormat::UnixNs).as_deref(),
            Some("2014-12-14 04:06:50.123456789")
        );
        assert_eq!(text("1418530010.5", TimeFormat::UnixMs), None);
        assert_eq!(text("9223372036854775807", TimeFormat::UnixMs), None);
    }

    #[test]
    fn strftime_matches_the_whole_value() {
        let format = TimeFormat::Strftime("%Y-%m-%d %H:%M:%S");
        assert_eq!(
            text("2021-02-04 17:51:55", format).as_deref(),
            Some("2021-02-04 17:51:55.000000000")
        );
        assert_eq!(text("2021-02-04 17:51:55 trailing", format), None);
        assert_eq!(number("20210204", TimeFormat::Strftime("%Y%m%d")), None);
        assert_eq!(
            text("20210204", TimeFormat::Strftime("%Y%m%d")).as_deref(),
            Some("2021-02-04 00:00:00.000000000")
        );
        let with_zone = TimeFormat::Strftime("%d/%b/%Y:%H:%M:%S %z");
        assert_eq!(
            text("10/Oct/2000:13:55:36 -0700", with_zone).as_deref(),
            Some("2000-10-10 20:55:36.000000000")
        );
    }

    #[test]
    fn cloudflare_integers_are_seconds_then_nanoseconds() {
        assert_eq!(
            number("1581620180", TimeFormat::Cloudflare).as_deref(),
            Some("2020-02-13 18:56:20.000000000")
        );
        assert_eq!(
            number("59999999999", TimeFormat::Cloudflare).as_deref(),
            Some("3871-04-29 10:39:59.000000000")
        );
        assert_eq!(
            number("60000000000", TimeFormat::Cloudflare).as_deref(),
            Some("1970-01-01 00:01:00.000000000")
        );
        assert_eq!(
            number("1581620180123456789", TimeFormat::Cloudflare).as_deref(),
            Some("2020-02-13 18:56:20.123456789")
        );
        // A text parser's digits read as the number would.
        assert_eq!(
            text("1581620180", TimeFormat::Cloudflare).as_deref(),
            Some("2020-02-13 18:56:20.000000000")
        );
        assert_eq!(
            text("2020-02-13T18:56:20.5Z", TimeFormat::Cloudflare).as_deref(),
            Some("2020-02-13 18:56:20.500000000")
        );
        assert_eq!(number("1581620180.5", TimeFormat::Cloudflare), None);
        assert_eq!(text("2020-02-13 18:56:20", TimeFormat::Cloudflare), None);
    }

    #[test]
    fn layouts_read_text_only_and_explain_failures() {
        use crate::runtime::{DayPadding, GoLayout, LayoutToken};
        static LAYOUT: GoLayout = GoLayout {
            spelling: "layout=2006/01/02",
            tokens: &[
                LayoutToken::Year,
                LayoutToken::Literal("/"),
                LayoutToken::Month { padded: true },
                LayoutToken::Literal("/"),
                LayoutToken::Day(DayPadding::Zero),
            ],
        };
        let format = TimeFormat::Layout(&LAYOUT);
        assert_eq!(
            text(" 2021/02/04 ", format).as_deref(),
            Some("2021-02-04 00:00:00.000000000")
        );
        assert_eq!(number("20210204", format), None);
        assert_eq!(format_name(format), "layout=2006/01/02");
        assert_eq!(
            explain_failure(TimeInput::Text("2021/13/04"), format).as_deref(),
            Some("month out of range")
        );
        assert_eq!(explain_failure(TimeInput::Text("2021/02/04"), format), None);
        assert_eq!(
            explain_failure(TimeInput::Text("x"), TimeFormat::Rfc3339),
            None
        );
    }

    #[test]
    fn formats_are_tried_in_order() {
        let formats = [TimeFormat::Rfc3339, TimeFormat::Unix];
        let parsed = parse_timestamp(TimeInput::Text("1418530010"), &formats).unwrap();
        assert_eq!(format_timestamp(&parsed), "2014-12-14 04:06:50.000000000");
        assert!(parse_timestamp(TimeInput::Text("nope"), &formats).is_none());
    }

    #[test]
    fn output_layout_round_trips() {
        let time = parse_rfc3339("0099-01-02T03:04:05.000000006Z").unwrap();
        assert_eq!(format_timestamp(&time), "0099-01-02 03:04:05.000000006");
        assert_eq!(
            parse_output_timestamp("0099-01-02 03:04:05.000000006"),
            Some(time)
        );
        let leap = parse_rfc3339("2016-12-31T23:59:60.5Z").unwrap();
        assert_eq!(format_timestamp(&leap), "2016-12-31 23:59:59.999999999");
    }

    #[test]
    fn hand_written_layout_matches_chrono() {
        let mut seconds = -62_167_219_200i64; // 0000-01-01
        while seconds < 253_402_300_800 {
            let time = DateTime::from_timestamp(seconds, 123).unwrap();
            let expected = time.format("%Y-%m-%d %H:%M:%S%.9f").to_string();
            assert_eq!(format_timestamp(&time), expected);
            seconds += 86_400 * 7 + 3_599;
        }
        let wide = DateTime::from_timestamp(-62_167_219_201, 0).unwrap();
        assert_eq!(format_timestamp(&wide), "-0001-12-31 23:59:59.000000000");
        let wide = DateTime::from_timestamp(253_402_300_800, 7).unwrap();
        assert_eq!(format_timestamp(&wide), "+10000-01-01 00:00:00.000000007");
    }
}
