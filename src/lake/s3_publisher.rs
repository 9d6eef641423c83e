//! Parquet files bound for S3: staged in a local temporary directory, uploaded when complete (an
//! S3 object appears only when its upload completes), then deleted locally.

use std::path::{Path, PathBuf};

use tempfile::TempDir;

use super::parquet_sink::Publisher;
use crate::store::{S3Store, S3Url};

pub struct S3Prefix {
    store: S3Store,
    /// Keys start with this: the `--output` prefix and a `/` unless it is empty or ends in one.
    key_prefix: String,
    staging: TempDir,
}

impl S3Prefix {
    /// Connects to the bucket of `s3://bucket/prefix`.
    pub fn connect(url: &str) -> Result<Self, String> {
        let location = S3Url::parse(url).map_err(|error| error.to_string())?;
        let store = S3Store::connect(&location.bucket).map_err(|error| error.to_string())?;
        let staging = tempfile::Builder::new()
            .prefix("logschema-parquet-")
            .tempdir()
            .map_err(|error| format!("cannot create a staging directory: {error}"))?;
        let mut key_prefix = location.prefix;
        if !key_prefix.is_empty() && !key_prefix.ends_with('/') {
            key_prefix.push('/');
        }
        Ok(S3Prefix {
            store,
            key_prefix,
            staging,
        })
    }
}

impl Publisher for S3Prefix {
    fn staging_path(&mut self, relative: &str) -> Result<PathBuf, String> {
        // Flat names: the relative path's `/` would need directories.
        Ok(self.staging.path().join(relative.replace('/', "__")))
    }

    fn location_of(&self, relative: &str) -> String {
        let url = self.store.url_of(&format!("{}{relative}", self.key_prefix));
        crate::escape::name(&url).into_owned()
    }

    fn publish(&mut self, staged: &Path, relative: &str) -> Result<String, String> {
        let key = format!("{}{relative}", self.key_prefix);
        self.store
            .put_file(staged, &key)
            .map_err(|error| error.to_string())?;
        let _ = std::fs::remove_file(staged);
        Ok(self.store.url_of(&key))
    }
}
