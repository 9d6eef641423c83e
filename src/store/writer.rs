//! [`S3Writer`]: a blocking `Write` that creates one object, uploading as it goes.

use std::io;
use std::sync::Arc;

use object_store::buffered::BufWriter;
use object_store::path::Path as ObjectPath;
use object_store::ObjectStore;
use tokio::io::AsyncWriteExt;
use tokio::runtime::Runtime;

use super::error::StoreError;

/// Bytes per uploaded part. S3 wants at least 5 MiB for every part but the last and allows
/// 10,000 parts, so one object can reach 78 GiB; an object smaller than one part is sent with a
/// single PUT.
pub const PART_SIZE: usize = 8 * 1024 * 1024;

/// Parts uploading at once. With the part being filled, memory stays under
/// (PARTS_IN_FLIGHT + 1) x PART_SIZE = 24 MiB per writer.
const PARTS_IN_FLIGHT: usize = 2;

/// Writes the object `s3://bucket/key`, made by [`super::S3Store::writer`].
///
/// Data goes up in parts of [`PART_SIZE`] while it is written; the object appears only at
/// [`S3Writer::finish`], whole. Dropping the writer without `finish` (an error, a panic)
/// aborts the upload, so neither a torn object nor orphaned parts are left. `flush` does
/// nothing: an S3 object cannot be appended to, so nothing is visible before `finish`.
pub struct S3Writer {
    runtime: Arc<Runtime>,
    /// `None` once finished.
    upload: Option<BufWriter>,
    url: String,
    endpoint: Option<String>,
    /// The first upload failure: the writer refuses further work after it.
    failure: Option<StoreError>,
}

impl S3Writer {
    pub(crate) fn new(
        runtime: Arc<Runtime>,
        store: Arc<dyn ObjectStore>,
        path: ObjectPath,
        url: String,
        endpoint: Option<String>,
    ) -> S3Writer {
        let upload =
            BufWriter::with_capacity(store, path, PART_SIZE).with_max_concurrency(PARTS_IN_FLIGHT);
        S3Writer {
            runtime,
            upload: Some(upload),
            url,
            endpoint,
            failure: None,
        }
    }

    /// Uploads what is buffered and completes the object, which then appears under its key.
    pub fn finish(mut self) -> Result<(), StoreError> {
        if let Some(failure) = self.failure.take() {
            return Err(failure); // dropping `self` aborts the upload
        }
        let Some(mut upload) = self.upload.take() else {
            return Ok(());
        };
        // On failure object_store aborts a multipart upload itself.
        self.runtime
            .block_on(upload.shutdown())
            .map_err(|error| self.upload_error("cannot write", &error))
    }

    /// The upload failure behind the last `io::Error` from `write`, if that is what it was.
    pub(crate) fn take_failure(&mut self) -> Option<StoreError> {
        self.failure.take()
    }

    fn upload_error(&self, action: &str, error: &io::Error) -> StoreError {
        StoreError::from_io(&self.url, action, self.endpoint.as_deref(), error)
    }
}

impl io::Write for S3Writer {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if let Some(failure) = &self.failure {
            return Err(io::Error::other(format!(
                "{failure} (an earlier write to this object failed)"
            )));
        }
        let Some(upload) = self.upload.as_mut() else {
            return Err(io::Error::other(format!("{}: already finished", self.url)));
        };
        match self.runtime.block_on(upload.write(buf)) {
            Ok(written) => Ok(written),
            Err(error) => {
                let failure = self.upload_error("cannot write", &error);
                let reported = io::Error::new(error.kind(), failure.to_string());
                self.failure = Some(failure);
                Err(reported)
            }
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Drop for S3Writer {
    fn drop(&mut self) {
        if let Some(mut upload) = self.upload.take() {
            // Not finished: abort, deleting the parts already uploaded (S3 keeps and bills
            // them otherwise). Nothing to report to; the object simply does not appear.
            let _ = self.runtime.block_on(upload.abort());
        }
    }
}

impl std::fmt::Debug for S3Writer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Writer").field("url", &self.url).finish()
    }
}
