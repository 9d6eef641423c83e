//! A regular expression compiled on first use, that can live in a `static`.

use std::sync::OnceLock;

#[derive(Debug)]
pub struct Pattern {
    pub source: &'static str,
    compiled: OnceLock<regex::Regex>,
}

impl Pattern {
    pub const fn new(source: &'static str) -> Self {
        Pattern {
            source,
            compiled: OnceLock::new(),
        }
    }

    /// The text of the first capture group when `text` matches.
    pub fn capture<'t>(&self, text: &'t str) -> Option<&'t str> {
        let regex = self
            .compiled
            .get_or_init(|| regex::Regex::new(self.source).expect("pattern checked by codegen"));
        regex.captures(text)?.get(1).map(|m| m.as_str())
    }
}
