//! Gzip decoded member by member, so the reader knows which lines came from members whose check
//! (CRC and length, in each member's trailer) has passed.
//!
//! The check comes only at a member's end: a corrupt member first decodes into made-up text, so
//! its lines must not be trusted until then. `flate2`'s `MultiGzDecoder` hides where members end;
//! [`Members`] reports it.

use std::io::{self, BufRead, Read};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use flate2::bufread::GzDecoder;

/// What one read of [`Members`] gave.
#[derive(Debug, PartialEq, Eq)]
pub enum Step {
    /// This many decompressed bytes.
    Data(usize),
    /// A member ended and its trailer checked; every byte before this point is verified.
    MemberVerified,
    /// The stream ended (after a verified member).
    End,
}

/// A multi-member gzip stream (concatenated files, as `MultiGzDecoder` reads them).
pub struct Members<R: BufRead> {
    member: Option<GzDecoder<R>>,
}

impl<R: BufRead> Members<R> {
    pub fn new(compressed: R) -> Self {
        Members {
            member: Some(GzDecoder::new(compressed)),
        }
    }

    /// Decompresses into `buf` (not empty); a damaged or cut member is an error.
    pub fn read(&mut self, buf: &mut [u8]) -> io::Result<Step> {
        let Some(member) = &mut self.member else {
            return Ok(Step::End);
        };
        let read = member.read(buf)?;
        if read > 0 {
            return Ok(Step::Data(read));
        }
        // `GzDecoder` returns 0 only once the member's trailer matched what was decoded.
        let mut rest = match self.member.take() {
            Some(member) => member.into_inner(),
            None => return Ok(Step::End),
        };
        if !rest.fill_buf()?.is_empty() {
            self.member = Some(GzDecoder::new(rest));
        }
        Ok(Step::MemberVerified)
    }
}

/// How many members of a stream have been verified, counted where the reader of the decompressed
/// bytes passes each member's end (not where the decoder, ahead of it, does).
#[derive(Debug, Clone, Default)]
pub struct VerifiedMembers(Arc<AtomicU64>);

impl VerifiedMembers {
    pub fn count(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }

    pub fn add_one(&self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::write::GzEncoder;
    use std::io::Write;

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut encoder = GzEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(data).expect("in-memory write");
        encoder.finish().expect("in-memory finish")
    }

    /// The decompressed text, with `|` where a member was verified.
    fn steps(data: &[u8]) -> io::Result<String> {
        let mut members = Members::new(data);
        let mut text = String::new();
        let mut buf = [0u8; 3];
        loop {
            match members.read(&mut buf)? {
                Step::Data(read) => text.push_str(&String::from_utf8_lossy(&buf[..read])),
                Step::MemberVerified => text.push('|'),
                Step::End => return Ok(text),
            }
        }
    }

    #[test]
    fn each_member_end_is_reported_after_its_bytes() {
        let mut data = gzip(b"first\n");
        data.extend(gzip(b"second\n"));
        assert_eq!(steps(&data).expect("intact"), "first\n|second\n|");
    }

    #[test]
    fn a_corrupt_member_is_an_error_before_its_end_is_reported() {
        let mut data = gzip(b"first\n");
        let mut second = gzip(&b"second line of text\n".repeat(50));
        let last = second.len() - 8; // the CRC
        second[last] ^= 0xff;
        data.extend(second);
        let mut members = Members::new(&data[..]);
        let mut buf = [0u8; 4096];
        let mut verified = 0;
        let error = loop {
            match members.read(&mut buf) {
                Ok(Step::MemberVerified) => verified += 1,
                Ok(Step::Data(_)) => {}
                Ok(Step::End) => panic!("the corrupt member passed"),
                Err(error) => break error,
            }
        };
        assert_eq!(verified, 1, "{error}");
    }
}
