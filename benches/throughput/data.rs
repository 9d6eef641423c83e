//! The benchmark's input: deterministic (seeded) VPC Flow and Route 53 Resolver query logs,
//! written once under `<target>/bench-data/` and reused while the manifest matches.

use std::fmt::Write as _;
use std::fs::{self, File};
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

/// Bump when the generator's output changes: the data (and the saved output reference) are
/// then made again.
const GENERATOR_VERSION: u32 = 1;
pub const SEED: u64 = 0x5eed_1065_c4e3_a001;
/// Data lines (headers not counted) of the flow file: blocks of the default 14-column format and
/// of the 29-column version 5 format, alternating, each block starting with its header line
/// (as S3 objects concatenated).
pub const FLOW_LINES: usize = 1_000_000;
const FLOW_BLOCK_LINES: usize = 25_000;
pub const DNS_LINES: usize = 300_000;
/// The optional big flow input (`LOGSCHEMA_BENCH_BIG=1`): the flow file repeated up to this size.
pub const BIG_BYTES: u64 = 1_000_000_000;

pub const DEFAULT_HEADER: &str = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status";
pub const V5_HEADER: &str = "version srcaddr dstaddr srcport dstport protocol start end type packets bytes account-id vpc-id subnet-id instance-id interface-id region az-id sublocation-type sublocation-id action tcp-flags pkt-srcaddr pkt-dstaddr pkt-src-aws-service pkt-dst-aws-service traffic-path flow-direction log-status";

/// The generated files.
pub struct BenchData {
    pub dir: PathBuf,
    pub flow: PathBuf,
    pub flow_gz: PathBuf,
    pub dns: PathBuf,
    pub dns_gz: PathBuf,
    /// A short description of the data, saved with the output reference.
    pub fingerprint: String,
}

/// xorshift64*: small, fast, and the same sequence on every machine.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.max(1))
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// Uniform enough in `0..n` for test data.
    pub fn below(&mut self, n: u64) -> u64 {
        (self.next_u64() >> 11) % n
    }

    pub fn percent(&mut self, p: u64) -> bool {
        self.below(100) < p
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// Makes the data unless a manifest with the same generator, seed and sizes is there and every
/// file has the size it recorded.
pub fn prepare(target_dir: &Path) -> io::Result<BenchData> {
    let dir = target_dir.join("bench-data");
    fs::create_dir_all(&dir)?;
    let data = BenchData {
        flow: dir.join("flow.log"),
        flow_gz: dir.join("flow.log.gz"),
        dns: dir.join("dns.jsonl"),
        dns_gz: dir.join("dns.jsonl.gz"),
        fingerprint: format!(
            "generator={GENERATOR_VERSION} seed={SEED:#x} flow_lines={FLOW_LINES} dns_lines={DNS_LINES}"
        ),
        dir,
    };
    let manifest_path = data.dir.join("manifest.txt");
    let files = [&data.flow, &data.flow_gz, &data.dns, &data.dns_gz];
    if let Ok(manifest) = fs::read_to_string(&manifest_path) {
        if manifest == manifest_text(&data.fingerprint, &files) {
            println!("bench data: reusing {}", data.dir.display());
            return Ok(data);
        }
    }
    let _ = fs::remove_file(&manifest_path);
    println!(
        "bench data: generating {} ({FLOW_LINES} flow lines, {DNS_LINES} DNS lines, seed {SEED:#x})...",
        data.dir.display()
    );
    let started = std::time::Instant::now();
    write_flow(&data.flow)?;
    write_dns(&data.dns)?;
    gzip_file(&data.flow, &data.flow_gz)?;
    gzip_file(&data.dns, &data.dns_gz)?;
    fs::write(&manifest_path, manifest_text(&data.fingerprint, &files))?;
    println!(
        "bench data: done in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(data)
}

fn manifest_text(fingerprint: &str, files: &[&PathBuf]) -> String {
    let mut text = format!("{fingerprint}\n");
    for file in files {
        let size = fs::metadata(file).map(|m| m.len()).unwrap_or(0);
        let name = file.file_name().unwrap_or_default().to_string_lossy();
        let _ = writeln!(text, "{name} {size}");
    }
    text
}

/// The flow file repeated up to `BIG_BYTES` (its header lines included, so every copy is framed
/// as the original), reused when already there with the right size.
pub fn prepare_big(data: &BenchData) -> io::Result<PathBuf> {
    let path = data.dir.join("flow-1g.log");
    let one = fs::metadata(&data.flow)?.len();
    let copies = BIG_BYTES.div_ceil(one);
    if fs::metadata(&path).map(|m| m.len()).ok() == Some(one * copies) {
        println!("bench data: reusing {}", path.display());
        return Ok(path);
    }
    println!(
        "bench data: writing {} ({copies} copies of the flow file)...",
        path.display()
    );
    let text = fs::read(&data.flow)?;
    let mut out = BufWriter::with_capacity(1 << 20, File::create(&path)?);
    for _ in 0..copies {
        out.write_all(&text)?;
    }
    out.flush()?;
    Ok(path)
}

fn gzip_file(from: &Path, to: &Path) -> io::Result<()> {
    let mut input = File::open(from)?;
    let out = BufWriter::with_capacity(1 << 20, File::create(to)?);
    let mut encoder = flate2::write::GzEncoder::new(out, flate2::Compression::default());
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = input.read(&mut buf)?;
        if n == 0 {
            break;
        }
        encoder.write_all(&buf[..n])?;
    }
    encoder.finish()?.flush()
}

// ---------------------------------------------------------------------------------------------
// Shared pools

struct Pools {
    accounts: Vec<String>,
    enis: Vec<String>,
    instances: Vec<String>,
    vpcs: Vec<String>,
    subnets: Vec<String>,
}

impl Pools {
    fn new(rng: &mut Rng) -> Self {
        let accounts = (0..12)
            .map(|_| format!("{:012}", rng.below(1_000_000_000_000)))
            .collect();
        let hex = |rng: &mut Rng, prefix: &str| format!("{prefix}{:017x}", rng.below(1 << 60));
        Pools {
            accounts,
            enis: (0..400).map(|_| hex(rng, "eni-0")).collect(),
            instances: (0..300).map(|_| hex(rng, "i-0")).collect(),
            vpcs: (0..8).map(|_| hex(rng, "vpc-0")).collect(),
            subnets: (0..40).map(|_| hex(rng, "subnet-0")).collect(),
        }
    }
}

const REGIONS: [(&str, &str); 5] = [
    ("us-east-1", "use1-az"),
    ("us-west-2", "usw2-az"),
    ("eu-west-1", "euw1-az"),
    ("eu-central-1", "euc1-az"),
    ("ap-southeast-2", "apse2-az"),
];

fn private_v4(rng: &mut Rng) -> String {
    if rng.percent(70) {
        format!(
            "10.{}.{}.{}",
            rng.below(256),
            rng.below(256),
            1 + rng.below(254)
        )
    } else {
        format!("172.31.{}.{}", rng.below(256), 1 + rng.below(254))
    }
}

fn public_v4(rng: &mut Rng) -> String {
    const FIRST: [u64; 10] = [3, 13, 18, 34, 35, 52, 54, 104, 142, 203];
    format!(
        "{}.{}.{}.{}",
        rng.pick(&FIRST),
        rng.below(256),
        rng.below(256),
        1 + rng.below(254)
    )
}

fn ipv6(rng: &mut Rng) -> String {
    match rng.below(3) {
        0 => format!(
            "2600:1f18:{:x}:{:x}:{:x}:{:x}:{:x}:{:x}",
            rng.below(0x10000),
            rng.below(0x10000),
            rng.below(0x10000),
            rng.below(0x10000),
            rng.below(0x10000),
            rng.below(0x10000)
        ),
        1 => format!(
            "2001:db8:{:x}:{:x}::{:x}",
            rng.below(0x10000),
            rng.below(0x10000),
            1 + rng.below(0xffff)
        ),
        _ => format!(
            "2a05:d018:{:x}:{:x}:{:x}:{:x}:{:x}:{:x}",
            rng.below(0x10000),
            rng.below(0x10000),
            rng.below(0x10000),
            rng.below(0x10000),
            rng.below(0x10000),
            rng.below(0x10000)
        ),
    }
}

// ---------------------------------------------------------------------------------------------
// VPC Flow Logs

/// One flow's values, shared by both formats.
struct Flow {
    v6: bool,
    src: String,
    dst: String,
    sport: u64,
    dport: u64,
    protocol: u64,
    packets: u64,
    bytes: u64,
    start: u64,
    end: u64,
    action: &'static str,
}

fn flow(rng: &mut Rng, start: u64) -> Flow {
    let v6 = rng.percent(8);
    let (a, b) = if v6 {
        (ipv6(rng), ipv6(rng))
    } else if rng.percent(60) {
        (private_v4(rng), private_v4(rng))
    } else {
        (private_v4(rng), public_v4(rng))
    };
    let (src, dst) = if rng.percent(50) { (a, b) } else { (b, a) };
    const SERVICE_PORTS: [u64; 12] = [
        443, 80, 22, 53, 3306, 5432, 6379, 8080, 3389, 123, 9200, 27017,
    ];
    let protocol = match rng.below(20) {
        0..=14 => 6,
        15..=18 => 17,
        _ => 1,
    };
    let (sport, dport) = if protocol == 1 {
        (0, 0)
    } else if rng.percent(50) {
        (1024 + rng.below(64_511), *rng.pick(&SERVICE_PORTS))
    } else {
        (*rng.pick(&SERVICE_PORTS), 1024 + rng.below(64_511))
    };
    let most = if rng.percent(10) { 100_000 } else { 60 };
    let packets = 1 + rng.below(most);
    let bytes = packets * (40 + rng.below(1460));
    Flow {
        v6,
        src,
        dst,
        sport,
        dport,
        protocol,
        packets,
        bytes,
        start,
        end: start + 1 + rng.below(90),
        action: if rng.percent(85) { "ACCEPT" } else { "REJECT" },
    }
}

fn write_flow(path: &Path) -> io::Result<()> {
    write_flow_lines(path, FLOW_LINES)
}

/// `lines` flow log lines, in blocks of the default and the v5 format with their headers; the
/// bench's data is the first `FLOW_LINES` (tests/interpret.rs takes fewer).
pub fn write_flow_lines(path: &Path, total_lines: usize) -> io::Result<()> {
    let mut rng = Rng::new(SEED);
    let pools = Pools::new(&mut rng);
    let mut out = BufWriter::with_capacity(1 << 20, File::create(path)?);
    let mut line = String::with_capacity(512);
    let mut time = 1_700_000_000u64;
    for block in 0..total_lines.div_ceil(FLOW_BLOCK_LINES) {
        let v5 = block % 2 == 1;
        writeln!(out, "{}", if v5 { V5_HEADER } else { DEFAULT_HEADER })?;
        let lines = FLOW_BLOCK_LINES.min(total_lines - block * FLOW_BLOCK_LINES);
        for _ in 0..lines {
            time += rng.below(3);
            line.clear();
            if v5 {
                flow_v5_line(&mut rng, &pools, time, &mut line);
            } else {
                flow_default_line(&mut rng, &pools, time, &mut line);
            }
            line.push('\n');
            out.write_all(line.as_bytes())?;
        }
    }
    out.flush()
}

fn flow_default_line(rng: &mut Rng, pools: &Pools, time: u64, line: &mut String) {
    let account = if rng.percent(1) {
        "unknown"
    } else {
        rng.pick(&pools.accounts).as_str()
    };
    let eni = rng.pick(&pools.enis);
    let status = rng.below(1000);
    if status < 40 {
        // NODATA (4%) and SKIPDATA (0.5%): no addresses, ports or counts.
        let status = if status < 35 { "NODATA" } else { "SKIPDATA" };
        let _ = write!(
            line,
            "2 {account} {eni} - - - - - - - {time} {} - {status}",
            time + 60
        );
        return;
    }
    let f = flow(rng, time);
    let _ = write!(
        line,
        "2 {account} {eni} {} {} {} {} {} {} {} {} {} {} OK",
        f.src, f.dst, f.sport, f.dport, f.protocol, f.packets, f.bytes, f.start, f.end, f.action
    );
}

fn flow_v5_line(rng: &mut Rng, pools: &Pools, time: u64, line: &mut String) {
    let account = rng.pick(&pools.accounts);
    let vpc = rng.pick(&pools.vpcs);
    let subnet = rng.pick(&pools.subnets);
    // Requester-managed interfaces (NAT gateways, load balancers) have no instance.
    let instance = if rng.percent(15) {
        "-"
    } else {
        rng.pick(&pools.instances).as_str()
    };
    let eni = rng.pick(&pools.enis);
    let (region, az_prefix) = *rng.pick(&REGIONS);
    let az = format!("{az_prefix}{}", 1 + rng.below(4));
    let (az, sublocation_type, sublocation_id) = if rng.percent(2) {
        ("-".to_string(), "outpost", "op-0123456789abcdef0")
    } else {
        (az, "-", "-")
    };
    if rng.percent(4) {
        let _ = write!(
            line,
            "5 - - - - - {time} {} - - - {account} {vpc} {subnet} {instance} {eni} {region} {az} {sublocation_type} {sublocation_id} - - - - - - - - NODATA",
            time + 60
        );
        return;
    }
    let f = flow(rng, time);
    let ingress = rng.percent(50);
    let tcp_flags = if f.protocol == 6 {
        *rng.pick(&[2u64, 18, 19, 3, 1, 4, 0, 27])
    } else {
        0
    };
    // Behind a NAT gateway the packet-level addresses differ from the interface's.
    let pkt_src = if rng.percent(10) {
        if f.v6 {
            ipv6(rng)
        } else {
            public_v4(rng)
        }
    } else {
        f.src.clone()
    };
    let pkt_dst = f.dst.clone();
    const SERVICES: [&str; 8] = [
        "AMAZON",
        "S3",
        "EC2",
        "DYNAMODB",
        "ROUTE53",
        "CLOUDFRONT",
        "API_GATEWAY",
        "CODEBUILD",
    ];
    let src_service = if rng.percent(6) {
        rng.pick(&SERVICES)
    } else {
        "-"
    };
    let dst_service = if rng.percent(6) {
        rng.pick(&SERVICES)
    } else {
        "-"
    };
    let traffic_path = if ingress {
        "-".to_string()
    } else {
        (1 + rng.below(8)).to_string()
    };
    let _ = write!(
        line,
        "5 {} {} {} {} {} {} {} {} {} {} {account} {vpc} {subnet} {instance} {eni} {region} {az} {sublocation_type} {sublocation_id} {} {tcp_flags} {pkt_src} {pkt_dst} {src_service} {dst_service} {traffic_path} {} OK",
        f.src,
        f.dst,
        f.sport,
        f.dport,
        f.protocol,
        f.start,
        f.end,
        if f.v6 { "IPv6" } else { "IPv4" },
        f.packets,
        f.bytes,
        f.action,
        if ingress { "ingress" } else { "egress" },
    );
}

// ---------------------------------------------------------------------------------------------
// Route 53 Resolver query logs (AWS.VPCDns)

const WORDS: [&str; 24] = [
    "api", "www", "mail", "cdn", "login", "portal", "update", "metrics", "auth", "static", "files",
    "db", "queue", "search", "images", "status", "git", "build", "assets", "edge", "app", "shop",
    "news", "vpn",
];
const ZONES: [&str; 10] = [
    "example.com",
    "example.net",
    "example.org",
    "corp.internal",
    "ec2.internal",
    "amazonaws.com",
    "s3.us-east-1.amazonaws.com",
    "cloudfront.net",
    "github.io",
    "shop.example",
];

fn domain(rng: &mut Rng) -> String {
    match rng.below(10) {
        0 => format!(
            "{}-{:x}.{}.",
            rng.pick(&WORDS),
            rng.below(1 << 24),
            rng.pick(&ZONES)
        ),
        1 | 2 => format!(
            "{}.{}.{}.",
            rng.pick(&WORDS),
            rng.pick(&WORDS),
            rng.pick(&ZONES)
        ),
        _ => format!("{}.{}.", rng.pick(&WORDS), rng.pick(&ZONES)),
    }
}

fn answer(out: &mut String, rdata: &str, kind: &str) {
    if !out.ends_with('[') {
        out.push(',');
    }
    let _ = write!(out, r#"{{"Rdata":"{rdata}","Type":"{kind}","Class":"IN"}}"#);
}

fn write_dns(path: &Path) -> io::Result<()> {
    write_dns_lines(path, DNS_LINES)
}

/// `lines` Route 53 Resolver query log lines; the bench's data is the first `DNS_LINES`.
pub fn write_dns_lines(path: &Path, lines: usize) -> io::Result<()> {
    let mut rng = Rng::new(SEED ^ 0xd05);
    let pools = Pools::new(&mut rng);
    let mut out = BufWriter::with_capacity(1 << 20, File::create(path)?);
    let mut line = String::with_capacity(1024);
    let mut time = 1_700_000_000i64;
    for _ in 0..lines {
        time += rng.below(2) as i64;
        line.clear();
        dns_line(&mut rng, &pools, time, &mut line);
        line.push('\n');
        out.write_all(line.as_bytes())?;
    }
    out.flush()
}

fn dns_line(rng: &mut Rng, pools: &Pools, time: i64, line: &mut String) {
    let account = rng.pick(&pools.accounts);
    let (region, _) = *rng.pick(&REGIONS);
    let vpc = rng.pick(&pools.vpcs);
    let when = chrono::DateTime::from_timestamp(time, 0).expect("valid time");
    let timestamp = if rng.percent(20) {
        format!(
            "{}.{:03}Z",
            when.format("%Y-%m-%dT%H:%M:%S"),
            rng.below(1000)
        )
    } else {
        when.format("%Y-%m-%dT%H:%M:%SZ").to_string()
    };
    let kind = match rng.below(100) {
        0..=44 => "A",
        45..=59 => "AAAA",
        60..=66 => "CNAME",
        67..=73 => "MX",
        74..=79 => "NS",
        80..=89 => "PTR",
        90..=95 => "TXT",
        _ => "SOA",
    };
    let mut rcode = "NOERROR";
    let mut query_name = domain(rng);
    let mut answers = String::from("[");
    let outcome = rng.below(100);
    if outcome < 8 {
        rcode = "NXDOMAIN";
    } else if outcome < 10 {
        rcode = "SERVFAIL";
    } else if outcome < 13 {
        // NOERROR, no answer of this type.
    } else {
        match kind {
            "A" | "AAAA" => {
                if rng.percent(30) {
                    let target = domain(rng);
                    answer(&mut answers, &target, "CNAME");
                }
                for _ in 0..1 + rng.below(4) {
                    let address = if kind == "A" {
                        public_v4(rng)
                    } else {
                        ipv6(rng)
                    };
                    answer(&mut answers, &address, kind);
                }
            }
            "CNAME" => {
                let target = domain(rng);
                answer(&mut answers, &target, "CNAME");
            }
            "MX" => {
                for i in 0..1 + rng.below(3) {
                    let exchange = format!("{} mx{i}.{}.", 10 * (i + 1), rng.pick(&ZONES));
                    answer(&mut answers, &exchange, "MX");
                }
            }
            "NS" => {
                for i in 0..2 + rng.below(3) {
                    let server = format!("ns-{}.awsdns-{i:02}.org.", rng.below(2048));
                    answer(&mut answers, &server, "NS");
                }
            }
            "PTR" => {
                let address = private_v4(rng);
                let mut octets: Vec<&str> = address.split('.').collect();
                octets.reverse();
                query_name = format!("{}.in-addr.arpa.", octets.join("."));
                // AWS's own example carries an address in Rdata; hosts names are the norm.
                let target = if rng.percent(10) {
                    address.clone()
                } else {
                    format!("ip-{}.ec2.internal.", address.replace('.', "-"))
                };
                answer(&mut answers, &target, "PTR");
            }
            "TXT" => {
                const TXT: [&str; 3] = [
                    r#"\"v=spf1 include:_spf.example.com ~all\""#,
                    r#"\"google-site-verification=4ibFUgB-wXLQ_S7vsXVomSTVamuOXBiVAzpR5IZ87D0\""#,
                    r#"\"MS=ms12345678\" \"v=DMARC1; p=none\""#,
                ];
                let text = *rng.pick(&TXT);
                answer(&mut answers, text, "TXT");
            }
            _ => {
                let soa = format!(
                    "ns-{}.awsdns-{:02}.net. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400",
                    rng.below(2048),
                    rng.below(64)
                );
                answer(&mut answers, &soa, "SOA");
            }
        }
    }
    answers.push(']');
    let srcaddr = if rng.percent(10) {
        ipv6(rng)
    } else {
        private_v4(rng)
    };
    let srcport = 1024 + rng.below(64_511);
    let transport = if rng.percent(95) { "UDP" } else { "TCP" };
    let instance = rng.pick(&pools.instances);
    let srcids = match rng.below(20) {
        0 => format!(
            r#"{{"resolver_endpoint":"rslvr-in-{:017x}"}}"#,
            rng.below(1 << 60)
        ),
        1 => format!(
            r#"{{"instance":"{instance}","resolver-endpoint":"rslvr-out-{:017x}"}}"#,
            rng.below(1 << 60)
        ),
        _ => format!(r#"{{"instance":"{instance}"}}"#),
    };
    let _ = write!(
        line,
        r#"{{"version":"1.100000","account_id":"{account}","region":"{region}","vpc_id":"{vpc}","query_timestamp":"{timestamp}","query_name":"{query_name}","query_type":"{kind}","query_class":"IN","rcode":"{rcode}","answers":{answers},"srcaddr":"{srcaddr}","srcport":"{srcport}","transport":"{transport}","srcids":{srcids}"#
    );
    if rng.percent(7) {
        let action = if rng.percent(60) { "BLOCK" } else { "ALERT" };
        let _ = write!(
            line,
            r#","firewall_rule_group_id":"rslvr-frg-{:017x}","firewall_rule_action":"{action}","firewall_domain_list_id":"rslvr-fdl-{:017x}""#,
            rng.below(1 << 60),
            rng.below(1 << 60)
        );
    }
    line.push('}');
}
