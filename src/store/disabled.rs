//! S3 in a build without the `s3` feature: the same API, every call an error saying so, so the
//! rest of logschema (`s3://` inputs and outputs) compiles unchanged and fails with one clear
//! line instead of treating the URL as a file name.

use std::io;
use std::path::Path;

use super::error::{StoreError, StoreErrorKind};

/// The part size of multipart uploads in the full build; kept so callers compile the same.
pub const PART_SIZE: usize = 8 * 1024 * 1024;

const NOT_BUILT: &str = "this logschema was built without S3 support (cargo feature `s3`, on by \
                         default; rebuild without --no-default-features)";

/// An object found by `S3Store::list`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectInfo {
    pub key: String,
    pub size: u64,
}

/// Never made: `connect` fails.
#[derive(Debug)]
pub struct S3Store {
    bucket: String,
}

fn not_built(subject: &str) -> StoreError {
    StoreError::new(StoreErrorKind::Config, subject, NOT_BUILT)
}

impl S3Store {
    pub fn connect(bucket: &str) -> Result<S3Store, StoreError> {
        Err(not_built(&format!("s3://{bucket}")))
    }

    pub fn bucket(&self) -> &str {
        &self.bucket
    }

    pub fn url_of(&self, key: &str) -> String {
        format!("s3://{}/{key}", self.bucket)
    }

    pub fn list(&self, prefix: &str) -> Result<Vec<ObjectInfo>, StoreError> {
        Err(not_built(&self.url_of(prefix)))
    }

    pub fn open(&self, key: &str) -> Result<io::Empty, StoreError> {
        Err(not_built(&self.url_of(key)))
    }

    pub fn put_file(&self, _local: &Path, key: &str) -> Result<(), StoreError> {
        Err(not_built(&self.url_of(key)))
    }

    pub fn writer(&self, key: &str) -> Result<S3Writer, StoreError> {
        Err(not_built(&self.url_of(key)))
    }
}

/// Never made: `S3Store::writer` fails.
#[derive(Debug)]
pub struct S3Writer {
    _never: (),
}

impl S3Writer {
    pub fn finish(self) -> Result<(), StoreError> {
        Ok(())
    }
}

impl io::Write for S3Writer {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
