//! What went wrong with an S3 operation, naming the bucket or object and the cause.

// Without the `s3` feature only the messages of the disabled store are made here.
#![cfg_attr(not(feature = "s3"), allow(dead_code))]

use std::fmt;
use std::io;

use super::redact::redact_url_credentials;

/// The broad reason, for callers that react differently (a missing object against a network
/// failure, say). The message is in [`StoreError`]'s `Display`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum StoreErrorKind {
    /// An `s3://` URL that cannot be parsed.
    BadUrl,
    /// An object key object_store cannot address (an empty segment as in `a//b`, `.` or `..`,
    /// a control character).
    BadKey,
    /// The settings from the environment cannot make a client (a secret without a key id, a
    /// profile we cannot read, ...).
    Config,
    /// No such bucket or object.
    NotFound,
    /// The credentials were refused or are missing.
    PermissionDenied,
    /// Any other failure of a request: the network, the endpoint, the server.
    Request,
    /// A local file (the source of an upload) cannot be read.
    LocalFile,
}

/// An S3 failure. `Display` reads `SUBJECT: WHAT FAILED: CAUSE`, the subject being the
/// `s3://bucket/key` (or URL, or local path) concerned; when an endpoint override is in force it
/// is named too, since a wrong endpoint is a common cause.
#[derive(Debug)]
pub struct StoreError {
    kind: StoreErrorKind,
    message: String,
}

impl StoreError {
    pub fn kind(&self) -> StoreErrorKind {
        self.kind
    }

    /// The one way messages are made: the subject (a URL, key or path from outside) is escaped
    /// onto one line, and credentials in URLs (an endpoint's `user:password@`) are hidden.
    pub(crate) fn new(kind: StoreErrorKind, subject: &str, message: impl fmt::Display) -> Self {
        let message = format!("{}: {message}", crate::escape::name(subject));
        StoreError {
            kind,
            message: redact_url_credentials(&message).into_owned(),
        }
    }

    pub(crate) fn bad_url(url: &str, reason: &str) -> Self {
        Self::new(StoreErrorKind::BadUrl, url, reason)
    }

    /// An object_store failure of `action` ("cannot list objects") on `subject`.
    #[cfg(feature = "s3")]
    pub(crate) fn from_object_store(
        subject: &str,
        action: &str,
        endpoint: Option<&str>,
        error: &object_store::Error,
    ) -> Self {
        let kind = match error {
            object_store::Error::NotFound { .. } => StoreErrorKind::NotFound,
            object_store::Error::PermissionDenied { .. }
            | object_store::Error::Unauthenticated { .. } => StoreErrorKind::PermissionDenied,
            object_store::Error::InvalidPath { .. } => StoreErrorKind::BadKey,
            _ => StoreErrorKind::Request,
        };
        Self::from_cause(kind, subject, action, endpoint, &error_chain(error))
    }

    /// An I/O failure of `action`, as the streaming reader and writer report object_store's
    /// errors (object_store converts its own errors to `io::Error` keeping the kind).
    pub(crate) fn from_io(
        subject: &str,
        action: &str,
        endpoint: Option<&str>,
        error: &io::Error,
    ) -> Self {
        let kind = match error.kind() {
            io::ErrorKind::NotFound => StoreErrorKind::NotFound,
            io::ErrorKind::PermissionDenied => StoreErrorKind::PermissionDenied,
            _ => StoreErrorKind::Request,
        };
        Self::from_cause(kind, subject, action, endpoint, &error_chain(error))
    }

    fn from_cause(
        kind: StoreErrorKind,
        subject: &str,
        action: &str,
        endpoint: Option<&str>,
        cause: &str,
    ) -> Self {
        // S3 answers 404 for a missing bucket as for a missing key; its error code tells them apart.
        let (kind, summary) = if cause.contains("NoSuchBucket") {
            (StoreErrorKind::NotFound, Some("no such bucket"))
        } else if kind == StoreErrorKind::NotFound {
            (kind, Some("no such object"))
        } else if kind == StoreErrorKind::PermissionDenied {
            (kind, Some("access denied (check the AWS credentials)"))
        } else {
            (kind, None)
        };
        let endpoint = endpoint
            .map(|endpoint| format!(" (endpoint {endpoint})"))
            .unwrap_or_default();
        let message = match summary {
            Some(summary) => format!("{action}: {summary}{endpoint}: {cause}"),
            None => format!("{action}{endpoint}: {cause}"),
        };
        Self::new(kind, subject, message)
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for StoreError {}

impl From<StoreError> for io::Error {
    fn from(error: StoreError) -> Self {
        let kind = match error.kind {
            StoreErrorKind::NotFound => io::ErrorKind::NotFound,
            StoreErrorKind::PermissionDenied => io::ErrorKind::PermissionDenied,
            StoreErrorKind::BadUrl | StoreErrorKind::BadKey | StoreErrorKind::Config => {
                io::ErrorKind::InvalidInput
            }
            _ => io::ErrorKind::Other,
        };
        io::Error::new(kind, error.message)
    }
}

/// An error and its sources, each once (object_store's messages often repeat their source's
/// text, and often leave out the part that says what happened: connection refused, ...), on
/// one line, with S3's XML error document reduced to its code and message.
pub(crate) fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    redact_url_credentials(&one_line(&shorten_xml_error(&text))).into_owned()
}

/// `...: <?xml ...?><Error><Code>NoSuchKey</Code><Message>The specified key does not
/// exist.</Message><RequestId>...</Error>` becomes `...: NoSuchKey: The specified key does not
/// exist.`
fn shorten_xml_error(text: &str) -> String {
    let element = |name: &str| {
        let open = format!("<{name}>");
        let start = text.find(&open)? + open.len();
        let end = start + text[start..].find(&format!("</{name}>"))?;
        Some(text[start..end].to_string())
    };
    let Some(document_start) = text.find("<?xml").or_else(|| text.find("<Error>")) else {
        return text.to_string();
    };
    let (Some(code), Some(document_end)) = (element("Code"), text.find("</Error>")) else {
        return text.to_string();
    };
    let summary = match element("Message") {
        Some(message) => format!("{code}: {message}"),
        None => code,
    };
    let after = &text[document_end + "</Error>".len()..];
    format!("{}{summary}{after}", &text[..document_start])
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(all(test, feature = "s3"))]
mod tests {
    use super::*;

    fn not_found() -> object_store::Error {
        object_store::Error::NotFound {
            path: "AWSLogs/a.log.gz".into(),
            source: "Client error with status 404 Not Found: <Code>NoSuchKey</Code>".into(),
        }
    }

    #[test]
    fn a_missing_object_is_named_with_the_cause() {
        let error = StoreError::from_object_store(
            "s3://logs/AWSLogs/a.log.gz",
            "cannot read",
            None,
            &not_found(),
        );
        assert_eq!(error.kind(), StoreErrorKind::NotFound);
        let message = error.to_string();
        assert!(
            message.starts_with("s3://logs/AWSLogs/a.log.gz: cannot read: no such object: "),
            "{message}"
        );
        assert!(message.contains("NoSuchKey"), "{message}");
    }

    #[test]
    fn a_missing_bucket_is_told_from_a_missing_object_and_the_endpoint_is_named() {
        let error = object_store::Error::Generic {
            store: "S3",
            source: "Client error with status 404 Not Found: <Code>NoSuchBucket</Code>".into(),
        };
        let error = StoreError::from_object_store(
            "s3://nope/AWSLogs/",
            "cannot list objects",
            Some("http://127.0.0.1:9000"),
            &error,
        );
        assert_eq!(error.kind(), StoreErrorKind::NotFound);
        assert!(
            error.to_string().starts_with(
                "s3://nope/AWSLogs/: cannot list objects: no such bucket (endpoint http://127.0.0.1:9000): "
            ),
            "{error}"
        );
    }

    #[test]
    fn refused_credentials_say_so() {
        let error = object_store::Error::PermissionDenied {
            path: "k".into(),
            source: "Client error with status 403 Forbidden: InvalidAccessKeyId".into(),
        };
        let error = StoreError::from_object_store("s3://logs/k", "cannot read", None, &error);
        assert_eq!(error.kind(), StoreErrorKind::PermissionDenied);
        assert!(
            error.to_string().starts_with(
                "s3://logs/k: cannot read: access denied (check the AWS credentials): "
            ),
            "{error}"
        );
    }

    #[test]
    fn other_failures_keep_their_cause_and_name_the_endpoint() {
        let io = io::Error::new(io::ErrorKind::ConnectionRefused, "connection refused");
        let error = StoreError::from_io(
            "s3://logs/out.json",
            "cannot write",
            Some("http://127.0.0.1:1"),
            &io,
        );
        assert_eq!(error.kind(), StoreErrorKind::Request);
        assert_eq!(
            error.to_string(),
            "s3://logs/out.json: cannot write (endpoint http://127.0.0.1:1): connection refused"
        );
    }

    #[test]
    fn credentials_in_the_endpoint_and_in_the_cause_are_hidden() {
        let io = io::Error::other(
            "error sending request for url (http://minio:hunter2@127.0.0.1:1/logs?list-type=2)",
        );
        let error = StoreError::from_io(
            "s3://logs/",
            "cannot list objects",
            Some("http://minio:hunter2@127.0.0.1:1"),
            &io,
        );
        assert_eq!(
            error.to_string(),
            "s3://logs/: cannot list objects (endpoint http://***@127.0.0.1:1): \
             error sending request for url (http://***@127.0.0.1:1/logs?list-type=2)"
        );
        assert!(!error_chain(&io).contains("hunter2"));
    }

    #[test]
    fn the_cause_chain_is_spelled_out_once() {
        #[derive(Debug)]
        struct Outer(io::Error);
        impl fmt::Display for Outer {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("error sending request")
            }
        }
        impl std::error::Error for Outer {
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                Some(&self.0)
            }
        }
        let outer = Outer(io::Error::other("Connection refused (os error 111)"));
        assert_eq!(
            error_chain(&outer),
            "error sending request: Connection refused (os error 111)"
        );
    }

    #[test]
    fn s3_error_documents_are_reduced_to_code_and_message_on_one_line() {
        let text = "Server returned non-2xx status code: 404 Not Found: <?xml version=\"1.0\" encoding=\"utf-8\"?>\n<Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message><BucketName>nope</BucketName><RequestId>36Dl</RequestId></Error>";
        let error = io::Error::other(text);
        assert_eq!(
            error_chain(&error),
            "Server returned non-2xx status code: 404 Not Found: NoSuchBucket: The specified bucket does not exist"
        );
        // Anything else is kept, on one line.
        let error = io::Error::other("<Error>no code</Error>\n  next line");
        assert_eq!(error_chain(&error), "<Error>no code</Error> next line");
    }

    #[test]
    fn store_errors_become_io_errors_with_the_same_message() {
        let error = StoreError::bad_url("s3://", "the bucket name is missing");
        let io: io::Error = error.into();
        assert_eq!(io.kind(), io::ErrorKind::InvalidInput);
        assert_eq!(io.to_string(), "s3://: the bucket name is missing");
    }
}
