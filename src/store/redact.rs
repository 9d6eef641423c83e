//! Credentials in URLs hidden before anything is shown: an endpoint may be given as
//! `AWS_ENDPOINT_URL=http://user:secret@host:9000`, and both our messages and the HTTP client's
//! errors (`error sending request for url (http://user:secret@host:9000/...)`) would print it.

use std::borrow::Cow;

/// What stands in for the user name and password of a URL.
pub const HIDDEN: &str = "***";

/// `text` with the user information of every URL in it (`scheme://USER:PASSWORD@host`) replaced
/// by `***`.
pub fn redact_url_credentials(text: &str) -> Cow<'_, str> {
    if !text.contains("://") {
        return Cow::Borrowed(text);
    }
    let mut shown = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(scheme_end) = rest.find("://") {
        let authority_start = scheme_end + "://".len();
        shown.push_str(&rest[..authority_start]);
        rest = &rest[authority_start..];
        // The authority ends where the path, query or fragment starts (RFC 3986), or at the
        // end of the URL in running text.
        let authority_end = rest
            .find(|c: char| matches!(c, '/' | '?' | '#') || c.is_whitespace() || c == '"')
            .unwrap_or(rest.len());
        if let Some(at) = rest[..authority_end].rfind('@') {
            shown.push_str(HIDDEN);
            rest = &rest[at..];
        }
    }
    shown.push_str(rest);
    Cow::Owned(shown)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_and_password_are_hidden_host_and_path_kept() {
        assert_eq!(
            redact_url_credentials("http://user:secret@127.0.0.1:9000"),
            "http://***@127.0.0.1:9000"
        );
        assert_eq!(
            redact_url_credentials(
                "error sending request for url (https://AKID:s3cr%2Ft@minio.internal/logs?list-type=2)"
            ),
            "error sending request for url (https://***@minio.internal/logs?list-type=2)"
        );
        // A password holding `@` is hidden whole; several URLs are each redacted.
        assert_eq!(
            redact_url_credentials("http://u:p@ss@h/a and s3://k@b/c"),
            "http://***@h/a and s3://***@b/c"
        );
    }

    #[test]
    fn urls_without_credentials_and_other_text_are_left_alone() {
        for text in [
            "http://127.0.0.1:9000",
            "s3://logs/AWSLogs/user@example.com/a.log",
            "mailto user@example.com",
            "http://host/path?email=a@b",
            "",
        ] {
            assert_eq!(redact_url_credentials(text), text);
        }
    }
}
