//! `timeFormat: layout=<Go layout>`: cuts a Go reference-time layout into the tokens the runtime
//! walks, exactly where Go's `time.Parse` would (`nextStdChunk`), and refuses layouts that could
//! not describe one instant: no date or time element, an element given twice, a 12-hour clock
//! without AM/PM.

use crate::ir::{DayPadding, GoLayout, LayoutToken, OffsetPrecision};

/// Go's reference time, for messages.
const REFERENCE: &str = "Mon Jan 2 15:04:05 MST 2006";

/// What an element sets; two elements setting the same thing conflict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Year,
    Month,
    Day,
    YearDay,
    Hour,
    Minute,
    Second,
    Fraction,
    AmPm,
    Weekday,
    ZoneAbbr,
    Offset,
}

impl Part {
    fn describe(self) -> &'static str {
        match self {
            Part::Year => "the year",
            Part::Month => "the month",
            Part::Day => "the day of the month",
            Part::YearDay => "the day of the year",
            Part::Hour => "the hour",
            Part::Minute => "the minute",
            Part::Second => "the second",
            Part::Fraction => "the fraction of a second",
            Part::AmPm => "AM/PM",
            Part::Weekday => "the day of the week",
            Part::ZoneAbbr => "the zone abbreviation",
            Part::Offset => "the zone offset",
        }
    }
}

/// A recognised element: its token, what it sets, how it is written and where (1-based
/// character of the layout).
struct Element {
    part: Part,
    spelling: String,
    character: usize,
}

/// Tokenises and checks the text after `layout=`; the error is the whole message.
pub(crate) fn parse(layout: &str) -> Result<GoLayout, String> {
    if layout.is_empty() {
        return Err(format!(
            "empty layout after `layout=` (write Go's reference time `{REFERENCE}` the way the values write it, e.g. `layout=2006-01-02 15:04:05`)"
        ));
    }
    let mut tokens = Vec::new();
    let mut elements: Vec<Element> = Vec::new();
    let mut rest = layout;
    loop {
        let Some(chunk) = next_element(rest) else {
            if !rest.is_empty() {
                tokens.push(LayoutToken::Literal(rest.to_owned()));
            }
            break;
        };
        let (prefix, after_prefix) = rest.split_at(chunk.start);
        if !prefix.is_empty() {
            tokens.push(LayoutToken::Literal(prefix.to_owned()));
        }
        let spelling = &after_prefix[..chunk.len];
        let character = layout[..layout.len() - after_prefix.len()].chars().count() + 1;
        if let LayoutToken::Fraction { .. } = chunk.token {
            let digits = spelling.len() - 1;
            if digits > 9 {
                return Err(format!(
                    "layout '{layout}': `{spelling}` (character {character}) has {digits} fraction digits (at most 9: nanoseconds)"
                ));
            }
        }
        let part = part_of(&chunk.token);
        if let Some(first) = elements.iter().find(|element| element.part == part) {
            return Err(format!(
                "layout '{layout}': `{spelling}` (character {character}) gives {} again (already given by `{}`, character {})",
                part.describe(),
                first.spelling,
                first.character
            ));
        }
        elements.push(Element {
            part,
            spelling: spelling.to_owned(),
            character,
        });
        tokens.push(chunk.token);
        rest = &after_prefix[chunk.len..];
    }
    check_elements(layout, &tokens, &elements)?;
    Ok(GoLayout {
        layout: layout.to_owned(),
        tokens,
    })
}

/// Rules about the elements together, once each appears at most once.
fn check_elements(
    layout: &str,
    tokens: &[LayoutToken],
    elements: &[Element],
) -> Result<(), String> {
    let date_or_time = elements
        .iter()
        .any(|element| !matches!(element.part, Part::ZoneAbbr | Part::Offset | Part::Weekday));
    if !date_or_time {
        return Err(format!(
            "layout '{layout}' has no date or time element (Go layouts write the reference time `{REFERENCE}` the way the values write it, e.g. `layout=2006-01-02 15:04:05`)"
        ));
    }
    let find = |part: Part| elements.iter().find(|element| element.part == part);
    let twelve_hour = tokens
        .iter()
        .any(|token| matches!(token, LayoutToken::Hour12 { .. }));
    match (find(Part::AmPm), find(Part::Hour)) {
        (Some(am_pm), Some(hour)) if !twelve_hour => {
            return Err(format!(
                "layout '{layout}': `{}` (character {}) marks a 12-hour clock, but `{}` (character {}) is a 24-hour hour (use `03` or `3` with `{}`)",
                am_pm.spelling, am_pm.character, hour.spelling, hour.character, am_pm.spelling
            ));
        }
        (Some(am_pm), None) => {
            return Err(format!(
                "layout '{layout}': `{}` (character {}) needs an hour (`03` or `3`)",
                am_pm.spelling, am_pm.character
            ));
        }
        (None, Some(hour)) if twelve_hour => {
            return Err(format!(
                "layout '{layout}': `{}` (character {}) is a 12-hour clock hour, but the layout has no `PM` or `pm`, so morning and afternoon cannot be told apart (use `15` for a 24-hour clock)",
                hour.spelling, hour.character
            ));
        }
        _ => {}
    }
    if let (Some(fraction), None) = (find(Part::Fraction), find(Part::Second)) {
        return Err(format!(
            "layout '{layout}': `{}` (character {}) is a fraction of a second, but the layout has no seconds (`05` or `5`)",
            fraction.spelling, fraction.character
        ));
    }
    Ok(())
}

fn part_of(token: &LayoutToken) -> Part {
    match token {
        LayoutToken::Year | LayoutToken::YearTwoDigits => Part::Year,
        LayoutToken::Month { .. } | LayoutToken::MonthAbbr | LayoutToken::MonthName => Part::Month,
        LayoutToken::Day(_) => Part::Day,
        LayoutToken::YearDay { .. } => Part::YearDay,
        LayoutToken::Hour | LayoutToken::Hour12 { .. } => Part::Hour,
        LayoutToken::Minute { .. } => Part::Minute,
        LayoutToken::Second { .. } => Part::Second,
        LayoutToken::Fraction { .. } => Part::Fraction,
        LayoutToken::AmPm { .. } => Part::AmPm,
        LayoutToken::WeekdayAbbr | LayoutToken::WeekdayName => Part::Weekday,
        LayoutToken::ZoneAbbr => Part::ZoneAbbr,
        LayoutToken::Offset { .. } => Part::Offset,
        // Never produced by `next_element`.
        LayoutToken::Literal(_) => Part::Weekday,
    }
}

/// The next element of `layout`: where it starts (bytes), how long it is and its token.
struct Chunk {
    start: usize,
    len: usize,
    token: LayoutToken,
}

/// Go's `nextStdChunk`: the first element in `layout`, scanning left to right. Everything before
/// it is literal text.
fn next_element(layout: &str) -> Option<Chunk> {
    let bytes = layout.as_bytes();
    let at =
        |i: usize, text: &str| layout.as_bytes().get(i..i + text.len()) == Some(text.as_bytes());
    let lower_at = |i: usize| bytes.get(i).is_some_and(u8::is_ascii_lowercase);
    let digit_at = |i: usize| bytes.get(i).is_some_and(u8::is_ascii_digit);
    let chunk = |start: usize, len: usize, token: LayoutToken| Some(Chunk { start, len, token });
    let offset = |z_for_utc: bool, colons: bool, precision: OffsetPrecision| LayoutToken::Offset {
        z_for_utc,
        colons,
        precision,
    };
    for (i, &byte) in bytes.iter().enumerate() {
        match byte {
            b'J' if at(i, "January") => return chunk(i, 7, LayoutToken::MonthName),
            b'J' if at(i, "Jan") && !lower_at(i + 3) => return chunk(i, 3, LayoutToken::MonthAbbr),
            b'M' if at(i, "Monday") => return chunk(i, 6, LayoutToken::WeekdayName),
            b'M' if at(i, "Mon") && !lower_at(i + 3) => {
                return chunk(i, 3, LayoutToken::WeekdayAbbr)
            }
            b'M' if at(i, "MST") => return chunk(i, 3, LayoutToken::ZoneAbbr),
            b'0' => {
                let token = match bytes.get(i + 1) {
                    Some(b'1') => Some(LayoutToken::Month { padded: true }),
                    Some(b'2') => Some(LayoutToken::Day(DayPadding::Zero)),
                    Some(b'3') => Some(LayoutToken::Hour12 { padded: true }),
                    Some(b'4') => Some(LayoutToken::Minute { padded: true }),
                    Some(b'5') => Some(LayoutToken::Second { padded: true }),
                    Some(b'6') => Some(LayoutToken::YearTwoDigits),
                    _ => None,
                };
                if let Some(token) = token {
                    return chunk(i, 2, token);
                }
                if at(i, "002") {
                    return chunk(
                        i,
                        3,
                        LayoutToken::YearDay {
                            space_padded: false,
                        },
                    );
                }
            }
            b'1' if at(i, "15") => return chunk(i, 2, LayoutToken::Hour),
            b'1' => return chunk(i, 1, LayoutToken::Month { padded: false }),
            b'2' if at(i, "2006") => return chunk(i, 4, LayoutToken::Year),
            b'2' => return chunk(i, 1, LayoutToken::Day(DayPadding::None)),
            // `_2006` is a literal `_` and then the year.
            b'_' if at(i, "_2006") => return chunk(i + 1, 4, LayoutToken::Year),
            b'_' if at(i, "_2") => return chunk(i, 2, LayoutToken::Day(DayPadding::Space)),
            b'_' if at(i, "__2") => {
                return chunk(i, 3, LayoutToken::YearDay { space_padded: true })
            }
            b'3' => return chunk(i, 1, LayoutToken::Hour12 { padded: false }),
            b'4' => return chunk(i, 1, LayoutToken::Minute { padded: false }),
            b'5' => return chunk(i, 1, LayoutToken::Second { padded: false }),
            b'P' if at(i, "PM") => return chunk(i, 2, LayoutToken::AmPm { upper: true }),
            b'p' if at(i, "pm") => return chunk(i, 2, LayoutToken::AmPm { upper: false }),
            b'-' | b'Z' => {
                let z = byte == b'Z';
                // Longest first, as Go tries them.
                let forms = [
                    ("070000", false, OffsetPrecision::Seconds),
                    ("07:00:00", true, OffsetPrecision::Seconds),
                    ("0700", false, OffsetPrecision::Minutes),
                    ("07:00", true, OffsetPrecision::Minutes),
                    ("07", false, OffsetPrecision::Hours),
                ];
                for (form, colons, precision) in forms {
                    if at(i + 1, form) {
                        return chunk(i, 1 + form.len(), offset(z, colons, precision));
                    }
                }
            }
            b'.' | b',' if matches!(bytes.get(i + 1), Some(b'0' | b'9')) => {
                let repeated = bytes[i + 1];
                let mut end = i + 1;
                while bytes.get(end) == Some(&repeated) {
                    end += 1;
                }
                // Only a run that ends the digits is a fraction (`.000`, not `.0001`).
                if !digit_at(end) {
                    let digits = end - (i + 1);
                    return chunk(
                        i,
                        end - i,
                        LayoutToken::Fraction {
                            digits: u8::try_from(digits).unwrap_or(u8::MAX),
                            optional: repeated == b'9',
                        },
                    );
                }
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use LayoutToken as T;

    fn literal(text: &str) -> LayoutToken {
        T::Literal(text.to_owned())
    }

    #[test]
    fn panther_layouts_tokenise_as_go_does() {
        assert_eq!(
            parse("01/02/2006 15:04:05.999").map(|layout| layout.tokens),
            Ok(vec![
                T::Month { padded: true },
                literal("/"),
                T::Day(DayPadding::Zero),
                literal("/"),
                T::Year,
                literal(" "),
                T::Hour,
                literal(":"),
                T::Minute { padded: true },
                literal(":"),
                T::Second { padded: true },
                T::Fraction {
                    digits: 3,
                    optional: true
                },
            ])
        );
        assert_eq!(
            parse("Mon, 02 Jan 2006 15:04:05 MST").map(|layout| layout.tokens[..4].to_vec()),
            Ok(vec![
                T::WeekdayAbbr,
                literal(", "),
                T::Day(DayPadding::Zero),
                literal(" "),
            ])
        );
        // `Z07:00` is one element; `T` is literal.
        let rfc3339 = parse("2006-01-02T15:04:05Z07:00").expect("valid").tokens;
        assert_eq!(rfc3339[5], literal("T"));
        assert_eq!(
            rfc3339.last(),
            Some(&T::Offset {
                z_for_utc: true,
                colons: true,
                precision: OffsetPrecision::Minutes
            })
        );
        // `_2006` is `_` then the year; `Month` is not `Mon`; `.0001` is not a fraction.
        assert_eq!(
            parse("_2006").map(|layout| layout.tokens),
            Ok(vec![literal("_"), T::Year])
        );
        assert_eq!(
            parse("Monthly 2006").map(|layout| layout.tokens),
            Ok(vec![literal("Monthly "), T::Year])
        );
        assert_eq!(
            parse("2006.0102").map(|layout| layout.tokens),
            Ok(vec![
                T::Year,
                literal("."),
                T::Month { padded: true },
                T::Day(DayPadding::Zero)
            ])
        );
    }

    #[test]
    fn every_element_is_recognised() {
        let layout = "2006 Jan 2 002 Monday 3 4 5 PM .000 MST -07:00";
        let tokens = parse(layout).expect("valid").tokens;
        let elements: Vec<&T> = tokens
            .iter()
            .filter(|token| !matches!(token, T::Literal(_)))
            .collect();
        assert_eq!(elements.len(), 12, "{tokens:?}");
        for (layout, token) in [
            ("06", T::YearTwoDigits),
            ("1", T::Month { padded: false }),
            ("January", T::MonthName),
            ("_2", T::Day(DayPadding::Space)),
            ("__2", T::YearDay { space_padded: true }),
        ] {
            assert_eq!(
                parse(layout).map(|layout| layout.tokens),
                Ok(vec![token]),
                "{layout}"
            );
        }
        assert_eq!(
            parse("Mon 2").map(|layout| layout.tokens),
            Ok(vec![T::WeekdayAbbr, literal(" "), T::Day(DayPadding::None)])
        );
    }

    proptest::proptest! {
        #[test]
        fn any_text_is_a_layout_or_an_error(text in "(2006|01|02|15|04|05|\\.000|,999|Z07:00|-0700|MST|Jan|Mon|PM|_2|__2|002|[ -~]|\\PC){0,12}") {
            // Never a panic; an accepted layout has an element besides its literal text.
            if let Ok(layout) = parse(&text) {
                proptest::prop_assert!(layout.tokens.iter().any(|token| !matches!(token, T::Literal(_))));
            }
        }
    }

    #[test]
    fn bad_layouts_say_why() {
        let error = |layout: &str| parse(layout).expect_err(layout);
        assert!(error("").contains("empty layout"));
        assert!(error("ISO date").contains("no date or time element"));
        assert!(error("MST").contains("no date or time element"));
        assert_eq!(
            error("2006-01-02 06"),
            "layout '2006-01-02 06': `06` (character 12) gives the year again (already given by `2006`, character 1)"
        );
        assert!(error("2006-01-02 UTC+1").contains("`1` (character 16) gives the month again"));
        assert!(error("15:04 PM").contains("24-hour hour"));
        assert!(error("03:04").contains("no `PM` or `pm`"));
        assert!(error("2006 PM").contains("needs an hour"));
        assert!(error("2006.000").contains("no seconds"));
        assert!(error("05.0000000000").contains("10 fraction digits"));
        assert!(error("15:04:05 -0700 Z07:00").contains("the zone offset again"));
    }
}
