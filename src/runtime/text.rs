//! Small text helpers shared by the decoders.

/// `str::trim`, with a shortcut for the usual value that starts and ends in a visible ASCII
/// character (then neither end is whitespace). `str::trim` checks for Unicode whitespace at both
/// ends through a general iterator, and runs several times per field, so it showed in profiles.
#[inline]
pub fn trim(text: &str) -> &str {
    let visible = |byte: Option<&u8>| byte.is_some_and(|byte| (b'!'..=b'~').contains(byte));
    if visible(text.as_bytes().first()) && visible(text.as_bytes().last()) {
        text
    } else {
        text.trim()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_as_str_trim_does() {
        for text in [
            "",
            " ",
            "a",
            " a",
            "a ",
            "\ta b\n",
            "\u{a0}x\u{3000}",
            "é",
            " é ",
            "!~",
            "\u{7f}",
        ] {
            assert_eq!(trim(text), text.trim(), "{text:?}");
        }
    }
}
