//! Where events go in the lake: `<table>/year=YYYY/month=MM/day=DD/hour=HH/<file>.parquet`.

use chrono::{DateTime, Datelike, Timelike};

/// The table (and top directory) of a log type: lower case, anything but letters and digits
/// becoming `_`. `AWS.VPCFlow` -> `aws_vpcflow`.
pub fn table_name(log_type_name: &str) -> String {
    log_type_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect()
}

/// The partition columns, in directory order.
pub const PARTITION_COLUMNS: [&str; 4] = ["year", "month", "day", "hour"];

/// One hour of event time (UTC): the unit of the Hive partitioning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Partition {
    pub year: i32,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
}

impl Partition {
    /// The hour of an event time given in microseconds since the Unix epoch; `None` outside
    /// the years chrono can represent.
    pub fn of_micros(micros: i64) -> Option<Partition> {
        let time = DateTime::from_timestamp_micros(micros)?;
        Some(Partition {
            year: time.year(),
            month: time.month(),
            day: time.day(),
            hour: time.hour(),
        })
    }

    /// `year=2021/month=02/day=04/hour=17`: zero-padded, so names sort in time order and match
    /// Athena's partition projection with `digits`.
    pub fn directory(&self) -> String {
        format!(
            "year={:04}/month={:02}/day={:02}/hour={:02}",
            self.year, self.month, self.day, self.hour
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_names_are_lower_case_identifiers() {
        assert_eq!(table_name("AWS.VPCFlow"), "aws_vpcflow");
        assert_eq!(table_name("AWS.VPCDns"), "aws_vpcdns");
        assert_eq!(table_name("Custom.Web-Audit"), "custom_web_audit");
    }

    #[test]
    fn partitions_are_utc_hours() {
        // 2021-02-04T17:51:55.5Z
        let partition = Partition::of_micros(1_612_461_115_500_000).expect("in range");
        assert_eq!(partition.directory(), "year=2021/month=02/day=04/hour=17");
        let epoch = Partition::of_micros(0).expect("in range");
        assert_eq!(epoch.directory(), "year=1970/month=01/day=01/hour=00");
        let before_epoch = Partition::of_micros(-1).expect("in range");
        assert_eq!(
            before_epoch.directory(),
            "year=1969/month=12/day=31/hour=23"
        );
    }
}
