//! Classification: the log types a run tries on each record (`--log-types`), how their records
//! are framed together, and which one a record belongs to.
//!
//! A record goes to the first candidate that accepts it. Each batch keeps the candidates in
//! order of recent success (the last winner first), so a stream of one type pays for one parse
//! per record, as Panther's priority queue does. Every batch starts from the given order, so the
//! outcome depends on the input alone, never on the thread count or timing.

use std::sync::Arc;

use crate::runtime::{ColumnMap, EnvelopeSpec, Framer, LineKind, LogType, ParserSpec};
use crate::testing::run::for_each_record;

/// The log types of a run, in the order the user gave them: one (`--log-type`) or several.
#[derive(Debug, Clone)]
pub struct Candidates {
    log_types: Vec<&'static LogType>,
}

/// How an input is cut into records for a set of candidates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordFraming {
    /// One record per line.
    Lines,
    /// A stream of JSON values, the records of an envelope when there is one.
    Json(Option<&'static EnvelopeSpec>),
}

impl Candidates {
    pub fn one(log_type: &'static LogType) -> Self {
        Candidates {
            log_types: vec![log_type],
        }
    }

    /// Several candidates (duplicates dropped, first place kept), refused when their records
    /// cannot be framed together.
    pub fn new(log_types: Vec<&'static LogType>) -> Result<Self, String> {
        let mut unique: Vec<&'static LogType> = Vec::with_capacity(log_types.len());
        for log_type in log_types {
            if !unique.iter().any(|known| known.name == log_type.name) {
                unique.push(log_type);
            }
        }
        if unique.is_empty() {
            return Err("no log type to parse with".to_string());
        }
        let candidates = Candidates { log_types: unique };
        candidates.framing()?;
        Ok(candidates)
    }

    /// Every log type of `registry` that can share a framing with the others: not those that
    /// frame records by position or read them from an envelope (they need `--log-type`). The
    /// second list is those left out.
    pub fn every(registry: &[&'static LogType]) -> Result<(Self, Vec<&'static LogType>), String> {
        let (kept, left_out): (Vec<&'static LogType>, Vec<&'static LogType>) = registry
            .iter()
            .partition(|log_type| shares_framing(log_type));
        Ok((Candidates::new(kept)?, left_out))
    }

    pub fn log_types(&self) -> &[&'static LogType] {
        &self.log_types
    }

    /// How the inputs are cut into records. One log type frames its own way. Several share one
    /// framing: JSON values when all are JSON log types (with at most one envelope among them),
    /// lines otherwise, and then a JSON log type's records are one per line. A log type that
    /// frames records by position (a csv header line, `skipLines`) or by envelope among text
    /// log types cannot be mixed: its framing would take records from the others.
    pub fn framing(&self) -> Result<RecordFraming, String> {
        if let [log_type] = self.log_types.as_slice() {
            return Ok(RecordFraming::of(log_type));
        }
        for log_type in &self.log_types {
            if let Some(why) = framed_by_position(log_type) {
                return Err(format!(
                    "{} {why}, which only works on files of that log type alone: parse them \
                     with --log-type {}",
                    log_type.name, log_type.name
                ));
            }
        }
        let json_framed =
            |log_type: &&'static LogType| RecordFraming::of(log_type) != RecordFraming::Lines;
        if self.log_types.iter().all(json_framed) {
            let envelopes: Vec<(&LogType, &'static EnvelopeSpec)> = self
                .log_types
                .iter()
                .filter_map(|log_type| Some((*log_type, log_type.envelope.as_ref()?)))
                .collect();
            if let Some((first, envelope)) = envelopes.first() {
                if let Some((other, _)) = envelopes.iter().find(|(_, e)| e != envelope) {
                    return Err(format!(
                        "{} and {} read their records from different JSON envelopes: classify \
                         each among the log types of its own envelope",
                        first.name, other.name
                    ));
                }
            }
            let envelope = self.log_types.iter().find_map(|t| t.envelope.as_ref());
            return Ok(RecordFraming::Json(envelope));
        }
        if let Some(enveloped) = self.log_types.iter().find(|t| t.envelope.is_some()) {
            return Err(format!(
                "{} reads its records from a JSON envelope: it can be classified among JSON \
                 log types only",
                enveloped.name
            ));
        }
        Ok(RecordFraming::Lines)
    }
}

impl RecordFraming {
    /// How one log type's inputs are cut into records.
    pub fn of(log_type: &'static LogType) -> Self {
        if matches!(log_type.parser, ParserSpec::JsonLines) || log_type.envelope.is_some() {
            RecordFraming::Json(log_type.envelope.as_ref())
        } else {
            RecordFraming::Lines
        }
    }
}

/// Whether a log type can be classified among any others: its records are neither framed by
/// their place in the file nor read from an envelope.
fn shares_framing(log_type: &LogType) -> bool {
    framed_by_position(log_type).is_none() && log_type.envelope.is_none()
}

/// Why a log type's framing depends on a line's place in the file, if it does.
fn framed_by_position(log_type: &LogType) -> Option<&'static str> {
    let text = match &log_type.parser {
        ParserSpec::Csv(spec) if spec.has_header => {
            return Some("reads the first line of each file as its header")
        }
        ParserSpec::Csv(spec) => &spec.text,
        ParserSpec::FastMatch(spec) => &spec.text,
        ParserSpec::Regex(spec) => &spec.text,
        ParserSpec::JsonLines | ParserSpec::Delimited(_) => return None,
    };
    (text.skip_lines > 0).then_some("skips the first lines of each file (skipLines)")
}

/// The column mapping of each candidate in force for a record (text log types), by candidate.
pub type ColumnSet = [Option<Arc<ColumnMap>>];

/// What a line is to a set of candidates.
pub enum Framed<'a> {
    /// Blank, or a header or skipped line of one of the candidates.
    NotARecord,
    /// A record, with each candidate's column mapping (`None` when no candidate has one).
    Record(Option<&'a Arc<ColumnSet>>),
}

/// One framer per candidate, for one input: header state is per log type and per file.
pub struct Framers {
    framers: Vec<Framer>,
    /// The candidates' mappings in force, shared by every record until a header changes one.
    columns: Option<Arc<ColumnSet>>,
}

impl Framers {
    pub fn new(candidates: &Candidates) -> Self {
        let framers = candidates
            .log_types()
            .iter()
            .map(|log_type| Framer::new(log_type))
            .collect();
        Framers {
            framers,
            columns: None,
        }
    }

    /// An unreadable line is not a rejection when a candidate's `skipLines` skips it (one
    /// candidate only: `skipLines` cannot be mixed).
    pub fn skips_unreadable(&mut self) -> bool {
        match self.framers.as_mut_slice() {
            [framer] => framer.skips_unreadable(),
            _ => false,
        }
    }

    /// A line that any candidate takes as its header or skips is not a record: those lines
    /// are recognised by their content (a header's column names, a `#` prefix), so they are
    /// that candidate's. Otherwise it is a record for every candidate.
    pub fn frame(&mut self, line: &str) -> Framed<'_> {
        let mut record = true;
        let mut changed = false;
        let mut any_columns = false;
        for (index, framer) in self.framers.iter_mut().enumerate() {
            match framer.classify(line) {
                LineKind::Record(columns) => {
                    any_columns |= columns.is_some();
                    let current = self.columns.as_ref().and_then(|set| set[index].as_ref());
                    let same = match (columns, current) {
                        (Some(new), Some(old)) => Arc::ptr_eq(new, old),
                        (None, None) => true,
                        _ => false,
                    };
                    changed |= !same;
                }
                LineKind::Blank | LineKind::Header | LineKind::Skipped => record = false,
            }
        }
        if !record {
            return Framed::NotARecord;
        }
        if !any_columns {
            return Framed::Record(None);
        }
        if changed || self.columns.is_none() {
            let set: Vec<Option<Arc<ColumnMap>>> = self
                .framers
                .iter_mut()
                .map(|framer| framer.current_columns().cloned())
                .collect();
            self.columns = Some(Arc::from(set));
        }
        Framed::Record(self.columns.as_ref())
    }
}

/// The log types of `registry` that accept every one of `records` (raw texts of records some
/// other log type rejected): what a hint can suggest instead.
pub fn accepting(records: &[String], registry: &[&'static LogType]) -> Vec<&'static str> {
    let parse_time = chrono::Utc::now();
    registry
        .iter()
        .filter(|log_type| {
            let (mut accepted, mut rejected) = (0, 0);
            for record in records {
                for_each_record(log_type, record, parse_time, |_, outcome| match outcome {
                    Ok(_) => accepted += 1,
                    Err(_) => rejected += 1,
                });
            }
            accepted > 0 && rejected == 0
        })
        .map(|log_type| log_type.name)
        .collect()
}

/// The registered log types a `--log-types` list names: exact names (any case) and globs with
/// `*` (`AWS.*`), in the order given, each type once.
pub fn select(
    patterns: &[String],
    registry: &[&'static LogType],
) -> Result<Vec<&'static LogType>, String> {
    let mut chosen: Vec<&'static LogType> = Vec::new();
    for pattern in patterns.iter().map(|pattern| pattern.trim()) {
        if pattern.is_empty() {
            continue;
        }
        // A glob takes only the types that can share a framing (as no flag at all does);
        // a type named in full is taken as it is, and refused if it cannot.
        let is_glob = pattern.contains('*');
        let matching: Vec<&'static LogType> = registry
            .iter()
            .copied()
            .filter(|log_type| glob_matches(pattern, log_type.name))
            .filter(|log_type| !is_glob || shares_framing(log_type))
            .collect();
        if matching.is_empty() {
            return Err(if pattern.contains('*') {
                format!("no log type matches {pattern:?}")
            } else {
                crate::unknown_log_type_message(pattern)
            });
        }
        for log_type in matching {
            if !chosen.iter().any(|known| known.name == log_type.name) {
                chosen.push(log_type);
            }
        }
    }
    Ok(chosen)
}

/// `*` matches any run of characters; the rest compares case-insensitively.
fn glob_matches(pattern: &str, name: &str) -> bool {
    let pattern = pattern.to_ascii_lowercase();
    let name = name.to_ascii_lowercase();
    let mut parts = pattern.split('*');
    let Some(first) = parts.next() else {
        return true;
    };
    let Some(mut rest) = name.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else {
        return rest.is_empty();
    };
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn registry() -> &'static [&'static LogType] {
        crate::log_types()
    }

    fn named(name: &str) -> &'static LogType {
        crate::find_log_type(name).expect("registered")
    }

    #[test]
    fn globs_match_whole_names_case_insensitively() {
        assert!(glob_matches("AWS.*", "AWS.VPCFlow"));
        assert!(glob_matches("aws.vpc*", "AWS.VPCFlow"));
        assert!(glob_matches("*Flow", "AWS.VPCFlow"));
        assert!(glob_matches("AWS.*Dns", "AWS.VPCDns"));
        assert!(!glob_matches("AWS.*Dns", "AWS.VPCDnsX"));
        assert!(!glob_matches("AWS.VPC", "AWS.VPCFlow"));
        assert!(glob_matches("aws.vpcflow", "AWS.VPCFlow"));
        assert!(glob_matches("*", "Anything"));
    }

    #[test]
    fn a_list_names_each_type_once_in_the_order_given() {
        let patterns = ["AWS.VPCDns".to_string(), "AWS.VPC*".to_string()];
        let chosen = select(&patterns, registry()).expect("known names");
        let names: Vec<&str> = chosen.iter().map(|t| t.name).collect();
        assert_eq!(names, ["AWS.VPCDns", "AWS.VPCFlow"]);
        let unknown = select(&["AWS.VPCFlw".to_string()], registry()).unwrap_err();
        assert!(unknown.contains("did you mean AWS.VPCFlow?"), "{unknown}");
        let none = select(&["Nope.*".to_string()], registry()).unwrap_err();
        assert_eq!(none, "no log type matches \"Nope.*\"");
    }

    #[test]
    fn the_log_types_that_accept_rejected_records_are_found() {
        let flow = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/samples/vpcflow-default.log"
        ))
        .expect("the flow sample");
        let records: Vec<String> = flow.lines().skip(1).take(3).map(String::from).collect();
        let some = [named("AWS.VPCDns"), named("AWS.ALB"), named("AWS.VPCFlow")];
        assert_eq!(accepting(&records, &some), ["AWS.VPCFlow"]);
        assert!(accepting(&["{\"a\": 1} junk".to_string()], registry()).is_empty());
    }

    #[test]
    fn mixed_json_and_text_types_are_framed_by_lines() {
        let mixed = Candidates::new(vec![named("AWS.VPCFlow"), named("AWS.VPCDns")]).unwrap();
        assert_eq!(mixed.framing(), Ok(RecordFraming::Lines));
        let json = Candidates::new(vec![named("AWS.VPCDns"), named("AWS.GuardDuty")]).unwrap();
        assert_eq!(json.framing(), Ok(RecordFraming::Json(None)));
        let trail = Candidates::new(vec![named("AWS.VPCDns"), named("AWS.CloudTrail")]).unwrap();
        assert!(matches!(trail.framing(), Ok(RecordFraming::Json(Some(_)))));
    }

    #[test]
    fn an_envelope_among_text_types_is_refused() {
        let error =
            Candidates::new(vec![named("AWS.VPCFlow"), named("AWS.CloudTrail")]).unwrap_err();
        assert!(
            error.contains("AWS.CloudTrail reads its records from a JSON envelope"),
            "{error}"
        );
    }

    #[test]
    fn a_header_line_of_one_candidate_is_no_record_for_the_others() {
        let candidates = Candidates::new(vec![named("AWS.VPCDns"), named("AWS.VPCFlow")]).unwrap();
        let mut framers = Framers::new(&candidates);
        let header = "version account-id interface-id srcaddr dstaddr srcport dstport \
                      protocol packets bytes start end action log-status";
        assert!(matches!(framers.frame(header), Framed::NotARecord));
        assert!(matches!(framers.frame("   "), Framed::NotARecord));
        let Framed::Record(Some(set)) =
            framers.frame("2 123 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 1 2 ACCEPT OK")
        else {
            panic!("a flow record has the flow columns");
        };
        assert!(set[0].is_none(), "JSON log types have no columns");
        assert!(set[1].is_some());
        let first = Arc::clone(set);
        let Framed::Record(Some(again)) = framers.frame("{\"version\":\"1.1\"}") else {
            panic!("a record");
        };
        assert!(
            Arc::ptr_eq(&first, again),
            "the set is shared until a header changes it"
        );
    }
}
