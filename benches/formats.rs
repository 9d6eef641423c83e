//! `cargo bench --bench formats`: the log types beyond VPC Flow and DNS, one thread and two, on
//! generated data in their documented formats: CloudTrail (one gzip `{"Records": [...]}`
//! document of ~100 MB, streamed), ALB access logs (fastmatch), and Apache combined access logs
//! through `fastmatch` (Apache.AccessCombined) and through `regex` (grok, Test.RegexAccess); and
//! classification: ALB and VPC flow streams parsed with `--log-types` among ten candidates,
//! their own type last, beside `--log-type`.
//! Reports records/s and MB/s of uncompressed input and the peak memory. See BENCHMARKS.md.
//!
//! Environment: `LOGSCHEMA_BENCH_RUNS=N` rounds (best run counts, default 3);
//! `LOGSCHEMA_BENCH_BIN=PATH` measures that binary instead of building the release one;
//! `LOGSCHEMA_BENCH_ONLY=TEXT` runs only the jobs whose name contains TEXT.

#[path = "throughput/run.rs"]
#[allow(dead_code)]
mod run;

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use run::{Best, Sink, Timing};

const MB: f64 = 1_000_000.0;

fn main() -> ExitCode {
    match bench() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("formats bench failed: {error}");
            ExitCode::FAILURE
        }
    }
}

struct Job {
    name: &'static str,
    /// `--log-type T`, or `--log-types ...` for classification.
    select: [&'static str; 2],
    input: PathBuf,
    /// Uncompressed bytes.
    bytes: u64,
}

fn bench() -> io::Result<()> {
    let target_dir = run::target_dir();
    let dir = target_dir.join("bench-data").join("formats");
    fs::create_dir_all(&dir)?;
    let binary = run::product_binary(&target_dir)?;
    println!("binary: {}", binary.display());
    let runs: usize = std::env::var("LOGSCHEMA_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);

    let apache = write_once(&dir.join("apache-combined.log"), 400_000, apache_line)?;
    let flow = write_once(&dir.join("vpcflow.log"), 1_000_000, flow_line)?;
    let jobs = [
        cloudtrail_job(&dir)?,
        Job {
            name: "ALB (fastmatch)",
            select: ["--log-type", "AWS.ALB"],
            bytes: fs::metadata(&write_once(&dir.join("alb.log"), 300_000, alb_line)?)?.len(),
            input: dir.join("alb.log"),
        },
        Job {
            name: "Apache combined (fastmatch)",
            select: ["--log-type", "Apache.AccessCombined"],
            bytes: fs::metadata(&apache)?.len(),
            input: apache.clone(),
        },
        Job {
            name: "Apache combined (regex)",
            select: ["--log-type", "Test.RegexAccess"],
            bytes: fs::metadata(&apache)?.len(),
            input: apache.clone(),
        },
        Job {
            name: "ALB classified among 10",
            select: ["--log-types", TEN_ENDING_WITH_ALB],
            bytes: fs::metadata(dir.join("alb.log"))?.len(),
            input: dir.join("alb.log"),
        },
        Job {
            name: "VPC flow (delimited)",
            select: ["--log-type", "AWS.VPCFlow"],
            bytes: fs::metadata(&flow)?.len(),
            input: flow.clone(),
        },
        Job {
            name: "VPC flow classified among 10",
            select: ["--log-types", TEN_ENDING_WITH_FLOW],
            bytes: fs::metadata(&flow)?.len(),
            input: flow.clone(),
        },
    ];
    // `LOGSCHEMA_BENCH_ONLY=classified`: only the jobs whose name contains that text.
    let only = std::env::var("LOGSCHEMA_BENCH_ONLY").unwrap_or_default();
    let mut rows = Vec::new();
    for job in jobs.iter().filter(|job| job.name.contains(&only)) {
        for threads in [1, 2] {
            let mut best = Best::default();
            for _ in 0..runs {
                let inputs: [&Path; 1] = [&job.input];
                let timing =
                    run::run_selected(&binary, &job.select, threads, &[], &inputs, Sink::DevNull)?;
                best.keep(timing);
            }
            let timing = best.get()?;
            println!(
                "{} --threads {threads}: {:.2} s, {} records",
                job.name, timing.seconds, timing.events
            );
            rows.push((job, threads, timing));
        }
    }
    println!();
    println!("| log type (parser) | input | threads | records/s | MB/s | peak memory |");
    println!("| --- | --- | --- | --- | --- | --- |");
    for (job, threads, timing) in rows {
        let Timing {
            seconds,
            events,
            peak_kib,
        } = timing;
        println!(
            "| {} | {:.1} MB, {} records | {threads} | {:.0} | {:.1} | {:.0} MiB |",
            job.name,
            job.bytes as f64 / MB,
            events,
            events as f64 / seconds,
            job.bytes as f64 / MB / seconds,
            peak_kib as f64 / 1024.0,
        );
    }
    Ok(())
}

/// Classification candidates: ten shipped log types of every parser kind, the stream's own
/// type last (the worst place to start from).
const TEN_ENDING_WITH_ALB: &str = "AWS.VPCFlow,AWS.CloudFrontAccess,AWS.CloudWatchEvents,\
AWS.GuardDuty,AWS.S3ServerAccess,AWS.VPCDns,AWS.WAFWebACL,Apache.AccessCombined,Nginx.Access,AWS.ALB";
const TEN_ENDING_WITH_FLOW: &str = "AWS.ALB,AWS.CloudFrontAccess,AWS.CloudWatchEvents,\
AWS.GuardDuty,AWS.S3ServerAccess,AWS.VPCDns,AWS.WAFWebACL,Apache.AccessCombined,Nginx.Access,AWS.VPCFlow";

/// A small deterministic generator (xorshift), so every run measures the same data.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

/// Writes `lines` lines made by `line` to `path` unless it exists.
fn write_once(path: &Path, lines: u64, line: fn(&mut Rng, u64) -> String) -> io::Result<PathBuf> {
    if !path.exists() {
        let partial = path.with_extension("partial");
        let mut out = BufWriter::new(File::create(&partial)?);
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for index in 0..lines {
            writeln!(out, "{}", line(&mut rng, index))?;
        }
        out.into_inner()
            .map_err(|error| error.into_error())?
            .sync_all()?;
        fs::rename(&partial, path)?;
    }
    Ok(path.to_path_buf())
}

const PATHS: &[&str] = &[
    "/",
    "/index.html",
    "/api/v1/orders?id=42&expand=items",
    "/static/app.3f9c2.js",
    "/login",
    "/images/logo%20large.png",
];
const AGENTS: &[&str] = &[
    "curl/8.4.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
    "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
    "aws-sdk-go/1.44.0 (go1.21; linux; amd64)",
];

fn apache_line(rng: &mut Rng, index: u64) -> String {
    let user = if rng.below(4) == 0 { "frank" } else { "-" };
    format!(
        "10.{}.{}.{} - {user} [{:02}/Oct/2023:{:02}:{:02}:{:02} -0700] \"{} {} HTTP/1.1\" {} {} \"{}\" \"{}\"",
        rng.below(256),
        rng.below(256),
        rng.below(256),
        1 + index % 28,
        rng.below(24),
        rng.below(60),
        rng.below(60),
        rng.pick(&["GET", "GET", "POST", "HEAD"]),
        rng.pick(PATHS),
        rng.pick(&["200", "200", "304", "404", "500"]),
        rng.below(100_000),
        rng.pick(&["-", "http://www.example.com/start.html"]),
        rng.pick(AGENTS),
    )
}

/// A VPC flow log record in the default format (no header: the default columns apply).
fn flow_line(rng: &mut Rng, index: u64) -> String {
    let action = rng.pick(&["ACCEPT", "REJECT"]);
    format!(
        "2 123456789010 eni-1235b8ca123456789 10.0.{}.{} 172.31.16.21 {} 443 6 {} {} {} {} {action} OK",
        rng.below(250),
        rng.below(250),
        1024 + rng.below(60000),
        1 + rng.below(90),
        40 + rng.below(100_000),
        1_600_000_000 + index,
        1_600_000_060 + index
    )
}

fn alb_line(rng: &mut Rng, _index: u64) -> String {
    let https = rng.below(2) == 0;
    let (kind, port, tls) = if https {
        ("https", 443, "ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2")
    } else {
        ("http", 80, "- -")
    };
    let target = format!("10.0.{}.{}:{}", rng.below(4), rng.below(256), 8080);
    format!(
        "{kind} 2023-10-{:02}T{:02}:{:02}:{:02}.{:06}Z app/my-loadbalancer/50dc6c495c0c9188 \
         192.168.{}.{}:{} {target} 0.000 0.{:03} 0.000 {} {} {} {} \
         \"GET {kind}://www.example.com:{port}{} HTTP/1.1\" \"{}\" {tls} \
         arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067 \
         \"Root=1-{:08x}-{:024x}\" \"www.example.com\" \"-\" 0 2023-10-01T00:00:00.000000Z \
         \"forward\" \"-\" \"-\" \"{target}\" \"200\" \"-\" \"-\" TID_{:016x} \"-\" \"-\" \"-\"",
        1 + rng.below(28),
        rng.below(24),
        rng.below(60),
        rng.below(60),
        rng.below(1_000_000),
        rng.below(256),
        rng.below(256),
        1024 + rng.below(60000),
        rng.below(1000),
        rng.pick(&["200", "200", "301", "404", "502"]),
        rng.pick(&["200", "200", "301", "404", "502"]),
        rng.below(2000),
        rng.below(20000),
        rng.pick(PATHS),
        rng.pick(AGENTS),
        rng.below(1 << 32),
        rng.below(1 << 62),
        rng.below(1 << 62),
    )
}

/// One CloudTrail S3 file: `{"Records":[...]}` on one line, gzip, ~100 MB uncompressed.
fn cloudtrail_job(dir: &Path) -> io::Result<Job> {
    let path = dir.join("cloudtrail.json.gz");
    let plain_bytes = dir.join("cloudtrail.bytes");
    if !path.exists() || !plain_bytes.exists() {
        let partial = path.with_extension("partial");
        let file = File::create(&partial)?;
        let mut out =
            flate2::write::GzEncoder::new(BufWriter::new(file), flate2::Compression::default());
        let mut rng = Rng(0x2545_f491_4f6c_dd1d);
        let mut written = 0u64;
        let write = |out: &mut dyn Write, text: &str| -> io::Result<u64> {
            out.write_all(text.as_bytes())?;
            Ok(text.len() as u64)
        };
        written += write(&mut out, "{\"Records\":[")?;
        let mut index = 0u64;
        while written < 100_000_000 {
            if index > 0 {
                written += write(&mut out, ",")?;
            }
            written += write(&mut out, &cloudtrail_event(&mut rng, index))?;
            index += 1;
        }
        written += write(&mut out, "]}\n")?;
        out.finish()?
            .into_inner()
            .map_err(|error| error.into_error())?
            .sync_all()?;
        fs::write(&plain_bytes, written.to_string())?;
        fs::rename(&partial, &path)?;
    }
    let bytes = fs::read_to_string(&plain_bytes)?
        .trim()
        .parse()
        .map_err(io::Error::other)?;
    Ok(Job {
        name: "CloudTrail (Records, gzip)",
        select: ["--log-type", "AWS.CloudTrail"],
        input: path,
        bytes,
    })
}

fn cloudtrail_event(rng: &mut Rng, index: u64) -> String {
    let account = format!("{:012}", 100_000_000_000 + rng.below(5));
    let (source, name, request) = match rng.below(4) {
        0 => (
            "s3.amazonaws.com",
            "GetObject",
            format!(
                "{{\"bucketName\":\"amzn-s3-demo-bucket\",\"Host\":\"amzn-s3-demo-bucket.s3.us-east-1.amazonaws.com\",\"key\":\"logs/{index}.gz\"}}"
            ),
        ),
        1 => (
            "ec2.amazonaws.com",
            "DescribeInstances",
            format!(
                "{{\"instancesSet\":{{\"items\":[{{\"instanceId\":\"i-0{:016x}\"}}]}},\"filterSet\":{{}}}}",
                rng.below(1 << 60)
            ),
        ),
        2 => (
            "sts.amazonaws.com",
            "AssumeRole",
            format!(
                "{{\"roleArn\":\"arn:aws:iam::{account}:role/Deploy\",\"roleSessionName\":\"session-{index}\",\"durationSeconds\":3600}}"
            ),
        ),
        _ => (
            "iam.amazonaws.com",
            "ListUsers",
            "{\"maxItems\":100}".to_string(),
        ),
    };
    format!(
        "{{\"eventVersion\":\"1.09\",\"userIdentity\":{{\"type\":\"AssumedRole\",\"principalId\":\"AROAEXAMPLE:user{u}\",\"arn\":\"arn:aws:sts::{account}:assumed-role/Admin/user{u}\",\"accountId\":\"{account}\",\"accessKeyId\":\"ASIAEXAMPLE{u:05}\",\"sessionContext\":{{\"sessionIssuer\":{{\"type\":\"Role\",\"principalId\":\"AROAEXAMPLE\",\"arn\":\"arn:aws:iam::{account}:role/Admin\",\"accountId\":\"{account}\",\"userName\":\"Admin\"}},\"webIdFederationData\":{{}},\"attributes\":{{\"creationDate\":\"2023-10-01T08:00:00Z\",\"mfaAuthenticated\":\"true\"}}}}}},\"eventTime\":\"2023-10-01T{h:02}:{m:02}:{s:02}Z\",\"eventSource\":\"{source}\",\"eventName\":\"{name}\",\"awsRegion\":\"us-east-1\",\"sourceIPAddress\":\"203.0.113.{ip}\",\"userAgent\":\"{agent}\",\"requestParameters\":{request},\"responseElements\":null,\"requestID\":\"{r:016X}\",\"eventID\":\"{e:032x}\",\"readOnly\":true,\"eventType\":\"AwsApiCall\",\"managementEvent\":true,\"recipientAccountId\":\"{account}\",\"eventCategory\":\"Management\",\"tlsDetails\":{{\"tlsVersion\":\"TLSv1.3\",\"cipherSuite\":\"TLS_AES_128_GCM_SHA256\",\"clientProvidedHostHeader\":\"{source}\"}}}}",
        u = rng.below(50),
        h = rng.below(24),
        m = rng.below(60),
        s = rng.below(60),
        ip = rng.below(256),
        agent = rng.pick(AGENTS),
        r = rng.below(u64::MAX),
        e = rng.below(u64::MAX),
    )
}
