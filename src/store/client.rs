//! [`S3Store`]: one bucket, blocking calls over object_store and a runtime of its own.

use std::fs::File;
use std::io;
use std::path::Path;
use std::sync::Arc;

use object_store::aws::AmazonS3;
use object_store::list::{PaginatedListOptions, PaginatedListStore};
use object_store::path::Path as ObjectPath;
use object_store::ObjectStoreExt;
use tokio::runtime::Runtime;

use super::error::{StoreError, StoreErrorKind};
use super::reader::ObjectReader;
use super::redact::redact_url_credentials;
use super::settings::S3Settings;
use super::url::object_url;
use super::writer::S3Writer;

/// An object found by [`S3Store::list`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectInfo {
    pub key: String,
    pub size: u64,
}

/// A client for one bucket. Cheap to share between threads (`&S3Store` is enough: every call
/// blocks the calling thread only).
pub struct S3Store {
    bucket: String,
    /// The endpoint override as messages show it: credentials in it hidden.
    endpoint: Option<String>,
    s3: Arc<AmazonS3>,
    /// object_store is async; a current-thread runtime is all a blocking caller needs. Several
    /// threads may block on it at once (tokio hands the I/O driver between them).
    runtime: Arc<Runtime>,
}

/// Only the bucket and endpoint: object_store's client would show the endpoint unredacted.
impl std::fmt::Debug for S3Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Store")
            .field("bucket", &self.bucket)
            .field("endpoint", &self.endpoint)
            .finish_non_exhaustive()
    }
}

impl S3Store {
    /// A client for `bucket` configured from the process environment ([`S3Settings::from_env`]).
    /// Nothing is sent yet: a missing bucket or bad credentials show at the first request.
    pub fn connect(bucket: &str) -> Result<S3Store, StoreError> {
        Self::connect_with(bucket, &S3Settings::from_env())
    }

    /// A client for `bucket` configured from `settings`.
    pub fn connect_with(bucket: &str, settings: &S3Settings) -> Result<S3Store, StoreError> {
        let subject = format!("s3://{bucket}");
        let config_error = |cause: &dyn std::fmt::Display| {
            StoreError::new(
                StoreErrorKind::Config,
                &subject,
                format_args!("cannot set up an S3 client: {cause}"),
            )
        };
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|error| config_error(&error))?;
        let builder = settings.builder(bucket)?;
        // The HTTP client and credential providers are made inside the runtime they will use.
        let s3 = {
            let _runtime = runtime.enter();
            builder.build().map_err(|error| config_error(&error))?
        };
        Ok(S3Store {
            bucket: bucket.to_string(),
            endpoint: settings
                .endpoint()
                .map(|endpoint| redact_url_credentials(endpoint).into_owned()),
            s3: Arc::new(s3),
            runtime: Arc::new(runtime),
        })
    }

    pub fn bucket(&self) -> &str {
        &self.bucket
    }

    /// `s3://bucket/key`.
    pub fn url_of(&self, key: &str) -> String {
        object_url(&self.bucket, key)
    }

    /// Every object whose key starts with `prefix` (a plain string prefix, `""` for the whole
    /// bucket), sorted by key so inputs are read in the same order every time. Follows S3's
    /// pagination (1,000 keys a page). Directory markers that the S3 console leaves (empty
    /// `dir/` objects with keys below them) are left out: they are not logs.
    pub fn list(&self, prefix: &str) -> Result<Vec<ObjectInfo>, StoreError> {
        let mut objects = Vec::new();
        let mut page_token = None;
        loop {
            let options = PaginatedListOptions {
                page_token: page_token.take(),
                ..Default::default()
            };
            // Unlike `ObjectStore::list`, this keeps the prefix as given instead of treating
            // it as a directory (which would append a `/`).
            let page = self
                .runtime
                .block_on(self.s3.list_paginated(Some(prefix), options))
                .map_err(|error| {
                    StoreError::from_object_store(
                        &self.url_of(prefix),
                        "cannot list objects",
                        self.endpoint(),
                        &error,
                    )
                })?;
            objects.extend(page.result.objects.into_iter().map(|meta| ObjectInfo {
                key: meta.location.to_string(),
                size: meta.size,
            }));
            match page.page_token {
                Some(token) => page_token = Some(token),
                None => break,
            }
        }
        objects.sort_by(|a, b| a.key.cmp(&b.key));
        drop_directory_markers(&mut objects);
        Ok(objects)
    }

    /// A reader streaming the object `key`: a background thread fetches a few chunks ahead, so
    /// memory stays bounded whatever the object's size. A missing object fails here; a failure
    /// part-way is an `io::Error` naming the object from `read`.
    pub fn open(&self, key: &str) -> Result<impl io::Read + Send + 'static, StoreError> {
        let url = self.url_of(key);
        let path = self.object_path(key)?;
        let object = self.runtime.block_on(self.s3.get(&path)).map_err(|error| {
            StoreError::from_object_store(&url, "cannot read", self.endpoint(), &error)
        })?;
        ObjectReader::start(Arc::clone(&self.runtime), object.into_stream(), url)
            .map_err(|error| StoreError::from_io(&self.url_of(key), "cannot read", None, &error))
    }

    /// Uploads the local file `local` as `key`, streamed from disk (multipart when larger than
    /// one part). The object appears only once complete; on failure nothing is left behind.
    pub fn put_file(&self, local: &Path, key: &str) -> Result<(), StoreError> {
        let local_error = |error: io::Error| {
            StoreError::new(
                StoreErrorKind::LocalFile,
                &local.display().to_string(),
                format_args!("cannot read for upload to {}: {error}", self.url_of(key)),
            )
        };
        let mut file = File::open(local).map_err(local_error)?;
        let mut writer = self.writer(key)?;
        match io::copy(&mut file, &mut writer) {
            Ok(_) => writer.finish(),
            // A failed upload already says which object; a failed read names the file.
            Err(error) => Err(writer.take_failure().unwrap_or_else(|| local_error(error))),
        }
    }

    /// A writer creating the object `key`: data is uploaded in parts as it comes (memory
    /// bounded by a few parts), and the object appears only at [`S3Writer::finish`]. Dropping
    /// the writer without finishing aborts the upload.
    pub fn writer(&self, key: &str) -> Result<S3Writer, StoreError> {
        let path = self.object_path(key)?;
        Ok(S3Writer::new(
            Arc::clone(&self.runtime),
            Arc::clone(&self.s3) as _,
            path,
            self.url_of(key),
            self.endpoint.clone(),
        ))
    }

    fn endpoint(&self) -> Option<&str> {
        self.endpoint.as_deref()
    }

    /// object_store's name for `key`, which must be the key exactly: `Path::parse` refuses
    /// what it would otherwise rewrite (`a//b`, `.`, `..`, control characters).
    fn object_path(&self, key: &str) -> Result<ObjectPath, StoreError> {
        let path = ObjectPath::parse(key).map_err(|error| {
            StoreError::new(
                StoreErrorKind::BadKey,
                &self.url_of(key),
                format_args!("not a key logschema can address: {error}"),
            )
        })?;
        if path.as_ref() != key || key.is_empty() {
            return Err(StoreError::new(
                StoreErrorKind::BadKey,
                &self.url_of(key),
                "not a key logschema can address: an object key is not empty and has no leading or trailing '/'",
            ));
        }
        Ok(path)
    }
}

/// Drops the empty objects that stand for a directory (`logs/` shows in the listing as `logs`
/// once object_store has normalised it): an empty object with other keys below it.
fn drop_directory_markers(sorted: &mut Vec<ObjectInfo>) {
    let keys: Vec<String> = sorted.iter().map(|object| object.key.clone()).collect();
    let has_children = |key: &str| {
        let dir = format!("{key}/");
        let first_at_or_after = keys.partition_point(|other| *other < dir);
        keys.get(first_at_or_after)
            .is_some_and(|other| other.starts_with(&dir))
    };
    sorted.retain(|object| object.size > 0 || !has_children(&object.key));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(key: &str, size: u64) -> ObjectInfo {
        ObjectInfo {
            key: key.to_string(),
            size,
        }
    }

    #[test]
    fn empty_objects_with_keys_below_them_are_directory_markers() {
        let mut objects = vec![
            info("AWSLogs", 0),
            info("AWSLogs-empty.log", 0),
            info("AWSLogs/123/a.log.gz", 10),
            info("AWSLogs/123/empty.log", 0),
            info("other", 0),
        ];
        drop_directory_markers(&mut objects);
        let keys: Vec<&str> = objects.iter().map(|o| o.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "AWSLogs-empty.log",
                "AWSLogs/123/a.log.gz",
                "AWSLogs/123/empty.log",
                "other"
            ]
        );
    }
}
