//! S3 as a place to read logs from and write output to: a small blocking API over the
//! `object_store` crate, for a bucket at a time.
//!
//! ```no_run
//! use logschema::store::{S3Store, S3Url};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let url = S3Url::parse("s3://logs/AWSLogs/123456789012/vpcflowlogs/")?;
//! let store = S3Store::connect(&url.bucket)?;
//! for object in store.list(&url.prefix)? {
//!     let mut reader = store.open(&object.key)?; // streamed, gzip or not
//!     std::io::copy(&mut reader, &mut std::io::sink())?;
//! }
//! let mut out = store.writer("parsed/vpcflow.json")?;
//! std::io::Write::write_all(&mut out, b"{}\n")?;
//! out.finish()?; // the object appears now, whole
//! # Ok(()) }
//! ```
//!
//! # Credentials and endpoints
//!
//! [`S3Store::connect`] reads `AWS_*` environment variables the way object_store's
//! `AmazonS3Builder::from_env` does (empty values are ignored). Credentials are taken from the
//! first of these that is configured:
//!
//! 1. `AWS_ACCESS_KEY_ID` + `AWS_SECRET_ACCESS_KEY` (+ `AWS_SESSION_TOKEN` for temporary ones);
//! 2. web identity (EKS IRSA, GitHub OIDC): `AWS_WEB_IDENTITY_TOKEN_FILE` + `AWS_ROLE_ARN`
//!    (`AWS_ROLE_SESSION_NAME`, `AWS_ENDPOINT_URL_STS` optional), exchanged with STS;
//! 3. ECS task roles: `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI`; EKS Pod Identity:
//!    `AWS_CONTAINER_CREDENTIALS_FULL_URI` + `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`;
//! 4. otherwise the EC2 instance metadata service (IMDSv2, an instance profile).
//!
//! Not supported: `~/.aws/config` and `~/.aws/credentials` profiles, SSO, `credential_process`
//! (object_store reads no AWS config files). With `AWS_PROFILE` set and none of 1-3 present,
//! connecting fails with a message saying how to export the profile's credentials
//! (`aws configure export-credentials --format env`).
//!
//! The region is `AWS_REGION`, else `AWS_DEFAULT_REGION`, else us-east-1. An S3-compatible
//! store (MinIO, Ceph, moto, ...) is reached with `AWS_ENDPOINT_URL_S3` or `AWS_ENDPOINT_URL`
//! (the AWS SDKs' variables; the first wins); requests then use path-style addressing
//! (`ENDPOINT/bucket/key`), and plain HTTP is allowed when the endpoint is `http://`.
//!
//! Failed requests are retried (object_store's policy: up to 10 times within 3 minutes, with
//! backoff from 100 ms): a refused connection is reported after about 4 seconds, an address
//! that never answers after up to 3 minutes; [`S3Settings::with_retries`] changes that.
//!
//! # Threads and memory
//!
//! Every call blocks the calling thread on a current-thread tokio runtime the store owns.
//! [`S3Store::open`] streams through a small read-ahead buffer (16 chunks, a few hundred KiB);
//! [`S3Writer`] holds at most three parts of [`PART_SIZE`] (24 MiB).

#[cfg(feature = "s3")]
mod client;
#[cfg(not(feature = "s3"))]
mod disabled;
mod error;
#[cfg(feature = "s3")]
mod reader;
mod redact;
#[cfg(feature = "s3")]
mod settings;
mod url;
#[cfg(feature = "s3")]
mod writer;

#[cfg(feature = "s3")]
pub use client::{ObjectInfo, S3Store};
#[cfg(not(feature = "s3"))]
pub use disabled::{ObjectInfo, S3Store, S3Writer, PART_SIZE};
pub use error::{StoreError, StoreErrorKind};
#[cfg(feature = "s3")]
pub use settings::S3Settings;
pub use url::{is_s3_url, S3Url};
#[cfg(feature = "s3")]
pub use writer::{S3Writer, PART_SIZE};
