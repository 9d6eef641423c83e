//! Counting what happened to each input, and the summary printed at the end.

use std::io::{self, Write};

use super::classify;

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct InputTally {
    pub name: String,
    /// Events written to the output (see [`Summary::lost`] when it failed).
    pub events: u64,
    /// Events taken back from the output: the input failed its gzip check.
    pub discarded: u64,
    pub rejected: u64,
    /// Why the input could not be read (to its end), if it could not.
    pub failure: Option<String>,
    /// The first few rejected records' text, to suggest a log type that accepts them.
    pub rejected_samples: Vec<String>,
}

/// Rejected records kept per input for the hint.
pub const REJECTED_SAMPLES: usize = 3;

#[derive(Debug, Default)]
pub struct Summary {
    pub inputs: Vec<InputTally>,
    /// Events handed to the output that it did not keep: it failed, and a file or Parquet file
    /// not completed is removed. The per-input counts then say what was parsed, not written.
    pub lost: u64,
    /// The run's candidate log types, and the events each parsed (classification).
    pub log_types: Vec<String>,
    pub events_by_type: Vec<u64>,
}

impl Summary {
    pub fn start_input(&mut self, name: String) {
        self.inputs.push(InputTally {
            name,
            ..InputTally::default()
        });
    }

    /// The input being read now; one is created if a batch somehow came before any input.
    pub fn current(&mut self) -> &mut InputTally {
        if self.inputs.is_empty() {
            self.start_input(String::new());
        }
        let last = self.inputs.len() - 1;
        &mut self.inputs[last]
    }

    /// Marks the named input failed (adding it when it never started, e.g. it could not be listed).
    pub fn fail_input(&mut self, name: &str, message: &str) {
        let already_started = self.inputs.last().is_some_and(|tally| tally.name == name);
        if !already_started {
            self.start_input(name.to_string());
        }
        self.current().failure = Some(message.to_string());
    }

    /// Counts a batch's events by candidate log type.
    pub fn add_by_type(&mut self, events: &[u64]) {
        if self.events_by_type.len() < events.len() {
            self.events_by_type.resize(events.len(), 0);
        }
        for (total, count) in self.events_by_type.iter_mut().zip(events) {
            *total += count;
        }
    }

    pub fn total_events(&self) -> u64 {
        self.inputs.iter().map(|tally| tally.events).sum()
    }

    pub fn total_discarded(&self) -> u64 {
        self.inputs.iter().map(|tally| tally.discarded).sum()
    }

    pub fn total_rejected(&self) -> u64 {
        self.inputs.iter().map(|tally| tally.rejected).sum()
    }

    pub fn any_failed(&self) -> bool {
        self.inputs.iter().any(|tally| tally.failure.is_some())
    }

    /// One line per input, then the total; every line starts with `summary: `.
    pub fn write_to(&self, out: &mut dyn Write) -> io::Result<()> {
        let verb = if self.lost > 0 { "parsed" } else { "written" };
        for tally in &self.inputs {
            let failed = if tally.failure.is_some() {
                " (not read to the end)"
            } else {
                ""
            };
            let counts = counts(tally.events, verb, tally.discarded, 0, tally.rejected);
            writeln!(out, "summary: {}: {counts}{failed}", tally.name)?;
        }
        let written = self.total_events() - self.lost.min(self.total_events());
        let totals = counts(
            written,
            "written",
            self.total_discarded(),
            self.lost,
            self.total_rejected(),
        );
        writeln!(
            out,
            "summary: total: {totals} in {}",
            plural(self.inputs.len() as u64, "input")
        )?;
        if self.log_types.len() > 1 {
            let by_type: Vec<String> = self
                .log_types
                .iter()
                .zip(&self.events_by_type)
                .filter(|(_, count)| **count > 0)
                .map(|(name, count)| format!("{name} {count}"))
                .collect();
            if !by_type.is_empty() {
                writeln!(out, "summary: events by log type: {}", by_type.join(", "))?;
            }
        }
        for tally in self.inputs.iter().filter(|tally| tally.all_rejected()) {
            if self.log_types.len() > 1 {
                writeln!(
                    out,
                    "hint: every record of {} was rejected: no candidate log type accepts it \
                     (`logschema list` names the log types; without --log-types every one is tried)",
                    tally.name
                )?;
            } else {
                let accepting = classify::accepting(&tally.rejected_samples, crate::log_types());
                let suggestion = match accepting.as_slice() {
                    [] => String::new(),
                    names => format!(
                        " Its first records parse as {} (--log-type {}).",
                        names.join(", "),
                        names[0]
                    ),
                };
                writeln!(
                    out,
                    "hint: every record of {} was rejected: is it a log of this type?{suggestion} \
                     Check --log-type, or leave it out to try every log type (`logschema list` \
                     names them)",
                    tally.name
                )?;
            }
        }
        Ok(())
    }
}

impl InputTally {
    /// Two or more records, none accepted: more likely the wrong log type than bad records.
    fn all_rejected(&self) -> bool {
        self.rejected >= 2 && self.events == 0 && self.discarded == 0 && self.failure.is_none()
    }
}

/// `3 events written, 1 record rejected`, with the events discarded (gzip check failed) and
/// lost (the output failed) between them when there are any.
fn counts(events: u64, verb: &str, discarded: u64, lost: u64, rejected: u64) -> String {
    let mut text = format!("{} {verb}", plural(events, "event"));
    if discarded > 0 {
        text.push_str(&format!(
            ", {} discarded (gzip check failed)",
            plural(discarded, "event")
        ));
    }
    if lost > 0 {
        text.push_str(&format!(
            ", {} lost (the output failed)",
            plural(lost, "event")
        ));
    }
    text.push_str(&format!(", {} rejected", plural(rejected, "record")));
    text
}

fn plural(count: u64, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_lists_each_input_and_the_total() {
        let mut summary = Summary::default();
        summary.start_input("a.log".to_string());
        summary.current().events = 3;
        summary.current().rejected = 1;
        summary.fail_input("missing.log", "No such file");
        let mut text = Vec::new();
        summary.write_to(&mut text).expect("in-memory write");
        assert_eq!(
            String::from_utf8_lossy(&text),
            "summary: a.log: 3 events written, 1 record rejected\n\
             summary: missing.log: 0 events written, 0 records rejected (not read to the end)\n\
             summary: total: 3 events written, 1 record rejected in 2 inputs\n"
        );
        assert!(summary.any_failed());
    }

    #[test]
    fn an_input_with_every_record_rejected_gets_a_hint() {
        let mut summary = Summary::default();
        summary.start_input("flow.log".to_string());
        summary.current().rejected = 40;
        summary.start_input("one-bad.log".to_string());
        summary.current().rejected = 1;
        summary.start_input("mixed.log".to_string());
        summary.current().rejected = 5;
        summary.current().events = 1;
        let mut text = Vec::new();
        summary.write_to(&mut text).expect("in-memory write");
        let text = String::from_utf8(text).expect("UTF-8");
        assert!(
            text.ends_with(
                "hint: every record of flow.log was rejected: is it a log of this type? Check \
                 --log-type, or leave it out to try every log type (`logschema list` names \
                 them)\n"
            ),
            "{text}"
        );
        assert_eq!(text.matches("hint:").count(), 1, "{text}");
    }

    #[test]
    fn summary_says_what_was_discarded_and_lost() {
        let mut summary = Summary::default();
        summary.start_input("a.log".to_string());
        summary.current().events = 5;
        summary.start_input("b.gz".to_string());
        summary.current().discarded = 7;
        summary.current().rejected = 1;
        summary.lost = 2;
        let mut text = Vec::new();
        summary.write_to(&mut text).expect("in-memory write");
        assert_eq!(
            String::from_utf8_lossy(&text),
            "summary: a.log: 5 events parsed, 0 records rejected\n\
             summary: b.gz: 0 events parsed, 7 events discarded (gzip check failed), 1 record rejected\n\
             summary: total: 3 events written, 7 events discarded (gzip check failed), 2 events lost (the output failed), 1 record rejected in 2 inputs\n"
        );
    }
}
