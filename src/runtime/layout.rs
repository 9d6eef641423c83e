//! Go reference-time layouts (`timeFormat: layout=2006-01-02 15:04:05`). The code generator cuts
//! the layout into tokens at build time; `parse_layout` walks that list against a value. The rules
//! are Go's `time.Parse`, except for zone abbreviations (`zone_abbreviation_offset`).

use chrono::{Datelike, Duration, NaiveDate};

use super::Timestamp;

/// A layout as the generated code holds it.
#[derive(Debug, PartialEq, Eq)]
pub struct GoLayout {
    /// As written in the schema: `layout=2006-01-02 15:04:05`.
    pub spelling: &'static str,
    pub tokens: &'static [LayoutToken],
}

/// One element of a layout, in Go's words (`2006`, `Jan`, `-07:00`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LayoutToken {
    /// Text that must appear as written; a run of spaces matches any run of spaces.
    Literal(&'static str),
    /// `2006`: four digits.
    Year,
    /// `06`: two digits, 69-99 are 1969-1999, 00-68 are 2000-2068.
    YearTwoDigits,
    /// `01` (two digits) or `1` (one or two).
    Month { padded: bool },
    /// `Jan`: an English month abbreviation, any case.
    MonthAbbr,
    /// `January`: an English month name, any case.
    MonthName,
    /// `02`, `_2` or `2`.
    Day(DayPadding),
    /// `002` (three digits) or `__2` (space-padded).
    YearDay { space_padded: bool },
    /// `15`: one or two digits, 0-23.
    Hour,
    /// `03` (two digits) or `3` (one or two), 0-12.
    Hour12 { padded: bool },
    /// `04` or `4`.
    Minute { padded: bool },
    /// `05` or `5`.
    Second { padded: bool },
    /// `PM` (`AM`/`PM`) or `pm` (`am`/`pm`).
    AmPm { upper: bool },
    /// `Mon`: an English weekday abbreviation, any case; checked, not used.
    WeekdayAbbr,
    /// `Monday`: an English weekday name, any case; checked, not used.
    WeekdayName,
    /// `MST`: a zone abbreviation.
    ZoneAbbr,
    /// `-0700`, `-07:00`, `-07`, `Z0700`, `Z07:00`, ...
    Offset(OffsetStyle),
    /// `.000` (exactly `digits` digits) or `.999` (optional, any number of digits); the value
    /// may use `.` or `,` either way.
    Fraction { digits: u8, optional: bool },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayPadding {
    /// `02`: two digits.
    Zero,
    /// `_2`: an optional leading space, then one or two digits.
    Space,
    /// `2`: one or two digits.
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OffsetStyle {
    /// `Z0700`, `Z07:00`, `Z07`: the letter `Z` alone also means UTC.
    pub z_for_utc: bool,
    /// `-07:00`: colons between the parts.
    pub colons: bool,
    pub precision: OffsetPrecision,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OffsetPrecision {
    /// `-07`
    Hours,
    /// `-0700`
    Minutes,
    /// `-070000`
    Seconds,
}

/// Why a value does not match a layout. Built without allocating; `Display` says it in words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LayoutError {
    /// At byte `at` of the value, the element `expected` (Go's spelling) did not match.
    Mismatch { expected: &'static str, at: usize },
    /// A number was read but is out of range (`month`, `hour`, ...).
    OutOfRange(&'static str),
    /// The layout ended before the value, at byte `at`.
    ExtraText { at: usize },
    /// A zone abbreviation this project does not know (bytes `at..at + len`), with no numeric
    /// offset next to it.
    UnknownZone { at: usize, len: usize },
    /// The day does not exist in that month (`Feb 30`).
    DayOutOfRange,
    /// A day of the year that is not the month and day also given.
    YearDayMismatch,
}

impl LayoutError {
    /// The reason, quoting the part of `value` it is about.
    pub fn describe(&self, value: &str) -> String {
        let rest = |at: usize| value.get(at..).unwrap_or_default();
        match *self {
            LayoutError::Mismatch { expected, at } if rest(at).is_empty() => {
                format!("the value ends where `{expected}` was expected")
            }
            LayoutError::Mismatch { expected, at } => {
                format!("{:?} does not match `{expected}`", rest(at))
            }
            LayoutError::OutOfRange(what) => format!("{what} out of range"),
            LayoutError::ExtraText { at } => format!("extra text {:?}", rest(at)),
            LayoutError::UnknownZone { at, len } => format!(
                "unknown time zone abbreviation {:?} (known: {})",
                value.get(at..at + len).unwrap_or_default(),
                KNOWN_ZONES_TEXT
            ),
            LayoutError::DayOutOfRange => "day out of range".to_string(),
            LayoutError::YearDayMismatch => {
                "day of the year does not match the month and day".to_string()
            }
        }
    }
}

/// Zone abbreviations `MST` accepts, with their offsets from UTC in hours. Abbreviations are
/// ambiguous world-wide (IST is India, Israel or Ireland), so only UTC and the US zones, which
/// Go's own examples and US-centric log formats use, are known; any other is an error rather than
/// a guess (Go would silently take it as UTC).
const ZONE_ABBREVIATIONS: [(&str, i32); 14] = [
    ("UTC", 0),
    ("GMT", 0),
    ("Z", 0),
    ("EST", -5),
    ("EDT", -4),
    ("CST", -6),
    ("CDT", -5),
    ("MST", -7),
    ("MDT", -6),
    ("PST", -8),
    ("PDT", -7),
    ("AKST", -9),
    ("AKDT", -8),
    ("HST", -10),
];

const KNOWN_ZONES_TEXT: &str =
    "UTC, GMT, Z, EST, EDT, CST, CDT, MST, MDT, PST, PDT, AKST, AKDT, HST, GMT+h, GMT-h, +hh, -hh";

/// What the tokens read so far say about the instant. Go's defaults: year 0, January 1, midnight,
/// UTC.
#[derive(Default)]
struct Parts {
    year: i32,
    month: Option<u32>,
    day: Option<u32>,
    year_day: Option<u32>,
    hour: u32,
    minute: u32,
    second: u32,
    nanosecond: u32,
    pm: Option<bool>,
    /// `Z`, or the abbreviation `UTC`: wins over everything else, as in Go.
    utc: bool,
    /// A numeric offset in seconds east of UTC: wins over an abbreviation.
    offset: Option<i32>,
    /// Where the zone abbreviation is in the value.
    zone: Option<(usize, usize)>,
}

/// Reads `value` with `layout`: the whole value must match.
pub fn parse_layout(layout: &GoLayout, value: &str) -> Result<Timestamp, LayoutError> {
    let bytes = value.as_bytes();
    let mut at = 0;
    let mut parts = Parts::default();
    for (index, token) in layout.tokens.iter().enumerate() {
        at = match_token(token, bytes, at, &mut parts, &layout.tokens[index + 1..])?;
    }
    if at < bytes.len() {
        return Err(LayoutError::ExtraText { at });
    }
    parts.resolve(bytes)
}

/// Matches one token at byte `at`; returns where the value continues.
fn match_token(
    token: &LayoutToken,
    value: &[u8],
    at: usize,
    parts: &mut Parts,
    rest_of_layout: &[LayoutToken],
) -> Result<usize, LayoutError> {
    let mismatch = |expected: &'static str| LayoutError::Mismatch { expected, at };
    let in_range = |number: u32, range: std::ops::RangeInclusive<u32>, what: &'static str| {
        if range.contains(&number) {
            Ok(number)
        } else {
            Err(LayoutError::OutOfRange(what))
        }
    };
    Ok(match *token {
        LayoutToken::Literal(text) => skip_literal(value, at, text.as_bytes())
            .ok_or(LayoutError::Mismatch { expected: text, at })?,
        LayoutToken::Year => {
            let year = fixed_digits(value, at, 4).ok_or(mismatch("2006"))?;
            parts.year = year as i32;
            at + 4
        }
        LayoutToken::YearTwoDigits => {
            let year = fixed_digits(value, at, 2).ok_or(mismatch("06"))?;
            parts.year = if year >= 69 { 1900 } else { 2000 } + year as i32;
            at + 2
        }
        LayoutToken::Month { padded } => {
            let spelling = if padded { "01" } else { "1" };
            let (month, next) = two_digits(value, at, padded).ok_or(mismatch(spelling))?;
            parts.month = Some(in_range(month, 1..=12, "month")?);
            next
        }
        LayoutToken::MonthAbbr => {
            let (index, next) = lookup(&MONTH_ABBREVIATIONS, value, at).ok_or(mismatch("Jan"))?;
            parts.month = Some(index as u32 + 1);
            next
        }
        LayoutToken::MonthName => {
            let (index, next) = lookup(&MONTH_NAMES, value, at).ok_or(mismatch("January"))?;
            parts.month = Some(index as u32 + 1);
            next
        }
        LayoutToken::WeekdayAbbr => {
            lookup(&WEEKDAY_ABBREVIATIONS, value, at)
                .ok_or(mismatch("Mon"))?
                .1
        }
        LayoutToken::WeekdayName => {
            lookup(&WEEKDAY_NAMES, value, at)
                .ok_or(mismatch("Monday"))?
                .1
        }
        LayoutToken::Day(padding) => {
            let (spelling, start) = match padding {
                DayPadding::Zero => ("02", at),
                DayPadding::None => ("2", at),
                DayPadding::Space => ("_2", at + usize::from(value.get(at) == Some(&b' '))),
            };
            let padded = padding == DayPadding::Zero;
            let (day, next) = two_digits(value, start, padded).ok_or(mismatch(spelling))?;
            // Checked against the month once everything is read.
            parts.day = Some(day);
            next
        }
        LayoutToken::YearDay { space_padded } => {
            let spelling = if space_padded { "__2" } else { "002" };
            let mut start = at;
            while space_padded && start < at + 2 && value.get(start) == Some(&b' ') {
                start += 1;
            }
            let (year_day, next) =
                three_digits(value, start, !space_padded).ok_or(mismatch(spelling))?;
            parts.year_day = Some(year_day);
            next
        }
        LayoutToken::Hour => {
            let (hour, next) = two_digits(value, at, false).ok_or(mismatch("15"))?;
            parts.hour = in_range(hour, 0..=23, "hour")?;
            next
        }
        LayoutToken::Hour12 { padded } => {
            let spelling = if padded { "03" } else { "3" };
            let (hour, next) = two_digits(value, at, padded).ok_or(mismatch(spelling))?;
            parts.hour = in_range(hour, 0..=12, "hour")?;
            next
        }
        LayoutToken::Minute { padded } => {
            let spelling = if padded { "04" } else { "4" };
            let (minute, next) = two_digits(value, at, padded).ok_or(mismatch(spelling))?;
            parts.minute = in_range(minute, 0..=59, "minute")?;
            next
        }
        LayoutToken::Second { padded } => {
            let spelling = if padded { "05" } else { "5" };
            let (second, next) = two_digits(value, at, padded).ok_or(mismatch(spelling))?;
            parts.second = in_range(second, 0..=59, "second")?;
            // As in Go: a fraction right after the seconds is read even when the layout has
            // none, unless a fraction element comes next in the layout.
            let fraction_next = rest_of_layout
                .iter()
                .find(|token| !matches!(token, LayoutToken::Literal(_)))
                .is_some_and(|token| matches!(token, LayoutToken::Fraction { .. }));
            if !fraction_next && starts_fraction(value, next) {
                let end = digits_end(value, next + 1);
                parts.nanosecond = nanoseconds(&value[next + 1..end]);
                end
            } else {
                next
            }
        }
        LayoutToken::Fraction { digits, optional } => {
            let spelling = if optional { ".999" } else { ".000" };
            if !starts_fraction(value, at) {
                if optional {
                    return Ok(at);
                }
                return Err(mismatch(spelling));
            }
            let end = if optional {
                digits_end(value, at + 1)
            } else {
                let end = at + 1 + usize::from(digits);
                if digits_end(value, at + 1) < end {
                    return Err(mismatch(spelling));
                }
                end
            };
            parts.nanosecond = nanoseconds(&value[at + 1..end]);
            end
        }
        LayoutToken::AmPm { upper } => {
            let (am, pm, spelling): (&[u8], &[u8], _) = if upper {
                (b"AM", b"PM", "PM")
            } else {
                (b"am", b"pm", "pm")
            };
            let marker = value.get(at..at + 2).ok_or(mismatch(spelling))?;
            parts.pm = Some(if marker == pm {
                true
            } else if marker == am {
                false
            } else {
                return Err(mismatch(spelling));
            });
            at + 2
        }
        LayoutToken::Offset(style) => {
            if style.z_for_utc && value.get(at) == Some(&b'Z') {
                parts.utc = true;
                return Ok(at + 1);
            }
            let (offset, next) = read_offset(value, at, style).ok_or(mismatch(style.spelling()))?;
            parts.offset = Some(offset?);
            next
        }
        LayoutToken::ZoneAbbr => {
            if value.get(at..at + 3) == Some(b"UTC".as_slice()) {
                parts.utc = true;
                return Ok(at + 3);
            }
            let len = zone_abbreviation_len(value, at).ok_or(mismatch("MST"))?;
            parts.zone = Some((at, len));
            at + len
        }
    })
}

impl OffsetStyle {
    /// Go's spelling of this element.
    pub fn spelling(self) -> &'static str {
        match (self.z_for_utc, self.colons, self.precision) {
            (false, false, OffsetPrecision::Hours) => "-07",
            (false, false, OffsetPrecision::Minutes) => "-0700",
            (false, false, OffsetPrecision::Seconds) => "-070000",
            (false, true, OffsetPrecision::Hours) => "-07",
            (false, true, OffsetPrecision::Minutes) => "-07:00",
            (false, true, OffsetPrecision::Seconds) => "-07:00:00",
            (true, false, OffsetPrecision::Hours) => "Z07",
            (true, false, OffsetPrecision::Minutes) => "Z0700",
            (true, false, OffsetPrecision::Seconds) => "Z070000",
            (true, true, OffsetPrecision::Hours) => "Z07",
            (true, true, OffsetPrecision::Minutes) => "Z07:00",
            (true, true, OffsetPrecision::Seconds) => "Z07:00:00",
        }
    }
}

/// `±hh[[:]mm[[:]ss]]` at `at`: the offset in seconds east of UTC (or the part out of range) and
/// where the value continues. `None` when the text does not have the shape.
fn read_offset(
    value: &[u8],
    at: usize,
    style: OffsetStyle,
) -> Option<(Result<i32, LayoutError>, usize)> {
    let sign: i32 = match value.get(at)? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let mut next = at + 1;
    let mut part = |first: bool| -> Option<u32> {
        if !first && style.colons {
            if value.get(next) != Some(&b':') {
                return None;
            }
            next += 1;
        }
        let number = fixed_digits(value, next, 2)?;
        next += 2;
        Some(number)
    };
    let hours = part(true)?;
    let minutes = match style.precision {
        OffsetPrecision::Hours => 0,
        _ => part(false)?,
    };
    let seconds = match style.precision {
        OffsetPrecision::Seconds => part(false)?,
        _ => 0,
    };
    // Go's limits: some write offsets of 24 hours or 60 minutes.
    let offset = if hours > 24 {
        Err(LayoutError::OutOfRange("time zone offset hour"))
    } else if minutes > 60 {
        Err(LayoutError::OutOfRange("time zone offset minute"))
    } else if seconds > 60 {
        Err(LayoutError::OutOfRange("time zone offset second"))
    } else {
        Ok(sign * (hours * 3600 + minutes * 60 + seconds) as i32)
    };
    Some((offset, next))
}

impl Parts {
    /// The instant, once every token matched.
    fn resolve(self, value: &[u8]) -> Result<Timestamp, LayoutError> {
        let mut hour = self.hour;
        match self.pm {
            Some(true) if hour < 12 => hour += 12,
            Some(false) if hour == 12 => hour = 0,
            _ => {}
        }
        let date = match self.year_day {
            Some(year_day) => {
                let date = NaiveDate::from_yo_opt(self.year, year_day)
                    .ok_or(LayoutError::OutOfRange("day of the year"))?;
                let month_differs = self.month.is_some_and(|month| month != date.month0() + 1);
                let day_differs = self.day.is_some_and(|day| day != date.day0() + 1);
                if month_differs || day_differs {
                    return Err(LayoutError::YearDayMismatch);
                }
                date
            }
            None => {
                NaiveDate::from_ymd_opt(self.year, self.month.unwrap_or(1), self.day.unwrap_or(1))
                    .ok_or(LayoutError::DayOutOfRange)?
            }
        };
        let local = date
            .and_hms_nano_opt(hour, self.minute, self.second, self.nanosecond)
            .ok_or(LayoutError::OutOfRange("time"))?
            .and_utc();
        let offset_seconds = if self.utc {
            0
        } else if let Some(offset) = self.offset {
            offset
        } else if let Some((at, len)) = self.zone {
            zone_abbreviation_offset(&value[at..at + len])
                .ok_or(LayoutError::UnknownZone { at, len })?
        } else {
            0
        };
        local
            .checked_sub_signed(Duration::seconds(i64::from(offset_seconds)))
            .ok_or(LayoutError::OutOfRange("time"))
    }
}

/// The offset in seconds of a zone abbreviation `zone_abbreviation_len` accepted: a known name,
/// `GMT+h`/`GMT-h`, or a bare `+hh`/`-hh` (what `date +%Z` prints for zones without a name).
fn zone_abbreviation_offset(name: &[u8]) -> Option<i32> {
    if let Some((_, hours)) = ZONE_ABBREVIATIONS
        .iter()
        .find(|(known, _)| known.as_bytes() == name)
    {
        return Some(hours * 3600);
    }
    let signed = name.strip_prefix(b"GMT").unwrap_or(name);
    let (sign, digits) = match signed.split_first()? {
        (b'+', digits) => (1, digits),
        (b'-', digits) => (-1, digits),
        _ => return None,
    };
    let hours = std::str::from_utf8(digits).ok()?.parse::<i32>().ok()?;
    Some(sign * hours * 3600)
}

/// The length of what looks like a zone abbreviation at `at`, by Go's rules (`parseTimeZone`):
/// three upper-case letters, four or five ending in `T` (and `WITA`), `ChST`/`MeST`, `GMT`
/// with an optional signed hour, or a signed hour alone (`+03`). This project adds `Z`.
fn zone_abbreviation_len(value: &[u8], at: usize) -> Option<usize> {
    let rest = value.get(at..)?;
    if rest.starts_with(b"ChST") || rest.starts_with(b"MeST") {
        return Some(4);
    }
    if rest.starts_with(b"GMT") {
        return Some(3 + signed_hour_len(&rest[3..]).unwrap_or(0));
    }
    if matches!(rest.first(), Some(b'+' | b'-')) {
        return signed_hour_len(rest);
    }
    let upper = rest
        .iter()
        .take(6)
        .take_while(|byte| byte.is_ascii_uppercase())
        .count();
    match upper {
        1 if rest[0] == b'Z' => Some(1),
        3 => Some(3),
        4 if rest[3] == b'T' || rest.starts_with(b"WITA") => Some(4),
        5 if rest[4] == b'T' => Some(5),
        _ => None,
    }
}

/// `+h`/`-hh` with an hour of 1-23 (Go's `parseSignedOffset`, which allows any number of digits).
fn signed_hour_len(text: &[u8]) -> Option<usize> {
    if !matches!(text.first(), Some(b'+' | b'-')) {
        return None;
    }
    let digits = digits_end(text, 1) - 1;
    let hours: u32 = std::str::from_utf8(&text[1..1 + digits])
        .ok()?
        .parse()
        .ok()?;
    (digits > 0 && hours <= 23).then_some(1 + digits)
}

/// A literal: exact bytes, except that a run of spaces in the layout matches any run of spaces
/// in the value (none at the end of the value), as Go's `skip` does.
fn skip_literal(value: &[u8], mut at: usize, mut literal: &[u8]) -> Option<usize> {
    while let Some((&first, rest)) = literal.split_first() {
        if first == b' ' {
            if at < value.len() && value[at] != b' ' {
                return None;
            }
            while value.get(at) == Some(&b' ') {
                at += 1;
            }
            literal = rest;
            while literal.first() == Some(&b' ') {
                literal = &literal[1..];
            }
            continue;
        }
        if value.get(at) != Some(&first) {
            return None;
        }
        at += 1;
        literal = rest;
    }
    Some(at)
}

/// Exactly `count` digits at `at`.
fn fixed_digits(value: &[u8], at: usize, count: usize) -> Option<u32> {
    let digits = value.get(at..at + count)?;
    digits.iter().try_fold(0u32, |total, byte| {
        byte.is_ascii_digit()
            .then(|| total * 10 + u32::from(byte - b'0'))
    })
}

/// One or two digits (exactly two when `fixed`), as Go's `getnum`.
fn two_digits(value: &[u8], at: usize, fixed: bool) -> Option<(u32, usize)> {
    let end = digits_end(value, at).min(at + 2);
    match end - at {
        2 => Some((fixed_digits(value, at, 2)?, end)),
        1 if !fixed => Some((fixed_digits(value, at, 1)?, end)),
        _ => None,
    }
}

/// One to three digits (exactly three when `fixed`), as Go's `getnum3`.
fn three_digits(value: &[u8], at: usize, fixed: bool) -> Option<(u32, usize)> {
    let end = digits_end(value, at).min(at + 3);
    let count = end - at;
    if count == 0 || (fixed && count != 3) {
        return None;
    }
    Some((fixed_digits(value, at, count)?, end))
}

/// Where the run of digits starting at `at` ends.
fn digits_end(value: &[u8], at: usize) -> usize {
    let mut end = at;
    while value.get(end).is_some_and(u8::is_ascii_digit) {
        end += 1;
    }
    end
}

/// `.` or `,` followed by a digit.
fn starts_fraction(value: &[u8], at: usize) -> bool {
    matches!(value.get(at), Some(b'.' | b',')) && value.get(at + 1).is_some_and(u8::is_ascii_digit)
}

/// Fraction digits as nanoseconds; digits after the ninth are dropped (truncated), as in Go.
fn nanoseconds(digits: &[u8]) -> u32 {
    let mut nanos = 0;
    for index in 0..9 {
        let digit = digits.get(index).map_or(0, |byte| u32::from(byte - b'0'));
        nanos = nanos * 10 + digit;
    }
    nanos
}

const MONTH_ABBREVIATIONS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const WEEKDAY_ABBREVIATIONS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const WEEKDAY_NAMES: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

/// The first name of `names` the value starts with, ignoring ASCII case: its index and where
/// the value continues.
fn lookup(names: &[&str], value: &[u8], at: usize) -> Option<(usize, usize)> {
    let rest = value.get(at..)?;
    names.iter().enumerate().find_map(|(index, name)| {
        let name = name.as_bytes();
        rest.get(..name.len())
            .is_some_and(|start| start.eq_ignore_ascii_case(name))
            .then_some((index, at + name.len()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::time::format_timestamp;
    use LayoutToken as T;

    const OFFSET_COLON: OffsetStyle = OffsetStyle {
        z_for_utc: false,
        colons: true,
        precision: OffsetPrecision::Minutes,
    };
    const OFFSET_Z: OffsetStyle = OffsetStyle {
        z_for_utc: true,
        colons: false,
        precision: OffsetPrecision::Minutes,
    };

    fn parse(tokens: &'static [LayoutToken], value: &str) -> Result<String, String> {
        let layout = GoLayout {
            spelling: "layout=test",
            tokens,
        };
        parse_layout(&layout, value)
            .map(|time| format_timestamp(&time))
            .map_err(|error| error.describe(value))
    }

    // 2006-01-02 15:04:05
    const DATE_TIME: &[LayoutToken] = &[
        T::Year,
        T::Literal("-"),
        T::Month { padded: true },
        T::Literal("-"),
        T::Day(DayPadding::Zero),
        T::Literal(" "),
        T::Hour,
        T::Literal(":"),
        T::Minute { padded: true },
        T::Literal(":"),
        T::Second { padded: true },
    ];

    #[test]
    fn date_and_time_without_zone_is_utc() {
        assert_eq!(
            parse(DATE_TIME, "2021-02-04 17:51:55").as_deref(),
            Ok("2021-02-04 17:51:55.000000000")
        );
        // Go reads a fraction after the seconds even when the layout has none.
        assert_eq!(
            parse(DATE_TIME, "2021-02-04 17:51:55,123456789123").as_deref(),
            Ok("2021-02-04 17:51:55.123456789")
        );
        // Runs of spaces match runs of spaces.
        assert_eq!(
            parse(DATE_TIME, "2021-02-04   17:51:55").as_deref(),
            Ok("2021-02-04 17:51:55.000000000")
        );
    }

    #[test]
    fn mismatches_say_where() {
        assert_eq!(
            parse(DATE_TIME, "2021-02-04T17:51:55"),
            Err(r#""T17:51:55" does not match ` `"#.to_string())
        );
        assert_eq!(
            parse(DATE_TIME, "2021-13-04 17:51:55"),
            Err("month out of range".to_string())
        );
        assert_eq!(
            parse(DATE_TIME, "2021-02-30 17:51:55"),
            Err("day out of range".to_string())
        );
        assert_eq!(
            parse(DATE_TIME, "2021-02-04 24:00:00"),
            Err("hour out of range".to_string())
        );
        assert_eq!(
            parse(DATE_TIME, "2021-02-04 17:51:55 UTC"),
            Err(r#"extra text " UTC""#.to_string())
        );
        assert_eq!(
            parse(DATE_TIME, "2021-02-04 17:51"),
            Err("the value ends where `:` was expected".to_string())
        );
        assert_eq!(
            parse(DATE_TIME, "21-02-04 17:51:55"),
            Err(r#""21-02-04 17:51:55" does not match `2006`"#.to_string())
        );
    }

    #[test]
    fn names_are_case_insensitive_and_weekdays_are_only_checked() {
        // Mon, 02 Jan 2006 15:04:05 MST
        const RFC1123: &[LayoutToken] = &[
            T::WeekdayAbbr,
            T::Literal(", "),
            T::Day(DayPadding::Zero),
            T::Literal(" "),
            T::MonthAbbr,
            T::Literal(" "),
            T::Year,
            T::Literal(" "),
            T::Hour,
            T::Literal(":"),
            T::Minute { padded: true },
            T::Literal(":"),
            T::Second { padded: true },
            T::Literal(" "),
            T::ZoneAbbr,
        ];
        assert_eq!(
            parse(RFC1123, "Sun, 06 Nov 1994 08:49:37 GMT").as_deref(),
            Ok("1994-11-06 08:49:37.000000000")
        );
        assert_eq!(
            parse(RFC1123, "MON, 06 NOV 1994 08:49:37 PST").as_deref(),
            Ok("1994-11-06 16:49:37.000000000")
        );
        assert_eq!(
            parse(RFC1123, "Sun, 06 Nov 1994 08:49:37 GMT+3").as_deref(),
            Ok("1994-11-06 05:49:37.000000000")
        );
        assert_eq!(
            parse(RFC1123, "Sun, 06 Nov 1994 08:49:37 -03").as_deref(),
            Ok("1994-11-06 11:49:37.000000000")
        );
        assert_eq!(
            parse(RFC1123, "Sun, 06 Nov 1994 08:49:37 CET"),
            Err(format!(
                "unknown time zone abbreviation \"CET\" (known: {KNOWN_ZONES_TEXT})"
            ))
        );
        assert_eq!(
            parse(RFC1123, "Sun, 06 Nov 1994 08:49:37 gmt"),
            Err(r#""gmt" does not match `MST`"#.to_string())
        );
    }

    #[test]
    fn numeric_offsets_win_over_abbreviations() {
        // 2006-01-02 15:04:05.999999999 -0700 MST (Go's Time.String)
        const GO_STRING: &[LayoutToken] = &[
            T::Year,
            T::Literal("-"),
            T::Month { padded: true },
            T::Literal("-"),
            T::Day(DayPadding::Zero),
            T::Literal(" "),
            T::Hour,
            T::Literal(":"),
            T::Minute { padded: true },
            T::Literal(":"),
            T::Second { padded: true },
            T::Fraction {
                digits: 9,
                optional: true,
            },
            T::Literal(" "),
            T::Offset(OffsetStyle {
                z_for_utc: false,
                colons: false,
                precision: OffsetPrecision::Minutes,
            }),
            T::Literal(" "),
            T::ZoneAbbr,
        ];
        assert_eq!(
            parse(GO_STRING, "2021-02-04 17:51:55.5 +0100 CET").as_deref(),
            Ok("2021-02-04 16:51:55.500000000")
        );
        assert_eq!(
            parse(GO_STRING, "2021-02-04 17:51:55 +0000 UTC").as_deref(),
            Ok("2021-02-04 17:51:55.000000000")
        );
    }

    #[test]
    fn offsets_and_z() {
        // 2006-01-02T15:04:05Z07:00 and ...-07:00
        const ISO_Z: &[LayoutToken] = &[
            T::Year,
            T::Literal("-"),
            T::Month { padded: true },
            T::Literal("-"),
            T::Day(DayPadding::Zero),
            T::Literal("T"),
            T::Hour,
            T::Literal(":"),
            T::Minute { padded: true },
            T::Literal(":"),
            T::Second { padded: true },
            T::Offset(OFFSET_Z),
        ];
        const ISO_COLON: &[LayoutToken] = &[
            T::Year,
            T::Literal("-"),
            T::Month { padded: true },
            T::Literal("-"),
            T::Day(DayPadding::Zero),
            T::Literal("T"),
            T::Hour,
            T::Literal(":"),
            T::Minute { padded: true },
            T::Literal(":"),
            T::Second { padded: true },
            T::Offset(OFFSET_COLON),
        ];
        assert_eq!(
            parse(ISO_Z, "2021-02-04T17:51:55Z").as_deref(),
            Ok("2021-02-04 17:51:55.000000000")
        );
        assert_eq!(
            parse(ISO_Z, "2021-02-04T17:51:55-0130").as_deref(),
            Ok("2021-02-04 19:21:55.000000000")
        );
        assert!(parse(ISO_Z, "2021-02-04T17:51:55-01:30").is_err());
        assert_eq!(
            parse(ISO_COLON, "2021-02-04T17:51:55+05:30").as_deref(),
            Ok("2021-02-04 12:21:55.000000000")
        );
        assert!(parse(ISO_COLON, "2021-02-04T17:51:55Z").is_err());
        assert_eq!(
            parse(ISO_COLON, "2021-02-04T17:51:55+25:00"),
            Err("time zone offset hour out of range".to_string())
        );
    }

    #[test]
    fn twelve_hour_clock_and_short_forms() {
        // 1/2/06 3:04:05 pm
        const SHORT: &[LayoutToken] = &[
            T::Month { padded: false },
            T::Literal("/"),
            T::Day(DayPadding::None),
            T::Literal("/"),
            T::YearTwoDigits,
            T::Literal(" "),
            T::Hour12 { padded: false },
            T::Literal(":"),
            T::Minute { padded: true },
            T::Literal(":"),
            T::Second { padded: true },
            T::Literal(" "),
            T::AmPm { upper: false },
        ];
        assert_eq!(
            parse(SHORT, "3/9/21 1:02:03 pm").as_deref(),
            Ok("2021-03-09 13:02:03.000000000")
        );
        assert_eq!(
            parse(SHORT, "12/31/99 12:00:00 am").as_deref(),
            Ok("1999-12-31 00:00:00.000000000")
        );
        assert_eq!(
            parse(SHORT, "12/31/68 12:00:00 pm").as_deref(),
            Ok("2068-12-31 12:00:00.000000000")
        );
        assert!(parse(SHORT, "3/9/21 1:02:03 PM").is_err());
        assert_eq!(
            parse(SHORT, "3/9/21 13:02:03 pm"),
            Err("hour out of range".to_string())
        );
    }

    #[test]
    fn day_of_year_and_space_padding() {
        // 2006 002 / Jan _2 / __2
        const YEAR_DAY: &[LayoutToken] = &[
            T::Year,
            T::Literal(" "),
            T::YearDay {
                space_padded: false,
            },
        ];
        assert_eq!(
            parse(YEAR_DAY, "2024 060").as_deref(),
            Ok("2024-02-29 00:00:00.000000000")
        );
        assert_eq!(
            parse(YEAR_DAY, "2023 366"),
            Err("day of the year out of range".to_string())
        );
        assert!(parse(YEAR_DAY, "2024 60").is_err());
        const STAMP: &[LayoutToken] = &[
            T::MonthAbbr,
            T::Literal(" "),
            T::Day(DayPadding::Space),
            T::Literal(" "),
            T::YearDay { space_padded: true },
        ];
        assert_eq!(
            parse(STAMP, "Feb  3  34").as_deref(),
            Ok("0000-02-03 00:00:00.000000000")
        );
        assert_eq!(
            parse(STAMP, "Feb  3  35"),
            Err("day of the year does not match the month and day".to_string())
        );
    }

    #[test]
    fn fractions_exact_and_optional() {
        // 15:04:05.000 and 15:04:05.999
        const EXACT: &[LayoutToken] = &[
            T::Hour,
            T::Literal(":"),
            T::Minute { padded: true },
            T::Literal(":"),
            T::Second { padded: true },
            T::Fraction {
                digits: 3,
                optional: false,
            },
        ];
        const OPTIONAL: &[LayoutToken] = &[
            T::Hour,
            T::Literal(":"),
            T::Minute { padded: true },
            T::Literal(":"),
            T::Second { padded: true },
            T::Fraction {
                digits: 3,
                optional: true,
            },
        ];
        assert_eq!(
            parse(EXACT, "01:02:03,120").as_deref(),
            Ok("0000-01-01 01:02:03.120000000")
        );
        assert!(parse(EXACT, "01:02:03.12").is_err());
        assert!(parse(EXACT, "01:02:03").is_err());
        assert_eq!(
            parse(EXACT, "01:02:03.1234"),
            Err(r#"extra text "4""#.to_string())
        );
        assert_eq!(
            parse(OPTIONAL, "01:02:03").as_deref(),
            Ok("0000-01-01 01:02:03.000000000")
        );
        assert_eq!(
            parse(OPTIONAL, "01:02:03.123456").as_deref(),
            Ok("0000-01-01 01:02:03.123456000")
        );
    }

    #[test]
    fn hostile_values_never_panic() {
        for value in [
            "",
            " ",
            "é",
            "2021-02-04 17:51:5é",
            "\u{0}",
            "9999999999999",
        ] {
            let _ = parse(DATE_TIME, value);
        }
        const ZONE: &[LayoutToken] = &[T::ZoneAbbr];
        for value in ["GMT+99999999999999999999", "+", "GMT-", "ChST", "é"] {
            let _ = parse(ZONE, value);
        }
    }
}
