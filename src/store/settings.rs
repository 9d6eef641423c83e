//! Which S3 service to talk to and with which credentials, from `AWS_*` environment variables.

use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

use object_store::aws::{AmazonS3Builder, AmazonS3ConfigKey};
use object_store::RetryConfig;

use super::error::{StoreError, StoreErrorKind};
use super::redact::{redact_url_credentials, HIDDEN};

/// Where no region is configured, as the AWS SDKs do for S3.
const DEFAULT_REGION: &str = "us-east-1";

/// The `AWS_*` variables an S3 client is built from (see the module documentation for which
/// ones count), and the retry policy. `Debug` hides the secrets.
#[derive(Clone)]
pub struct S3Settings {
    /// `AWS_*` variables with non-empty values (an empty `AWS_SESSION_TOKEN=` left by a CI
    /// script means "none", not "the empty token").
    vars: Vec<(String, String)>,
    retry: RetryConfig,
}

impl fmt::Debug for S3Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let vars: Vec<(&str, Cow<'_, str>)> = self
            .vars
            .iter()
            .map(|(key, value)| (key.as_str(), shown_value(key, value)))
            .collect();
        f.debug_struct("S3Settings")
            .field("vars", &vars)
            .field("retry", &self.retry)
            .finish()
    }
}

/// A variable's value as `Debug` shows it: secrets hidden whole, credentials in URLs hidden.
fn shown_value<'a>(key: &str, value: &'a str) -> Cow<'a, str> {
    let secret = ["SECRET", "TOKEN", "PASSWORD"]
        .iter()
        .any(|word| key.contains(word));
    if secret {
        Cow::Borrowed(HIDDEN)
    } else {
        redact_url_credentials(value)
    }
}

impl S3Settings {
    /// The process environment's `AWS_*` variables.
    pub fn from_env() -> Self {
        let vars = std::env::vars_os()
            .filter_map(|(key, value)| Some((key.into_string().ok()?, value.into_string().ok()?)));
        Self::from_vars(vars)
    }

    /// The `AWS_*` variables among `vars` (others are ignored), as if they were the environment:
    /// for tests and for callers that hold settings of their own.
    pub fn from_vars<K, V>(vars: impl IntoIterator<Item = (K, V)>) -> Self
    where
        K: Into<String>,
        V: Into<String>,
    {
        let vars = vars
            .into_iter()
            .map(|(key, value)| (key.into(), value.into()))
            .filter(|(key, value)| key.starts_with("AWS_") && !value.is_empty())
            .collect();
        S3Settings {
            vars,
            retry: RetryConfig::default(),
        }
    }

    /// Retries of a failed request (connection errors, 5xx, throttling): at most `max_retries`
    /// and none after `timeout`. The default is object_store's: 10 retries within 3 minutes,
    /// with exponential backoff from 100 ms, which rides out S3's throttling; a refused
    /// connection (a wrong endpoint port) is then reported after about 4 seconds, an address
    /// that does not answer at all after up to 3 minutes.
    pub fn with_retries(mut self, max_retries: usize, timeout: Duration) -> Self {
        self.retry.max_retries = max_retries;
        self.retry.retry_timeout = timeout;
        self
    }

    fn var(&self, name: &str) -> Option<&str> {
        self.vars
            .iter()
            .rev() // the last value given wins, as when setting variables one after another
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// The endpoint override for S3-compatible stores: `AWS_ENDPOINT_URL_S3`, else
    /// `AWS_ENDPOINT_URL` (the AWS SDKs' variables, the service-specific one first), else
    /// object_store's own `AWS_ENDPOINT`. `None` means AWS itself.
    pub fn endpoint(&self) -> Option<&str> {
        ["AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL", "AWS_ENDPOINT"]
            .into_iter()
            .find_map(|name| self.var(name))
    }

    /// `AWS_REGION`, else `AWS_DEFAULT_REGION`, else us-east-1.
    pub fn region(&self) -> &str {
        self.var("AWS_REGION")
            .or_else(|| self.var("AWS_DEFAULT_REGION"))
            .unwrap_or(DEFAULT_REGION)
    }

    /// object_store's builder for `bucket`, configured from these settings.
    pub(crate) fn builder(&self, bucket: &str) -> Result<AmazonS3Builder, StoreError> {
        self.check_credential_sources(bucket)?;
        // The same reading of the variables as `AmazonS3Builder::from_env`, over our list.
        let mut builder = AmazonS3Builder::new();
        for (key, value) in &self.vars {
            if let Ok(config_key) = key.to_ascii_lowercase().parse::<AmazonS3ConfigKey>() {
                builder = builder.with_config(config_key, value);
            }
        }
        builder = builder
            .with_bucket_name(bucket)
            .with_region(self.region())
            .with_retry(self.retry.clone());
        if let Some(endpoint) = self.endpoint() {
            // S3-compatible stores (MinIO, moto, Ceph, ...) serve buckets as paths of one host
            // and often speak plain HTTP on a private address.
            builder = builder
                .with_endpoint(endpoint)
                .with_virtual_hosted_style_request(false);
            if endpoint.to_ascii_lowercase().starts_with("http://") {
                builder = builder.with_allow_http(true);
            }
        }
        Ok(builder)
    }

    /// object_store reads no `~/.aws/config` or `~/.aws/credentials`: with `AWS_PROFILE` set and
    /// no credentials in the environment it would fall back to the EC2 instance metadata
    /// service and, off EC2, fail slowly and obscurely. Say what to do instead.
    fn check_credential_sources(&self, bucket: &str) -> Result<(), StoreError> {
        let has_credentials = [
            "AWS_ACCESS_KEY_ID",
            "AWS_WEB_IDENTITY_TOKEN_FILE",
            "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
            "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        ]
        .into_iter()
        .any(|name| self.var(name).is_some());
        match self.var("AWS_PROFILE") {
            Some(profile) if !has_credentials => Err(StoreError::new(
                StoreErrorKind::Config,
                &format!("s3://{bucket}"),
                format_args!(
                    "AWS_PROFILE={profile} is set, but logschema reads no AWS profiles \
                     (~/.aws/config, ~/.aws/credentials); put the credentials in the environment, \
                     for example with `eval \"$(aws configure export-credentials --profile {profile} --format env)\"`"
                ),
            )),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_service_specific_endpoint_wins_and_empty_values_do_not_count() {
        let settings = S3Settings::from_vars([
            ("AWS_ENDPOINT_URL", "http://127.0.0.1:9000"),
            ("AWS_ENDPOINT_URL_S3", ""),
        ]);
        assert_eq!(settings.endpoint(), Some("http://127.0.0.1:9000"));
        let settings = S3Settings::from_vars([
            ("AWS_ENDPOINT_URL", "http://127.0.0.1:9000"),
            ("AWS_ENDPOINT_URL_S3", "https://minio.internal"),
        ]);
        assert_eq!(settings.endpoint(), Some("https://minio.internal"));
        assert_eq!(S3Settings::from_vars([("HOME", "/root")]).endpoint(), None);
    }

    #[test]
    fn the_region_comes_from_aws_region_then_aws_default_region_then_us_east_1() {
        let region = |vars: &[(&str, &str)]| {
            S3Settings::from_vars(vars.iter().copied())
                .region()
                .to_string()
        };
        assert_eq!(
            region(&[
                ("AWS_DEFAULT_REGION", "eu-west-1"),
                ("AWS_REGION", "eu-central-1")
            ]),
            "eu-central-1"
        );
        assert_eq!(region(&[("AWS_DEFAULT_REGION", "eu-west-1")]), "eu-west-1");
        assert_eq!(region(&[("AWS_REGION", "")]), "us-east-1");
        assert_eq!(region(&[]), "us-east-1");
    }

    #[test]
    fn debug_output_hides_secrets_and_passwords_in_endpoints() {
        let settings = S3Settings::from_vars([
            ("AWS_ENDPOINT_URL", "http://minio:hunter2@127.0.0.1:9000"),
            ("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"),
            ("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI"),
            ("AWS_SESSION_TOKEN", "FwoGZXIvYXdzEB"),
            ("AWS_REGION", "eu-west-1"),
        ]);
        let shown = format!("{settings:?}");
        for secret in ["hunter2", "minio:", "wJalrXUtnFEMI", "FwoGZXIvYXdzEB"] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
        for kept in ["http://***@127.0.0.1:9000", "AKIDEXAMPLE", "eu-west-1"] {
            assert!(shown.contains(kept), "{kept} not in {shown}");
        }
        // The client built from them shows no more.
        let store = crate::store::S3Store::connect_with("logs", &settings).expect("client");
        let shown = format!("{store:?}");
        assert!(
            !shown.contains("hunter2") && !shown.contains("wJalr"),
            "{shown}"
        );
        assert!(shown.contains("http://***@127.0.0.1:9000"), "{shown}");
    }

    #[test]
    fn a_profile_without_credentials_in_the_environment_is_explained() {
        let settings = S3Settings::from_vars([("AWS_PROFILE", "prod")]);
        let error = settings.builder("logs").unwrap_err();
        assert_eq!(error.kind(), StoreErrorKind::Config);
        let message = error.to_string();
        assert!(
            message.starts_with(
                "s3://logs: AWS_PROFILE=prod is set, but logschema reads no AWS profiles"
            ),
            "{message}"
        );
        assert!(message.contains("aws configure export-credentials --profile prod"));
        // With credentials in the environment the profile name is harmless.
        let settings = S3Settings::from_vars([
            ("AWS_PROFILE", "prod"),
            ("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"),
            ("AWS_SECRET_ACCESS_KEY", "secret"),
        ]);
        assert!(settings.builder("logs").is_ok());
    }
}
