//! Time formats: parsing every schema time format, and Panther's output layout.

use super::{TimeFormat, Timestamp};

/// Tries each format in order; the error lists what was tried.
pub fn parse(text: &str, formats: &[TimeFormat]) -> Result<Timestamp, String> {
    todo!("runtime {text} {formats:?}")
}

/// Appends `YYYY-MM-DD HH:MM:SS.fffffffff` (UTC).
pub fn write_timestamp(time: &Timestamp, out: &mut Vec<u8>) {
    todo!("runtime {time} {out:?}")
}
