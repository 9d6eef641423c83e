//! The check of `parser.envelope`: where the records are in each JSON document.

use super::Checker;
use crate::ir;
use crate::raw;

impl Checker<'_> {
    pub(super) fn check_envelope(&mut self, envelope: &raw::Envelope) -> Option<ir::Envelope> {
        let records: Vec<String> = envelope.records.split('.').map(str::to_owned).collect();
        if records.iter().any(|key| key.trim().is_empty()) {
            self.error(
                self.value_location("parser.envelope.records"),
                format!(
                    "envelope `records` must name the array of records by its keys, separated \
                     by dots (like `Records` or `detail.findings`), found {:?}",
                    envelope.records
                ),
            );
            return None;
        }
        if envelope
            .message
            .as_ref()
            .is_some_and(|key| key.trim().is_empty())
        {
            self.error(
                self.value_location("parser.envelope.message"),
                "envelope `message` must be the key of each element's record text (like \
                 `message`)",
            );
            return None;
        }
        Some(ir::Envelope {
            records,
            message: envelope.message.clone(),
        })
    }
}
