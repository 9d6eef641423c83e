//! `sources.yml`: which log type each object is, by bucket and key. Rules are tried in order and
//! the first that matches wins; an object no rule matches is an error for its message.
//!
//! ```yaml
//! sources:
//!   - bucket: org-logs                        # exact name, or a glob (`*` for any bucket)
//!     prefix: AWSLogs/123456789012/vpcflowlogs/
//!     log_type: AWS.VPCFlow
//!   - bucket: org-logs
//!     glob: "dns/**/*.log.gz"                 # `*` and `?` stay within a `/`-segment, `**` not
//!     log_type: AWS.VPCDns
//! ```

use serde::Deserialize;

use crate::runtime::LogType;

/// The routing rules, checked against the compiled-in log types.
#[derive(Debug, Clone)]
pub struct Routes {
    rules: Vec<Rule>,
}

#[derive(Debug, Clone)]
struct Rule {
    bucket: String,
    prefix: Option<String>,
    glob: Option<String>,
    log_type: &'static LogType,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    sources: Vec<RuleText>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleText {
    bucket: String,
    prefix: Option<String>,
    glob: Option<String>,
    log_type: String,
}

impl Routes {
    /// Every object to one log type (`--log-type`).
    pub fn single(log_type: &'static LogType) -> Routes {
        Routes {
            rules: vec![Rule {
                bucket: "*".to_string(),
                prefix: None,
                glob: None,
                log_type,
            }],
        }
    }

    /// Reads `sources.yml` text; `name` is the file's name for messages, which are located
    /// (`file:line:col`) when the YAML itself is wrong.
    pub fn parse(name: &str, text: &str) -> Result<Routes, String> {
        let file: File = serde_yaml::from_str(text).map_err(|error| match error.location() {
            Some(at) => {
                let text = error.to_string();
                let suffix = format!(" at line {} column {}", at.line(), at.column());
                let text = text.strip_suffix(&suffix).unwrap_or(&text);
                format!("{name}:{}:{}: {text}", at.line(), at.column())
            }
            None => format!("{name}: {error}"),
        })?;
        if file.sources.is_empty() {
            return Err(format!("{name}: `sources` lists no rules"));
        }
        let mut rules = Vec::new();
        for (index, rule) in file.sources.into_iter().enumerate() {
            let at = format!("{name}: sources[{index}]");
            let log_type = crate::find_log_type(&rule.log_type).ok_or_else(|| {
                format!("{at}: {}", crate::unknown_log_type_message(&rule.log_type))
            })?;
            if rule.prefix.is_some() && rule.glob.is_some() {
                return Err(format!("{at}: give `prefix` or `glob`, not both"));
            }
            if rule.bucket.is_empty() {
                return Err(format!("{at}: `bucket` is empty (`*` matches any bucket)"));
            }
            rules.push(Rule {
                bucket: rule.bucket,
                prefix: rule.prefix,
                glob: rule.glob,
                log_type,
            });
        }
        Ok(Routes { rules })
    }

    /// Reads the file at `path`.
    pub fn load(path: &std::path::Path) -> Result<Routes, String> {
        let name = crate::escape::path(path);
        let text = std::fs::read_to_string(path)
            .map_err(|error| format!("{name}: cannot read: {error}"))?;
        Self::parse(&name, &text)
    }

    /// The log type of `s3://bucket/key`: the first rule that matches.
    pub fn route(&self, bucket: &str, key: &str) -> Result<&'static LogType, String> {
        self.rules
            .iter()
            .find(|rule| {
                glob_match(&rule.bucket, bucket)
                    && rule
                        .prefix
                        .as_ref()
                        .is_none_or(|prefix| key.starts_with(prefix.as_str()))
                    && rule.glob.as_ref().is_none_or(|glob| glob_match(glob, key))
            })
            .map(|rule| rule.log_type)
            .ok_or_else(|| format!("s3://{bucket}/{key}: no rule of the sources file matches"))
    }
}

/// `*` and `?` match within one `/`-separated segment, `**` across segments (`a/**/b` also
/// matches `a/b`).
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let pattern = pattern.as_bytes();
    let text = text.as_bytes();
    // A simple backtracking matcher: patterns are short and written by the operator.
    fn matches(pattern: &[u8], text: &[u8]) -> bool {
        match pattern.first() {
            None => text.is_empty(),
            Some(b'*') if pattern.get(1) == Some(&b'*') => {
                let rest = &pattern[2..];
                // `**/` also matches no directory at all.
                (rest.first() == Some(&b'/') && matches(&rest[1..], text))
                    || (0..=text.len()).any(|skip| matches(rest, &text[skip..]))
            }
            Some(b'*') => {
                let rest = &pattern[1..];
                for skip in 0..=text.len() {
                    if matches(rest, &text[skip..]) {
                        return true;
                    }
                    if text.get(skip) == Some(&b'/') {
                        break;
                    }
                }
                false
            }
            Some(b'?') => {
                matches!(text.first(), Some(byte) if *byte != b'/')
                    && matches(&pattern[1..], &text[1..])
            }
            Some(byte) => text.first() == Some(byte) && matches(&pattern[1..], &text[1..]),
        }
    }
    matches(pattern, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOURCES: &str = "\
sources:
  - bucket: org-logs
    prefix: AWSLogs/123456789012/vpcflowlogs/
    log_type: AWS.VPCFlow
  - bucket: org-*
    glob: \"dns/**/*.log.gz\"
    log_type: AWS.VPCDns
  - bucket: \"*\"
    glob: \"trail/*.json\"
    log_type: AWS.CloudTrail
";

    #[test]
    fn first_matching_rule_wins() {
        let routes = Routes::parse("sources.yml", SOURCES).unwrap();
        let name = |bucket, key| routes.route(bucket, key).map(|log_type| log_type.name);
        assert_eq!(
            name("org-logs", "AWSLogs/123456789012/vpcflowlogs/x.log.gz"),
            Ok("AWS.VPCFlow")
        );
        assert_eq!(name("org-logs", "dns/a/b/c.log.gz"), Ok("AWS.VPCDns"));
        assert_eq!(name("org-other", "dns/c.log.gz"), Ok("AWS.VPCDns"));
        assert_eq!(name("any", "trail/x.json"), Ok("AWS.CloudTrail"));
        assert!(name("any", "trail/sub/x.json").is_err());
        assert!(name("other", "dns/c.log.gz").is_err());
        let error = name("org-logs", "elsewhere/x.log").unwrap_err();
        assert!(error.contains("s3://org-logs/elsewhere/x.log"), "{error}");
    }

    #[test]
    fn globs() {
        assert!(glob_match("*", "anything"));
        assert!(!glob_match("*", "a/b"));
        assert!(glob_match("**", "a/b"));
        assert!(glob_match("a/**/b", "a/b"));
        assert!(glob_match("a/**/b", "a/x/y/b"));
        assert!(glob_match("a/**", "a/x/y"));
        assert!(glob_match("**/*.gz", "x/y.gz"));
        assert!(glob_match("**/*.gz", "y.gz"));
        assert!(glob_match("f?.log", "f1.log"));
        assert!(!glob_match("f?.log", "f/.log"));
        assert!(!glob_match("*.gz", "x.gzip"));
    }

    #[test]
    fn mistakes_are_located_or_named() {
        let unknown = SOURCES.replace("AWS.CloudTrail", "AWS.Cloudtrail");
        let error = Routes::parse("sources.yml", &unknown).unwrap_err();
        assert!(error.starts_with("sources.yml: sources[2]: "), "{error}");
        assert!(error.contains("did you mean AWS.CloudTrail?"), "{error}");
        let typo = SOURCES.replace("log_type: AWS.VPCFlow", "logtype: AWS.VPCFlow");
        let error = Routes::parse("sources.yml", &typo).unwrap_err();
        assert!(
            error.starts_with("sources.yml:4:5: sources[0]: unknown field `logtype`"),
            "{error}"
        );
        assert!(!error.contains(" at line "), "{error}");
        let both =
            "sources:\n  - bucket: b\n    prefix: a\n    glob: a\n    log_type: AWS.VPCFlow\n";
        assert!(Routes::parse("s", both).unwrap_err().contains("not both"));
        assert!(Routes::parse("s", "sources: []\n").is_err());
    }
}
