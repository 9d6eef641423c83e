//! Indicator extraction: the 15 kinds, normalisation, and the per-event `p_any_*` lists.

use std::borrow::Cow;
use std::net::IpAddr;

use super::arrow_out::{Column, ShapeError, WriteArrow};
use super::json_out::{write_json_string, WriteJson};
use super::writer::ObjectWriter;
use super::{IndicatorKind, IndicatorSpec};

/// The `p_any_*` lists, in alphabetical order of their names (the order they are written in).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum IndicatorList {
    AwsAccountIds,
    AwsArns,
    AwsInstanceIds,
    AwsTags,
    DomainNames,
    Emails,
    IpAddresses,
    Md5Hashes,
    Sha1Hashes,
    Sha256Hashes,
    TraceIds,
    Usernames,
}

impl IndicatorList {
    pub const ALL: [IndicatorList; 12] = [
        IndicatorList::AwsAccountIds,
        IndicatorList::AwsArns,
        IndicatorList::AwsInstanceIds,
        IndicatorList::AwsTags,
        IndicatorList::DomainNames,
        IndicatorList::Emails,
        IndicatorList::IpAddresses,
        IndicatorList::Md5Hashes,
        IndicatorList::Sha1Hashes,
        IndicatorList::Sha256Hashes,
        IndicatorList::TraceIds,
        IndicatorList::Usernames,
    ];

    /// The output column: `p_any_ip_addresses`.
    pub fn column_name(self) -> &'static str {
        match self {
            IndicatorList::AwsAccountIds => "p_any_aws_account_ids",
            IndicatorList::AwsArns => "p_any_aws_arns",
            IndicatorList::AwsInstanceIds => "p_any_aws_instance_ids",
            IndicatorList::AwsTags => "p_any_aws_tags",
            IndicatorList::DomainNames => "p_any_domain_names",
            IndicatorList::Emails => "p_any_emails",
            IndicatorList::IpAddresses => "p_any_ip_addresses",
            IndicatorList::Md5Hashes => "p_any_md5_hashes",
            IndicatorList::Sha1Hashes => "p_any_sha1_hashes",
            IndicatorList::Sha256Hashes => "p_any_sha256_hashes",
            IndicatorList::TraceIds => "p_any_trace_ids",
            IndicatorList::Usernames => "p_any_usernames",
        }
    }
}

/// Collects indicator values of one event; `write_fields` writes the `p_any_*` lists, sorted and
/// de-duplicated.
#[derive(Debug, Default)]
pub struct IndicatorSink {
    /// The text of every value collected, back to back: one buffer reused across events rather
    /// than a `String` per value.
    text: String,
    /// Indexed by `IndicatorList as usize`: (start, end) of each value in `text`; sorted and
    /// de-duplicated only when written.
    lists: [Vec<(usize, usize)>; 12],
    /// Set while scanning the strings inside a `json` value: names must look like domain names
    /// and instance ids like instance ids (see `add_json`).
    scanning_json: bool,
}

impl IndicatorSink {
    /// Applies one indicator spec (its kind and pattern; the `when` condition is checked by the
    /// caller with `condition_holds`) to every string in `values`.
    pub fn add<V: IndicatorValues + ?Sized>(&mut self, spec: &IndicatorSpec, values: &V) {
        values.for_each_str(&mut |value| self.add_str(spec, value));
    }

    /// Applies `specs` (their conditions checked by the caller) to every string anywhere inside
    /// the `json` values, walking each value once. There every string is a candidate, so the
    /// name kinds (`domain`, `hostname`, `url`, `net_addr`) keep only names shaped like domain
    /// names (`looks_like_domain`) and `aws_instance_id` only `i-` and 8 or 17 hex digits.
    pub fn add_json<V: JsonValues + ?Sized>(&mut self, specs: &[IndicatorSpec], values: &V) {
        self.scanning_json = true;
        values.for_each_json(&mut |value| self.walk_json(specs, value));
        self.scanning_json = false;
    }

    /// Depth first through arrays and object values (not keys); the input's nesting is bounded
    /// by the JSON readers' recursion limit of 128.
    fn walk_json(&mut self, specs: &[IndicatorSpec], value: &serde_json::Value) {
        match value {
            serde_json::Value::String(text) => {
                for spec in specs {
                    self.add_str(spec, text);
                }
            }
            serde_json::Value::Array(elements) => {
                for element in elements {
                    self.walk_json(specs, element);
                }
            }
            serde_json::Value::Object(members) => {
                for member in members.values() {
                    self.walk_json(specs, member);
                }
            }
            _ => {}
        }
    }

    fn add_str(&mut self, spec: &IndicatorSpec, value: &str) {
        let value = super::text::trim(value);
        match spec.pattern {
            Some(pattern) => {
                if let Some(captured) = pattern.capture(value) {
                    self.add_value(spec.kind, captured);
                }
            }
            None => self.add_value(spec.kind, value),
        }
    }

    /// Applies one kind to one value (trimmed; empty values add nothing).
    pub fn add_value(&mut self, kind: IndicatorKind, value: &str) {
        let value = super::text::trim(value);
        if value.is_empty() {
            return;
        }
        match kind {
            IndicatorKind::Ip => {
                if is_ip(value) {
                    self.push(IndicatorList::IpAddresses, value);
                }
            }
            IndicatorKind::Domain => self.add_domain(value),
            IndicatorKind::Hostname => self.add_hostname(value),
            IndicatorKind::Url => {
                if let Some(host) = url_host(value) {
                    self.add_hostname(host);
                }
            }
            IndicatorKind::NetAddr => self.add_hostname(net_addr_host(value)),
            IndicatorKind::Md5 => self.add_hash(IndicatorList::Md5Hashes, 32, value),
            IndicatorKind::Sha1 => self.add_hash(IndicatorList::Sha1Hashes, 40, value),
            IndicatorKind::Sha256 => self.add_hash(IndicatorList::Sha256Hashes, 64, value),
            IndicatorKind::AwsAccountId => {
                if is_account_id(value) {
                    self.push(IndicatorList::AwsAccountIds, value);
                }
            }
            IndicatorKind::AwsInstanceId => {
                let valid = if self.scanning_json {
                    is_instance_id(value)
                } else {
                    value.starts_with("i-")
                };
                if valid {
                    self.push(IndicatorList::AwsInstanceIds, value);
                }
            }
            IndicatorKind::AwsArn => self.add_arn(value),
            IndicatorKind::AwsTag => self.push(IndicatorList::AwsTags, value),
            IndicatorKind::Email => {
                if value.contains('@') {
                    self.push(IndicatorList::Emails, value);
                }
            }
            IndicatorKind::Username => self.push(IndicatorList::Usernames, value),
            IndicatorKind::TraceId => self.push(IndicatorList::TraceIds, value),
        }
    }

    /// The collected values of one list, sorted and de-duplicated.
    pub fn values(&mut self, list: IndicatorList) -> Vec<&str> {
        self.sort(list);
        self.lists[list as usize]
            .iter()
            .map(|&(start, end)| &self.text[start..end])
            .collect()
    }

    /// Sorts and de-duplicates one list (by text).
    fn sort(&mut self, list: IndicatorList) {
        let text = &self.text;
        let values = &mut self.lists[list as usize];
        values.sort_unstable_by(|a, b| text[a.0..a.1].cmp(&text[b.0..b.1]));
        values.dedup_by(|a, b| text[a.0..a.1] == text[b.0..b.1]);
    }

    pub fn is_empty(&self) -> bool {
        self.lists.iter().all(Vec::is_empty)
    }

    /// Forgets every value (keeps the allocations, for reuse across events).
    pub fn clear(&mut self) {
        self.text.clear();
        self.lists.iter_mut().for_each(Vec::clear);
    }

    /// Writes every list, in alphabetical order of their names; an empty one is absent (left
    /// out of JSON, NULL in Arrow).
    pub fn write_fields<W: ObjectWriter>(&mut self, out: &mut W) {
        for list in IndicatorList::ALL {
            if self.lists[list as usize].is_empty() {
                out.absent(list.column_name());
            } else {
                self.sort(list);
                let values = ListJson {
                    text: &self.text,
                    values: &self.lists[list as usize],
                };
                out.field(list.column_name(), &values);
            }
        }
    }

    fn push(&mut self, list: IndicatorList, value: &str) {
        if !value.is_empty() {
            let start = self.text.len();
            self.text.push_str(value);
            self.lists[list as usize].push((start, self.text.len()));
        }
    }

    /// One trailing root dot dropped: `example.com.` -> `example.com`; punycode labels decoded:
    /// `xn--fa-hia.com` -> `faß.com`.
    fn add_domain(&mut self, value: &str) {
        let name = value.strip_suffix('.').unwrap_or(value);
        if self.scanning_json && !looks_like_domain(name) {
            return;
        }
        if !name.split('.').any(is_ace_label) {
            self.push(IndicatorList::DomainNames, name);
            return;
        }
        let start = self.text.len();
        for (i, label) in name.split('.').enumerate() {
            if i > 0 {
                self.text.push('.');
            }
            match is_ace_label(label)
                .then(|| decode_ace_label(label))
                .flatten()
            {
                Some(decoded) => self.text.push_str(&decoded),
                None => self.text.push_str(label),
            }
        }
        self.lists[IndicatorList::DomainNames as usize].push((start, self.text.len()));
    }

    fn add_hostname(&mut self, value: &str) {
        let value = super::text::trim(value);
        if is_ip(value) {
            self.push(IndicatorList::IpAddresses, value);
        } else if !value.is_empty() {
            self.add_domain(value);
        }
    }

    fn add_hash(&mut self, list: IndicatorList, digits: usize, value: &str) {
        if value.len() == digits && value.bytes().all(|b| b.is_ascii_hexdigit()) {
            let start = self.text.len();
            self.push(list, value);
            self.text[start..].make_ascii_lowercase();
        }
    }

    /// `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE` (partition, service and resource
    /// non-empty), plus its account and an `instance/i-...` resource's instance id.
    fn add_arn(&mut self, value: &str) {
        let mut parts = value.splitn(6, ':');
        let (
            Some("arn"),
            Some(partition),
            Some(service),
            Some(_region),
            Some(account),
            Some(resource),
        ) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        )
        else {
            return;
        };
        if partition.is_empty() || service.is_empty() || resource.is_empty() {
            return;
        }
        self.push(IndicatorList::AwsArns, value);
        if is_account_id(account) {
            self.push(IndicatorList::AwsAccountIds, account);
        }
        if let Some(instance) = resource.strip_prefix("instance/") {
            let instance = instance.split('/').next().unwrap_or_default();
            if instance.starts_with("i-") {
                self.push(IndicatorList::AwsInstanceIds, instance);
            }
        }
    }
}

/// A valid IPv4 or IPv6 address, as `IpAddr`'s parser says. Most values are plain dotted IPv4
/// addresses, which a short check accepts without the general parser.
fn is_ip(value: &str) -> bool {
    is_plain_ipv4(value.as_bytes()) || value.parse::<IpAddr>().is_ok()
}

/// Four dot-separated decimal octets (0-255, no leading zeros): a subset of what `IpAddr`
/// accepts, so `false` only means "ask the parser".
fn is_plain_ipv4(text: &[u8]) -> bool {
    let mut at = 0;
    for part in 0..4 {
        if part > 0 {
            if text.get(at) != Some(&b'.') {
                return false;
            }
            at += 1;
        }
        let start = at;
        let mut octet = 0u32;
        while at - start < 3 && at < text.len() && text[at].is_ascii_digit() {
            octet = octet * 10 + u32::from(text[at] - b'0');
            at += 1;
        }
        let digits = at - start;
        if digits == 0 || octet > 255 || (digits > 1 && text[start] == b'0') {
            return false;
        }
    }
    at == text.len()
}

/// A domain name as DNS writes it (the root dot already dropped): 2 to 127 labels, at most 253
/// bytes; each label 1 to 63 ASCII letters, digits, `-` or `_`, not starting or ending with `-`;
/// the last label (the top-level domain) letters only, at least 2, or an `xn--` label. Used for
/// the strings inside `json` values, where most strings are not names.
fn looks_like_domain(name: &str) -> bool {
    if name.len() > 253 || !name.contains('.') {
        return false;
    }
    let label_ok = |label: &str| {
        (1..=63).contains(&label.len())
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    let top_level = name.rsplit('.').next().unwrap_or_default();
    let top_level_ok = (top_level.len() >= 2 && top_level.bytes().all(|b| b.is_ascii_alphabetic()))
        || is_ace_label(top_level);
    top_level_ok && name.split('.').all(label_ok)
}

/// `i-` and 8 or 17 lower-case hex digits: EC2's instance id forms.
fn is_instance_id(value: &str) -> bool {
    value.strip_prefix("i-").is_some_and(|digits| {
        matches!(digits.len(), 8 | 17)
            && digits
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

/// An IDNA label in its ASCII form: `xn--` (in any case) then punycode. Only these pay for decoding.
fn is_ace_label(label: &str) -> bool {
    label
        .as_bytes()
        .get(..4)
        .is_some_and(|prefix| prefix.eq_ignore_ascii_case(b"xn--"))
}

/// The Unicode form of an `xn--` label; `None` (the label is kept as written) when the rest is
/// not valid punycode or decodes to ASCII only, which no real IDNA label does.
fn decode_ace_label(label: &str) -> Option<String> {
    let decoded = idna::punycode::decode_to_string(&label.get(4..)?.to_ascii_lowercase())?;
    (!decoded.is_ascii()).then_some(decoded)
}

/// One list: a JSON array of strings, or an Arrow list of strings.
struct ListJson<'a> {
    text: &'a str,
    values: &'a [(usize, usize)],
}

impl WriteJson for ListJson<'_> {
    fn write_json(&self, out: &mut Vec<u8>) {
        out.push(b'[');
        for (i, &(start, end)) in self.values.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            write_json_string(&self.text[start..end], out);
        }
        out.push(b']');
    }
}

impl WriteArrow for ListJson<'_> {
    fn write_arrow(&self, column: &mut Column) -> Result<(), ShapeError> {
        column.push_list(self.values, |element, &(start, end)| {
            element.push_str(&self.text[start..end])
        })
    }
}

fn is_account_id(value: &str) -> bool {
    value.len() == 12 && value.bytes().all(|b| b.is_ascii_digit())
}

/// The host of `scheme://[user@]host[:port]/...` (or `//host/...`), brackets of an IPv6 host
/// removed; `None` when there is no host (`mailto:x`, a bare path, ...).
fn url_host(value: &str) -> Option<&str> {
    let after_scheme = match value.find("://") {
        Some(at) => {
            let scheme = &value[..at];
            let valid = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b));
            if !valid {
                return None;
            }
            &value[at + 3..]
        }
        None => value.strip_prefix("//")?,
    };
    let authority = after_scheme
        .split(['/', '?', '#'])
        .next()
        .unwrap_or_default();
    let host_port = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    let host = if let Some(bracketed) = host_port.strip_prefix('[') {
        bracketed.split_once(']')?.0
    } else {
        host_port.split(':').next().unwrap_or_default()
    };
    (!host.is_empty()).then_some(host)
}

/// `host:port` -> `host`, `[v6]:port` (or `[v6]`) -> `v6`; anything else (a bare IPv6 address
/// too) is the host as it is.
fn net_addr_host(value: &str) -> &str {
    if let Some(bracketed) = value.strip_prefix('[') {
        if let Some((host, rest)) = bracketed.split_once(']') {
            if rest.is_empty() || rest.starts_with(':') {
                return host;
            }
        }
        return value;
    }
    match value.split_once(':') {
        Some((host, port)) if !port.contains(':') => host,
        _ => value,
    }
}

/// Strings an indicator can read: `String`, `Option<T>`, `Vec<T>` of those.
pub trait IndicatorValues {
    fn for_each_str(&self, f: &mut dyn FnMut(&str));
}

/// `json` values an indicator scans: `serde_json::Value`, `Option<T>`, `Vec<T>` of those.
pub trait JsonValues {
    fn for_each_json(&self, f: &mut dyn FnMut(&serde_json::Value));
}

impl JsonValues for serde_json::Value {
    fn for_each_json(&self, f: &mut dyn FnMut(&serde_json::Value)) {
        f(self)
    }
}
impl<T: JsonValues> JsonValues for Option<T> {
    fn for_each_json(&self, f: &mut dyn FnMut(&serde_json::Value)) {
        if let Some(value) = self {
            value.for_each_json(f)
        }
    }
}
impl<T: JsonValues> JsonValues for Vec<T> {
    fn for_each_json(&self, f: &mut dyn FnMut(&serde_json::Value)) {
        for value in self {
            value.for_each_json(f)
        }
    }
}

/// True when `spec` has no `when`, or the sibling's text is one of its values.
#[doc(hidden)]
pub fn condition_holds<S: AsText + ?Sized>(spec: &IndicatorSpec, sibling: &S) -> bool {
    match &spec.when {
        None => true,
        Some(condition) => sibling
            .as_text()
            .is_some_and(|text| condition.values.contains(&text)),
    }
}

/// A string field's text, if present: `String`, `Option<String>`.
pub trait AsText {
    fn as_text(&self) -> Option<&str>;
}

/// Nested objects (and arrays or options of them) whose indicators an object collects.
#[doc(hidden)]
pub trait NestedIndicators {
    fn collect_nested(&self, sink: &mut IndicatorSink);
}

impl IndicatorValues for String {
    fn for_each_str(&self, f: &mut dyn FnMut(&str)) {
        f(self)
    }
}
impl IndicatorValues for Cow<'_, str> {
    fn for_each_str(&self, f: &mut dyn FnMut(&str)) {
        f(self)
    }
}

impl AsText for Cow<'_, str> {
    fn as_text(&self) -> Option<&str> {
        Some(self)
    }
}

impl AsText for Option<Cow<'_, str>> {
    fn as_text(&self) -> Option<&str> {
        self.as_deref()
    }
}

impl<T: IndicatorValues> IndicatorValues for Option<T> {
    fn for_each_str(&self, f: &mut dyn FnMut(&str)) {
        if let Some(v) = self {
            v.for_each_str(f)
        }
    }
}
impl<T: IndicatorValues> IndicatorValues for Vec<T> {
    fn for_each_str(&self, f: &mut dyn FnMut(&str)) {
        for v in self {
            v.for_each_str(f)
        }
    }
}
impl AsText for String {
    fn as_text(&self) -> Option<&str> {
        Some(self)
    }
}
impl AsText for Option<String> {
    fn as_text(&self) -> Option<&str> {
        self.as_deref()
    }
}
impl<'a, T: super::Object<'a>> NestedIndicators for T {
    fn collect_nested(&self, sink: &mut IndicatorSink) {
        self.collect_indicators(sink)
    }
}
impl<T: NestedIndicators> NestedIndicators for Vec<T> {
    fn collect_nested(&self, sink: &mut IndicatorSink) {
        for v in self {
            v.collect_nested(sink)
        }
    }
}
impl<T: NestedIndicators> NestedIndicators for Option<T> {
    fn collect_nested(&self, sink: &mut IndicatorSink) {
        if let Some(v) = self {
            v.collect_nested(sink)
        }
    }
}
impl IndicatorValues for str {
    fn for_each_str(&self, f: &mut dyn FnMut(&str)) {
        f(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::{IndicatorCondition, Pattern};

    fn collect(kind: IndicatorKind, values: &[&str]) -> Vec<(String, Vec<String>)> {
        let mut sink = IndicatorSink::default();
        for value in values {
            sink.add_value(kind, value);
        }
        lists(&mut sink)
    }

    fn lists(sink: &mut IndicatorSink) -> Vec<(String, Vec<String>)> {
        IndicatorList::ALL
            .iter()
            .filter_map(|list| {
                let values: Vec<String> =
                    sink.values(*list).into_iter().map(String::from).collect();
                (!values.is_empty()).then(|| (list.column_name().to_string(), values))
            })
            .collect()
    }

    fn one(list: &str, values: &[&str]) -> Vec<(String, Vec<String>)> {
        vec![(
            list.to_string(),
            values.iter().map(|v| v.to_string()).collect(),
        )]
    }

    #[test]
    fn list_names_are_in_alphabetical_order() {
        let names: Vec<&str> = IndicatorList::ALL
            .iter()
            .map(|list| list.column_name())
            .collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        assert_eq!(names, sorted);
    }

    #[test]
    fn the_ipv4_shortcut_agrees_with_the_parser() {
        for text in [
            "10.0.0.1",
            "255.255.255.255",
            "0.0.0.0",
            "256.0.0.1",
            "01.2.3.4",
            "1.2.3",
            "1.2.3.4.",
            "1.2.3.4.5",
            "1..2.3",
            "1234.1.1.1",
            "1.2.3.04",
            " 1.2.3.4",
            "::1",
            "",
        ] {
            if is_plain_ipv4(text.as_bytes()) {
                assert!(text.parse::<std::net::Ipv4Addr>().is_ok(), "{text}");
            }
            assert_eq!(is_ip(text), text.parse::<IpAddr>().is_ok(), "{text}");
        }
    }

    #[test]
    fn ip_addresses_must_be_valid() {
        assert_eq!(
            collect(
                IndicatorKind::Ip,
                &[
                    " 10.0.0.1 ",
                    "::1",
                    "10.0.0.256",
                    "fe80::1%eth0",
                    "",
                    "10.0.0.1"
                ]
            ),
            one("p_any_ip_addresses", &["10.0.0.1", "::1"])
        );
    }

    #[test]
    fn domains_drop_one_root_dot() {
        assert_eq!(
            collect(
                IndicatorKind::Domain,
                &["example.com.", "example.com", "a.b..", ".", "  "]
            ),
            one("p_any_domain_names", &["a.b.", "example.com"])
        );
    }

    #[test]
    fn punycode_labels_are_decoded() {
        assert_eq!(
            collect(
                IndicatorKind::Domain,
                &[
                    "xn--fa-hia.com.",
                    "www.XN--Bcher-kva.example",
                    // Not punycode, or punycode of ASCII only: kept as written, label by label.
                    "xn--.example",
                    "xn--abc-.example",
                    "xn--a-ecp.xn--zz\u{e9}.test",
                    "xn--",
                ]
            ),
            one(
                "p_any_domain_names",
                &[
                    "a\u{2488}.xn--zz\u{e9}.test",
                    "faß.com",
                    "www.bücher.example",
                    "xn--",
                    "xn--.example",
                    "xn--abc-.example",
                ]
            )
        );
        // Through hostnames and URLs too.
        assert_eq!(
            collect(IndicatorKind::Url, &["https://xn--mnchen-3ya.de/"]),
            one("p_any_domain_names", &["münchen.de"])
        );
    }

    #[test]
    fn hostnames_split_into_addresses_and_names() {
        assert_eq!(
            collect(IndicatorKind::Hostname, &["10.1.2.3", "host.internal."]),
            vec![
                (
                    "p_any_domain_names".to_string(),
                    vec!["host.internal".to_string()]
                ),
                (
                    "p_any_ip_addresses".to_string(),
                    vec!["10.1.2.3".to_string()]
                ),
            ]
        );
    }

    #[test]
    fn urls_give_their_host() {
        assert_eq!(
            collect(
                IndicatorKind::Url,
                &[
                    "https://user:pw@www.example.com:8443/path?q=1#x",
                    "http://[2001:db8::1]:80/",
                    "ftp://192.0.2.7",
                    "//cdn.example.net/lib.js",
                    "mailto:someone@example.com",
                    "/relative/path",
                    "https:///no-host",
                    "1http://bad.scheme",
                ]
            ),
            vec![
                (
                    "p_any_domain_names".to_string(),
                    vec!["cdn.example.net".to_string(), "www.example.com".to_string()]
                ),
                (
                    "p_any_ip_addresses".to_string(),
                    vec!["192.0.2.7".to_string(), "2001:db8::1".to_string()]
                ),
            ]
        );
    }

    #[test]
    fn net_addrs_strip_the_port() {
        assert_eq!(
            collect(
                IndicatorKind::NetAddr,
                &[
                    "10.0.0.1:443",
                    "[2001:db8::2]:53",
                    "2001:db8::3",
                    "db.local:5432",
                    "plain"
                ]
            ),
            vec![
                (
                    "p_any_domain_names".to_string(),
                    vec!["db.local".to_string(), "plain".to_string()]
                ),
                (
                    "p_any_ip_addresses".to_string(),
                    vec![
                        "10.0.0.1".to_string(),
                        "2001:db8::2".to_string(),
                        "2001:db8::3".to_string()
                    ]
                ),
            ]
        );
    }

    #[test]
    fn hashes_are_exact_length_hex_lower_cased() {
        let md5 = "D41D8CD98F00B204E9800998ECF8427E";
        assert_eq!(
            collect(
                IndicatorKind::Md5,
                &[
                    md5,
                    "d41d8cd98f00b204e9800998ecf8427",
                    "z41d8cd98f00b204e9800998ecf8427e"
                ]
            ),
            one("p_any_md5_hashes", &["d41d8cd98f00b204e9800998ecf8427e"])
        );
        let sha1 = "da39a3ee5e6b4b0d3255bfef95601890afd80709";
        assert_eq!(
            collect(IndicatorKind::Sha1, &[sha1, md5]),
            one("p_any_sha1_hashes", &[sha1])
        );
        let sha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        assert_eq!(
            collect(IndicatorKind::Sha256, &[sha256, sha1]),
            one("p_any_sha256_hashes", &[sha256])
        );
    }

    #[test]
    fn aws_ids() {
        assert_eq!(
            collect(
                IndicatorKind::AwsAccountId,
                &["123456789012", "12345678901", "12345678901a", "unknown"]
            ),
            one("p_any_aws_account_ids", &["123456789012"])
        );
        assert_eq!(
            collect(IndicatorKind::AwsInstanceId, &["i-0abc", "eni-1", "-"]),
            one("p_any_aws_instance_ids", &["i-0abc"])
        );
    }

    #[test]
    fn arns_add_their_account_and_instance() {
        assert_eq!(
            collect(
                IndicatorKind::AwsArn,
                &[
                    "arn:aws:ec2:us-east-1:123456789012:instance/i-0abc123",
                    "arn:aws:s3:::bucket/key",
                    "arn:aws:iam::123456789012:role/x:y",
                    "arn:aws::us-east-1:123456789012:thing",
                    "arn:aws:s3:::",
                    "arn:aws:s3:",
                    "nope:aws:s3:::bucket",
                ]
            ),
            vec![
                (
                    "p_any_aws_account_ids".to_string(),
                    vec!["123456789012".to_string()]
                ),
                (
                    "p_any_aws_arns".to_string(),
                    vec![
                        "arn:aws:ec2:us-east-1:123456789012:instance/i-0abc123".to_string(),
                        "arn:aws:iam::123456789012:role/x:y".to_string(),
                        "arn:aws:s3:::bucket/key".to_string(),
                    ]
                ),
                (
                    "p_any_aws_instance_ids".to_string(),
                    vec!["i-0abc123".to_string()]
                ),
            ]
        );
    }

    #[test]
    fn plain_kinds() {
        assert_eq!(
            collect(IndicatorKind::AwsTag, &["k:v", " k:v "]),
            one("p_any_aws_tags", &["k:v"])
        );
        assert_eq!(
            collect(IndicatorKind::Email, &["a@b.c", "not-an-email"]),
            one("p_any_emails", &["a@b.c"])
        );
        assert_eq!(
            collect(IndicatorKind::Username, &["root", "admin", "root"]),
            one("p_any_usernames", &["admin", "root"])
        );
        assert_eq!(
            collect(IndicatorKind::TraceId, &["1-5e1b-abc"]),
            one("p_any_trace_ids", &["1-5e1b-abc"])
        );
    }

    static MX_PATTERN: Pattern = Pattern::new(r"^\d+\s+(\S+)$");
    static MX_DOMAIN: IndicatorSpec = IndicatorSpec {
        kind: IndicatorKind::Domain,
        when: Some(IndicatorCondition {
            field: "Type",
            values: &["MX"],
        }),
        pattern: Some(&MX_PATTERN),
    };
    static PLAIN_IP: IndicatorSpec = IndicatorSpec {
        kind: IndicatorKind::Ip,
        when: None,
        pattern: None,
    };

    #[test]
    fn patterns_capture_the_value() {
        let mut sink = IndicatorSink::default();
        sink.add(&MX_DOMAIN, &Some(" 10 mail.example.com. ".to_string()));
        sink.add(
            &MX_DOMAIN,
            &vec![
                "no match here".to_string(),
                "20 mx2.example.com".to_string(),
            ],
        );
        sink.add(&MX_DOMAIN, &None::<String>);
        assert_eq!(
            lists(&mut sink),
            one(
                "p_any_domain_names",
                &["mail.example.com", "mx2.example.com"]
            )
        );
    }

    const fn plain(kind: IndicatorKind) -> IndicatorSpec {
        IndicatorSpec {
            kind,
            when: None,
            pattern: None,
        }
    }
    static JSON_KINDS: [IndicatorSpec; 5] = [
        plain(IndicatorKind::AwsArn),
        plain(IndicatorKind::AwsAccountId),
        plain(IndicatorKind::AwsInstanceId),
        plain(IndicatorKind::Ip),
        plain(IndicatorKind::Domain),
    ];

    /// CloudTrail's `requestParameters` of a RunInstances call, as AWS documents them: strings at
    /// every depth, numbers and booleans that give nothing.
    #[test]
    fn json_values_give_every_string_inside_that_is_valid() {
        let parameters = serde_json::json!({
            "instancesSet": {"items": [{"imageId": "ami-0abcdef1234567890", "minCount": 1}]},
            "iamInstanceProfile": {"arn": "arn:aws:iam::123456789012:instance-profile/web"},
            "networkInterfaceSet": {"items": [{"privateIpAddress": " 10.0.0.12 ", "deviceIndex": 0}]},
            "instanceId": "i-0123456789abcdef0",
            "resourceIdSet": ["i-12345678", "i-notanid", "i-0123456789ABCDEF0"],
            "ownerId": "210987654321",
            "count": 123456789012u64,
            "hostName": "ip-10-0-0-12.ec2.internal.",
            "description": "web server",
            "fileName": "user-data.sh",
            "enabled": true,
            "nothing": null,
        });
        let mut sink = IndicatorSink::default();
        sink.add_json(&JSON_KINDS, &Some(parameters));
        sink.add_json(&JSON_KINDS, &None::<serde_json::Value>);
        sink.add_json(&JSON_KINDS, &vec![serde_json::json!("192.0.2.1")]);
        assert_eq!(
            lists(&mut sink),
            vec![
                (
                    "p_any_aws_account_ids".to_string(),
                    vec!["123456789012".to_string(), "210987654321".to_string()]
                ),
                (
                    "p_any_aws_arns".to_string(),
                    vec!["arn:aws:iam::123456789012:instance-profile/web".to_string()]
                ),
                (
                    "p_any_aws_instance_ids".to_string(),
                    vec!["i-0123456789abcdef0".to_string(), "i-12345678".to_string()]
                ),
                (
                    "p_any_domain_names".to_string(),
                    // A file name whose extension is a top-level domain's shape is taken too:
                    // `.sh` is Saint Helena's. Telling them apart needs more than the text.
                    vec![
                        "ip-10-0-0-12.ec2.internal".to_string(),
                        "user-data.sh".to_string()
                    ]
                ),
                (
                    "p_any_ip_addresses".to_string(),
                    vec!["10.0.0.12".to_string(), "192.0.2.1".to_string()]
                ),
            ]
        );
        // The stricter rules hold only while scanning: a string field keeps its own.
        sink.clear();
        sink.add_value(IndicatorKind::AwsInstanceId, "i-notanid");
        sink.add_value(IndicatorKind::Domain, "localhost");
        assert_eq!(lists(&mut sink).len(), 2);
    }

    #[test]
    fn names_inside_json_must_look_like_domain_names() {
        for (name, looks_like_one) in [
            ("example.com", true),
            ("_dmarc.mail.example.com", true),
            ("xn--fa-hia.xn--p1ai", true),
            ("a-b.co", true),
            ("localhost", false),
            ("web server.example.com", false),
            ("-bad.example.com", false),
            ("bad-.example.com", false),
            ("a..example.com", false),
            ("1.2.3.4", false),
            ("example.c0m", false),
            ("example.c", false),
            ("ami-0abcdef1234567890", false),
            ("https://example.com/", false),
            ("é.example.com", false),
        ] {
            assert_eq!(looks_like_domain(name), looks_like_one, "{name}");
        }
        let long_label = format!("{}.com", "a".repeat(64));
        assert!(!looks_like_domain(&long_label));
        let long_name = format!("{}com", "abcdefghi.".repeat(26));
        assert!(long_name.len() > 253 && !looks_like_domain(&long_name));

        static HOSTS: [IndicatorSpec; 2] =
            [plain(IndicatorKind::Hostname), plain(IndicatorKind::Url)];
        let mut sink = IndicatorSink::default();
        sink.add_json(
            &HOSTS,
            &serde_json::json!([
                "db.internal.example.",
                "10.1.1.1",
                "plain words",
                "https://xn--mnchen-3ya.de/x"
            ]),
        );
        assert_eq!(
            lists(&mut sink),
            vec![
                (
                    "p_any_domain_names".to_string(),
                    vec!["db.internal.example".to_string(), "münchen.de".to_string()]
                ),
                (
                    "p_any_ip_addresses".to_string(),
                    vec!["10.1.1.1".to_string()]
                ),
            ]
        );
    }

    #[test]
    fn conditions_compare_the_sibling_text() {
        assert!(condition_holds(&PLAIN_IP, &None::<String>));
        assert!(condition_holds(&MX_DOMAIN, &"MX".to_string()));
        assert!(condition_holds(&MX_DOMAIN, &Some("MX".to_string())));
        assert!(!condition_holds(&MX_DOMAIN, &Some("A".to_string())));
        assert!(!condition_holds(&MX_DOMAIN, &None::<String>));
    }

    #[test]
    fn sink_writes_sorted_lists_and_clears() {
        let mut sink = IndicatorSink::default();
        assert!(sink.is_empty());
        sink.add(
            &PLAIN_IP,
            &vec![
                Some("10.0.0.2".to_string()),
                None,
                Some("10.0.0.1".to_string()),
            ],
        );
        sink.add_value(IndicatorKind::AwsAccountId, "123456789012");
        sink.add_value(IndicatorKind::Ip, "10.0.0.2");
        let mut out = Vec::new();
        let mut object = crate::runtime::JsonObjectWriter::new(&mut out);
        sink.write_fields(&mut object);
        object.finish();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#"{"p_any_aws_account_ids":["123456789012"],"p_any_ip_addresses":["10.0.0.1","10.0.0.2"]}"#
        );
        sink.clear();
        assert!(sink.is_empty());
    }
}
