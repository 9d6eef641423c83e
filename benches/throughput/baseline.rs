//! The baseline: the same job (read -> parse -> validate -> indicators -> JSON out) written the
//! straightforward way a hand-written parser per log type would be: serde derive structs with
//! owned `String`s, chrono for times, `split_whitespace` with a header map, `BTreeSet`s for the
//! indicator lists, `serde_json::to_writer`. Single-threaded, plain text input.
//!
//! It writes the events logschema writes (same keys, order and values), so the bench can check
//! that both do the same work.

use std::collections::{BTreeSet, HashMap};
use std::fs::File;
use std::io::{self, BufRead, BufReader, Write};
use std::net::IpAddr;
use std::path::Path;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Default, Clone, Copy)]
pub struct Counts {
    pub events: u64,
    pub rejected: u64,
}

const TIME_LAYOUT: &str = "%Y-%m-%d %H:%M:%S%.9f";

fn format_time(time: &DateTime<Utc>) -> String {
    time.format(TIME_LAYOUT).to_string()
}

/// `p_row_id`: a per-run prefix and the record's sequence number, as logschema does.
struct RowIds {
    prefix: u64,
    next: u64,
}

impl RowIds {
    fn new() -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or_default();
        RowIds {
            prefix: nanos ^ u64::from(std::process::id()).rotate_left(32),
            next: 0,
        }
    }

    fn next(&mut self) -> String {
        let id = format!("{:016x}{:016x}", self.prefix, self.next);
        self.next += 1;
        id
    }
}

/// The `p_any_*` lists logschema's two AWS log types use.
#[derive(Default)]
struct Indicators {
    aws_account_ids: BTreeSet<String>,
    aws_instance_ids: BTreeSet<String>,
    domain_names: BTreeSet<String>,
    ip_addresses: BTreeSet<String>,
}

impl Indicators {
    fn ip(&mut self, value: Option<&str>) {
        if let Some(value) = value.map(str::trim) {
            if value.parse::<IpAddr>().is_ok() {
                self.ip_addresses.insert(value.to_string());
            }
        }
    }

    fn domain(&mut self, value: &str) {
        let value = value.trim();
        let value = value.strip_suffix('.').unwrap_or(value);
        if !value.is_empty() {
            self.domain_names.insert(value.to_string());
        }
    }

    fn account(&mut self, value: Option<&str>) {
        if let Some(value) = value.map(str::trim) {
            if value.len() == 12 && value.chars().all(|c| c.is_ascii_digit()) {
                self.aws_account_ids.insert(value.to_string());
            }
        }
    }

    fn instance(&mut self, value: Option<&str>) {
        if let Some(value) = value.map(str::trim) {
            if value.starts_with("i-") {
                self.aws_instance_ids.insert(value.to_string());
            }
        }
    }
}

/// The `p_*` fields every event ends with (`#[serde(flatten)]`ed into the event).
#[derive(Serialize)]
struct Meta {
    p_log_type: &'static str,
    p_row_id: String,
    p_event_time: String,
    p_parse_time: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    p_any_aws_account_ids: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    p_any_aws_instance_ids: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    p_any_domain_names: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    p_any_ip_addresses: Vec<String>,
}

impl Meta {
    fn new(
        log_type: &'static str,
        row_id: String,
        event_time: String,
        parse_time: String,
        indicators: Indicators,
    ) -> Self {
        Meta {
            p_log_type: log_type,
            p_row_id: row_id,
            p_event_time: event_time,
            p_parse_time: parse_time,
            p_any_aws_account_ids: indicators.aws_account_ids.into_iter().collect(),
            p_any_aws_instance_ids: indicators.aws_instance_ids.into_iter().collect(),
            p_any_domain_names: indicators.domain_names.into_iter().collect(),
            p_any_ip_addresses: indicators.ip_addresses.into_iter().collect(),
        }
    }
}

fn reject(path: &Path, line_number: u64, reason: &str, counts: &mut Counts) {
    counts.rejected += 1;
    eprintln!("{}:{line_number}: {reason}", path.display());
}

// ---------------------------------------------------------------------------------------------
// AWS.VPCFlow

/// Every column name of the schema (a line is a header when half its values are among them).
const FLOW_COLUMNS: [&str; 29] = [
    "version",
    "account-id",
    "interface-id",
    "srcaddr",
    "dstaddr",
    "srcport",
    "dstport",
    "protocol",
    "packets",
    "bytes",
    "start",
    "end",
    "action",
    "log-status",
    "vpc-id",
    "subnet-id",
    "instance-id",
    "tcp-flags",
    "type",
    "pkt-srcaddr",
    "pkt-dstaddr",
    "pkt-src-aws-service",
    "pkt-dst-aws-service",
    "flow-direction",
    "traffic-path",
    "region",
    "az-id",
    "sublocation-type",
    "sublocation-id",
];

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct FlowEvent {
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    account: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    interface_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    src_addr: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    dst_addr: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    src_port: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    dst_port: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    protocol: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    packets: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    bytes: Option<i64>,
    start: String,
    end: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    action: Option<String>,
    status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    vpc_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sub_net_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    instance_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tcp_flags: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    traffic_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pkt_src_addr: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pkt_dst_addr: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pkt_src_aws_service: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pkt_dst_aws_service: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    flow_direction: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    traffic_path: Option<i16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    az_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sublocation_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sublocation_id: Option<String>,
    #[serde(flatten)]
    meta: Meta,
}

/// One data line, looked up through the current header's column map.
struct FlowRow<'a> {
    values: Vec<&'a str>,
    columns: &'a HashMap<String, usize>,
}

impl FlowRow<'_> {
    fn string(&self, column: &str) -> Option<String> {
        let index = *self.columns.get(column)?;
        let value = self.values[index];
        if value == "-" {
            None
        } else {
            Some(value.to_string())
        }
    }

    fn int<T: std::str::FromStr>(&self, column: &str) -> Result<Option<T>, String> {
        match self.string(column) {
            None => Ok(None),
            Some(text) => match text.parse::<T>() {
                Ok(value) => Ok(Some(value)),
                Err(_) => Err(format!("{column}: {text:?} is not a valid integer")),
            },
        }
    }

    fn time(&self, column: &str) -> Result<DateTime<Utc>, String> {
        let text = self
            .string(column)
            .ok_or_else(|| format!("{column}: required value is missing"))?;
        let seconds: i64 = text
            .parse()
            .map_err(|_| format!("{column}: {text:?} is not a valid unix time"))?;
        DateTime::from_timestamp(seconds, 0).ok_or_else(|| format!("{column}: out of range"))
    }
}

fn flow_event(
    row: &FlowRow<'_>,
    row_ids: &mut RowIds,
    parse_time: &str,
) -> Result<FlowEvent, String> {
    let start = row.time("start")?;
    let end = row.time("end")?;
    let status = row
        .string("log-status")
        .ok_or("log-status: required value is missing")?;
    let account = row.string("account-id").filter(|a| a != "unknown");
    let mut indicators = Indicators::default();
    indicators.account(account.as_deref());
    let src_addr = row.string("srcaddr");
    let dst_addr = row.string("dstaddr");
    let pkt_src_addr = row.string("pkt-srcaddr");
    let pkt_dst_addr = row.string("pkt-dstaddr");
    let instance_id = row.string("instance-id");
    indicators.ip(src_addr.as_deref());
    indicators.ip(dst_addr.as_deref());
    indicators.ip(pkt_src_addr.as_deref());
    indicators.ip(pkt_dst_addr.as_deref());
    indicators.instance(instance_id.as_deref());
    let event_time = format_time(&start);
    Ok(FlowEvent {
        version: row.int("version")?,
        account,
        interface_id: row.string("interface-id"),
        src_addr,
        dst_addr,
        src_port: row.int("srcport")?,
        dst_port: row.int("dstport")?,
        protocol: row.int("protocol")?,
        packets: row.int("packets")?,
        bytes: row.int("bytes")?,
        start: event_time.clone(),
        end: format_time(&end),
        action: row.string("action"),
        status,
        vpc_id: row.string("vpc-id"),
        sub_net_id: row.string("subnet-id"),
        instance_id,
        tcp_flags: row.int("tcp-flags")?,
        traffic_type: row.string("type"),
        pkt_src_addr,
        pkt_dst_addr,
        pkt_src_aws_service: row.string("pkt-src-aws-service"),
        pkt_dst_aws_service: row.string("pkt-dst-aws-service"),
        flow_direction: row.string("flow-direction"),
        traffic_path: row.int("traffic-path")?,
        region: row.string("region"),
        az_id: row.string("az-id"),
        sublocation_type: row.string("sublocation-type"),
        sublocation_id: row.string("sublocation-id"),
        meta: Meta::new(
            "AWS.VPCFlow",
            row_ids.next(),
            event_time,
            parse_time.to_string(),
            indicators,
        ),
    })
}

pub fn flow<W: Write>(path: &Path, mut out: W) -> io::Result<Counts> {
    let reader = BufReader::with_capacity(1 << 16, File::open(path)?);
    let parse_time = format_time(&Utc::now());
    let mut row_ids = RowIds::new();
    let mut counts = Counts::default();
    let header_map = |names: &[&str]| -> HashMap<String, usize> {
        names
            .iter()
            .enumerate()
            .map(|(i, name)| (name.to_string(), i))
            .collect()
    };
    let mut columns = header_map(&FLOW_COLUMNS[..14]);
    let mut expected = 14;
    for (index, line) in reader.lines().enumerate() {
        let line = line?;
        let line_number = index as u64 + 1;
        let values: Vec<&str> = line.split_whitespace().collect();
        if values.is_empty() {
            continue;
        }
        let known = values.iter().filter(|v| FLOW_COLUMNS.contains(v)).count();
        if known > 0 && known * 2 >= values.len() {
            columns = header_map(&values);
            expected = values.len();
            continue;
        }
        if values.len() < expected {
            let reason = format!(
                "too few columns: expected {expected}, found {}",
                values.len()
            );
            reject(path, line_number, &reason, &mut counts);
            continue;
        }
        let row = FlowRow {
            values,
            columns: &columns,
        };
        match flow_event(&row, &mut row_ids, &parse_time) {
            Ok(event) => {
                serde_json::to_writer(&mut out, &event)?;
                out.write_all(b"\n")?;
                counts.events += 1;
            }
            Err(reason) => reject(path, line_number, &reason, &mut counts),
        }
    }
    out.flush()?;
    Ok(counts)
}

// ---------------------------------------------------------------------------------------------
// AWS.VPCDns

#[derive(Serialize, Deserialize)]
struct DnsRecord {
    version: String,
    account_id: String,
    region: String,
    vpc_id: String,
    query_timestamp: String,
    query_name: String,
    query_type: String,
    query_class: String,
    rcode: String,
    answers: Vec<DnsAnswer>,
    srcaddr: String,
    srcport: String,
    transport: String,
    srcids: SrcIds,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    firewall_rule_group_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    firewall_rule_action: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    firewall_domain_list_id: Option<String>,
}

#[derive(Serialize, Deserialize)]
#[allow(non_snake_case)]
struct DnsAnswer {
    Rdata: String,
    Type: String,
    Class: String,
}

#[derive(Serialize, Deserialize)]
struct SrcIds {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    instance: Option<String>,
    #[serde(
        default,
        rename = "resolver-endpoint",
        alias = "resolver_endpoint",
        skip_serializing_if = "Option::is_none"
    )]
    resolver_endpoint: Option<String>,
}

#[derive(Serialize)]
struct DnsEvent {
    #[serde(flatten)]
    record: DnsRecord,
    #[serde(flatten)]
    meta: Meta,
}

fn dns_event(line: &str, row_ids: &mut RowIds, parse_time: &str) -> Result<DnsEvent, String> {
    let mut record: DnsRecord =
        serde_json::from_str(line).map_err(|e| format!("invalid JSON: {e}"))?;
    let time = DateTime::parse_from_rfc3339(&record.query_timestamp)
        .map_err(|e| format!("query_timestamp: {e}"))?
        .with_timezone(&Utc);
    record.query_timestamp = format_time(&time);
    let mut indicators = Indicators::default();
    indicators.account(Some(&record.account_id));
    indicators.domain(&record.query_name);
    for answer in &record.answers {
        match answer.Type.as_str() {
            "A" | "AAAA" => indicators.ip(Some(&answer.Rdata)),
            "CNAME" | "NS" | "PTR" => indicators.domain(&answer.Rdata),
            "MX" => {
                let parts: Vec<&str> = answer.Rdata.split_whitespace().collect();
                if parts.len() == 2 && parts[0].chars().all(|c| c.is_ascii_digit()) {
                    indicators.domain(parts[1]);
                }
            }
            _ => {}
        }
    }
    indicators.ip(Some(&record.srcaddr));
    indicators.instance(record.srcids.instance.as_deref());
    let event_time = record.query_timestamp.clone();
    Ok(DnsEvent {
        record,
        meta: Meta::new(
            "AWS.VPCDns",
            row_ids.next(),
            event_time,
            parse_time.to_string(),
            indicators,
        ),
    })
}

pub fn dns<W: Write>(path: &Path, mut out: W) -> io::Result<Counts> {
    let reader = BufReader::with_capacity(1 << 16, File::open(path)?);
    let parse_time = format_time(&Utc::now());
    let mut row_ids = RowIds::new();
    let mut counts = Counts::default();
    for (index, line) in reader.lines().enumerate() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        match dns_event(&line, &mut row_ids, &parse_time) {
            Ok(event) => {
                serde_json::to_writer(&mut out, &event)?;
                out.write_all(b"\n")?;
                counts.events += 1;
            }
            Err(reason) => reject(path, index as u64 + 1, &reason, &mut counts),
        }
    }
    out.flush()?;
    Ok(counts)
}
