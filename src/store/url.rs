//! `s3://bucket/prefix` URLs as written on the command line.

use std::fmt;

use super::error::StoreError;

const SCHEME: &str = "s3://";

/// Whether `text` is meant as an S3 location (`s3://...`), so a caller can route it here and
/// let [`S3Url::parse`] explain what is wrong with a bad one instead of looking for a local file.
pub fn is_s3_url(text: &str) -> bool {
    text.starts_with(SCHEME)
}

/// A bucket and a key prefix: `s3://bucket/prefix`.
///
/// The prefix is kept exactly as written (S3 prefixes are plain string prefixes, not
/// directories: `s3://logs/AWSLogs/1` also matches `AWSLogs/123456789012/...`); `s3://bucket`
/// and `s3://bucket/` name the whole bucket (prefix `""`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Url {
    pub bucket: String,
    pub prefix: String,
}

impl S3Url {
    pub fn parse(text: &str) -> Result<S3Url, StoreError> {
        let bad = |reason: &str| StoreError::bad_url(text, reason);
        let rest = text
            .strip_prefix(SCHEME)
            .ok_or_else(|| bad("not an S3 URL: expected s3://BUCKET or s3://BUCKET/PREFIX"))?;
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() {
            return Err(bad(
                "the bucket name is missing: expected s3://BUCKET/PREFIX",
            ));
        }
        check_bucket_name(bucket).map_err(|reason| bad(&reason))?;
        if let Some(c) = prefix.chars().find(char::is_ascii_control) {
            return Err(bad(&format!(
                "the key prefix holds a control character ({:?})",
                c
            )));
        }
        Ok(S3Url {
            bucket: bucket.to_string(),
            prefix: prefix.to_string(),
        })
    }

    /// `s3://bucket/key` for a key of this URL's bucket, as messages name objects.
    pub fn object(&self, key: &str) -> String {
        object_url(&self.bucket, key)
    }
}

impl fmt::Display for S3Url {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{SCHEME}{}/{}", self.bucket, self.prefix)
    }
}

/// `s3://bucket/key`.
pub(crate) fn object_url(bucket: &str, key: &str) -> String {
    format!("{SCHEME}{bucket}/{key}")
}

/// S3's bucket naming rules, loosened for the legacy names some old us-east-1 buckets still
/// have (capitals, underscores): a typo such as `s3://my bucket` or `s3://logs?x` fails here
/// with the rule rather than later as an obscure HTTP error.
fn check_bucket_name(bucket: &str) -> Result<(), String> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_');
    if let Some(c) = bucket.chars().find(|&c| !allowed(c)) {
        return Err(format!(
            "bucket name {bucket:?} holds {c:?}: bucket names are letters, digits, '.', '-' and '_'"
        ));
    }
    if !(3..=63).contains(&bucket.len()) {
        return Err(format!(
            "bucket name {bucket:?} is {} characters long: bucket names have 3 to 63",
            bucket.len()
        ));
    }
    let edges_ok = bucket.starts_with(|c: char| c.is_ascii_alphanumeric())
        && bucket.ends_with(|c: char| c.is_ascii_alphanumeric());
    if !edges_ok {
        return Err(format!(
            "bucket name {bucket:?} must start and end with a letter or digit"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> (String, String) {
        let url = S3Url::parse(text).unwrap();
        (url.bucket, url.prefix)
    }

    fn error(text: &str) -> String {
        S3Url::parse(text).unwrap_err().to_string()
    }

    #[test]
    fn bucket_and_prefix_are_split_at_the_first_slash_and_the_prefix_is_kept_as_written() {
        assert_eq!(
            parsed("s3://logs/AWSLogs/123456789012/vpcflowlogs/"),
            ("logs".into(), "AWSLogs/123456789012/vpcflowlogs/".into())
        );
        assert_eq!(
            parsed("s3://logs/AWSLogs/1"),
            ("logs".into(), "AWSLogs/1".into())
        );
        assert_eq!(parsed("s3://logs/a//b c"), ("logs".into(), "a//b c".into()));
        assert_eq!(
            parsed("s3://my-logs.example/x"),
            ("my-logs.example".into(), "x".into())
        );
    }

    #[test]
    fn a_bucket_alone_is_the_whole_bucket() {
        assert_eq!(parsed("s3://logs"), ("logs".into(), "".into()));
        assert_eq!(parsed("s3://logs/"), ("logs".into(), "".into()));
    }

    #[test]
    fn display_gives_the_url_back() {
        let url = S3Url::parse("s3://logs/AWSLogs/").unwrap();
        assert_eq!(url.to_string(), "s3://logs/AWSLogs/");
        assert_eq!(url.object("AWSLogs/a.gz"), "s3://logs/AWSLogs/a.gz");
        assert_eq!(S3Url::parse("s3://logs").unwrap().to_string(), "s3://logs/");
    }

    #[test]
    fn is_s3_url_looks_at_the_scheme_only() {
        assert!(is_s3_url("s3://logs/x"));
        assert!(is_s3_url("s3://"));
        assert!(!is_s3_url("logs/x"));
        assert!(!is_s3_url("./s3://x"));
        assert!(!is_s3_url("https://logs.s3.amazonaws.com/x"));
        assert!(!is_s3_url("-"));
    }

    #[test]
    fn bad_urls_are_explained() {
        assert_eq!(
            error("https://logs.s3.amazonaws.com/x"),
            "https://logs.s3.amazonaws.com/x: not an S3 URL: expected s3://BUCKET or s3://BUCKET/PREFIX"
        );
        assert_eq!(
            error("s3://"),
            "s3://: the bucket name is missing: expected s3://BUCKET/PREFIX"
        );
        assert_eq!(
            error("s3:///AWSLogs/"),
            "s3:///AWSLogs/: the bucket name is missing: expected s3://BUCKET/PREFIX"
        );
        assert_eq!(
            error("s3://my logs/x"),
            "s3://my logs/x: bucket name \"my logs\" holds ' ': bucket names are letters, digits, '.', '-' and '_'"
        );
        assert_eq!(
            error("s3://logs?versionId=1"),
            "s3://logs?versionId=1: bucket name \"logs?versionId=1\" holds '?': bucket names are letters, digits, '.', '-' and '_'"
        );
        assert_eq!(
            error("s3://ab/x"),
            "s3://ab/x: bucket name \"ab\" is 2 characters long: bucket names have 3 to 63"
        );
        assert_eq!(
            error("s3://-logs/x"),
            "s3://-logs/x: bucket name \"-logs\" must start and end with a letter or digit"
        );
        // The URL is named escaped: a newline in it cannot start a line of its own.
        assert_eq!(
            error("s3://logs/a\nb"),
            "s3://logs/a\\nb: the key prefix holds a control character ('\\n')"
        );
    }

    #[test]
    fn a_bad_url_is_a_bad_url_error() {
        let error = S3Url::parse("s3://").unwrap_err();
        assert_eq!(error.kind(), crate::store::StoreErrorKind::BadUrl);
    }
}
