//! `logschema worker` on moto's S3 and SQS: several workers, a worker killed mid-object, a
//! poison object going to the dead-letter queue, SIGTERM. The lake is read back with DuckDB and
//! compared with a single `logschema parse` run over the same objects.

mod common;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::moto::MotoServer;
use common::python::{python_dir, test_python};
use common::{logschema, stderr_text};
use serde_json::Value;

const BUCKET: &str = "org-logs";
const LAKE: &str = "s3://lake/tables";

/// `worker_tool.py ARGS` against the server; its standard output.
fn tool(moto: &MotoServer, args: &[&str]) -> String {
    let mut command = Command::new(test_python());
    command.arg(python_dir().join("worker_tool.py")).args(args);
    let output = moto.configure(&mut command).output().expect("python runs");
    assert!(
        output.status.success(),
        "worker_tool.py {args:?}: {}",
        stderr_text(&output)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn tool_json(moto: &MotoServer, args: &[&str]) -> Value {
    serde_json::from_str(&tool(moto, args)).expect("JSON from worker_tool.py")
}

/// A queue with a dead-letter queue after `max_receives` receives: (queue URL, DLQ URL).
fn queue(moto: &MotoServer, name: &str, visibility: u32, max_receives: u32) -> (String, String) {
    let urls = tool_json(
        moto,
        &[
            "queue",
            name,
            &visibility.to_string(),
            &max_receives.to_string(),
        ],
    );
    (
        urls["queue"].as_str().unwrap().to_string(),
        urls["dlq"].as_str().unwrap().to_string(),
    )
}

fn counts(moto: &MotoServer, queue: &str) -> (u64, u64) {
    let counts = tool_json(moto, &["counts", queue]);
    (
        counts["visible"].as_u64().unwrap(),
        counts["in_flight"].as_u64().unwrap(),
    )
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(data).unwrap();
    encoder.finish().unwrap()
}

/// VPC Flow Logs (default format) with `lines` records that differ from object to object, over
/// a few hours; every tenth object has a record that is not a flow log.
fn flow_object(index: usize, lines: usize) -> Vec<u8> {
    let mut text = String::from(
        "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n",
    );
    for line in 0..lines {
        let start = 1_767_225_600 + (index * 97 + line * 13) % (4 * 3600);
        text.push_str(&format!(
            "2 123456789010 eni-1235b8ca123456789 172.31.{}.{} 172.31.16.21 {} 443 6 {} {} {start} {} {} OK\n",
            index % 250,
            line % 250,
            1024 + line,
            index + 1,
            line * 40 + index,
            start + 60,
            if line % 2 == 0 { "ACCEPT" } else { "REJECT" },
        ));
    }
    if index % 10 == 0 {
        text.push_str("this is not a flow log record\n");
    }
    text.into_bytes()
}

/// Route 53 Resolver query logs (JSON lines).
fn dns_object(index: usize, lines: usize) -> Vec<u8> {
    let mut text = String::new();
    for line in 0..lines {
        let record = serde_json::json!({
            "version": "1.100000",
            "account_id": "111122223333",
            "region": "us-east-1",
            "vpc_id": "vpc-7example",
            "query_timestamp": format!("2026-01-01T0{}:{:02}:{:02}Z", index % 4, line % 60, index % 60),
            "query_name": format!("host{line}.example{index}.com."),
            "query_type": "A",
            "query_class": "IN",
            "rcode": "NOERROR",
            "answers": [{"Rdata": format!("10.0.{}.{}", index % 250, line % 250), "Type": "A", "Class": "IN"}],
            "srcaddr": "10.1.2.3",
            "srcport": (40000 + line).to_string(),
            "transport": "UDP",
            "srcids": {"instance": "i-0d15cd0d3example"},
        });
        text.push_str(&record.to_string());
        text.push('\n');
    }
    text.into_bytes()
}

const SOURCES: &str = "\
sources:
  - bucket: org-logs
    prefix: AWSLogs/123456789012/vpcflowlogs/
    log_type: AWS.VPCFlow
  - bucket: org-*
    glob: \"dns/**/*.log*\"
    log_type: AWS.VPCDns
";

/// The objects of a test: uploaded to `BUCKET`, and written below `local` (one directory per
/// log type) for the reference `logschema parse` run.
struct Objects {
    keys: Vec<String>,
}

fn upload(moto: &MotoServer, local: &Path, objects: &[(String, Vec<u8>)]) -> Objects {
    let pairs: Vec<(&str, &[u8])> = objects
        .iter()
        .map(|(key, data)| (key.as_str(), data.as_slice()))
        .collect();
    moto.put_objects(BUCKET, &pairs);
    for (key, data) in objects {
        let kind = if key.starts_with("dns/") {
            "dns"
        } else {
            "flow"
        };
        let path = local.join(kind).join(key.replace('/', "_"));
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, data).unwrap();
    }
    Objects {
        keys: objects.iter().map(|(key, _)| key.clone()).collect(),
    }
}

fn flow_key(index: usize, gzipped: bool) -> String {
    format!(
        "AWSLogs/123456789012/vpcflowlogs/us-east-1/2026/01/01/flow-{index:03}.log{}",
        if gzipped { ".gz" } else { "" }
    )
}

fn dns_key(index: usize, gzipped: bool) -> String {
    // A space: notifications URL-encode keys (as `+`).
    format!(
        "dns/2026/01/01/query log-{index:03}.log{}",
        if gzipped { ".gz" } else { "" }
    )
}

fn maybe_gzip(data: Vec<u8>, gzipped: bool) -> Vec<u8> {
    if gzipped {
        gzip(&data)
    } else {
        data
    }
}

/// A worker process with its standard error going to a file.
struct Worker {
    child: Child,
    log: PathBuf,
}

impl Worker {
    fn start(moto: &MotoServer, work: &Path, name: &str, queue: &str, extra: &[&str]) -> Worker {
        let sources = work.join("sources.yml");
        // Once: rewriting it while an earlier worker reads it at start would race.
        if !sources.exists() {
            std::fs::write(&sources, SOURCES).unwrap();
        }
        let log = work.join(format!("{name}.log"));
        let mut command = logschema();
        command
            .args(["worker", "--queue", queue, "--sources"])
            .arg(&sources)
            .args(["--output", LAKE])
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap());
        let child = moto
            .configure(&mut command)
            .spawn()
            .expect("the worker starts");
        Worker { child, log }
    }

    fn log_lines(&self) -> Vec<Value> {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .map(|line| {
                serde_json::from_str(line)
                    .unwrap_or_else(|_| panic!("not a JSON log line: {line:?}"))
            })
            .collect()
    }

    fn events(&self, event: &str) -> Vec<Value> {
        self.log_lines()
            .into_iter()
            .filter(|line| line["event"] == event)
            .collect()
    }

    /// Waits for the exit status (the test fails after `limit`).
    fn wait(&mut self, limit: Duration) -> i32 {
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code().unwrap_or(-1);
            }
            if started.elapsed() > limit {
                let _ = self.child.kill();
                panic!(
                    "the worker did not exit within {limit:?}; its log:\n{}",
                    std::fs::read_to_string(&self.log).unwrap_or_default()
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn assert_exits_zero(&mut self, limit: Duration) {
        let code = self.wait(limit);
        assert_eq!(
            code,
            0,
            "the worker's log:\n{}",
            std::fs::read_to_string(&self.log).unwrap_or_default()
        );
    }

    fn wait_for(&self, what: &str, limit: Duration, found: impl Fn(&[Value]) -> bool) {
        let started = Instant::now();
        while !found(&self.log_lines()) {
            assert!(
                started.elapsed() < limit,
                "no {what} within {limit:?}; the log:\n{}",
                std::fs::read_to_string(&self.log).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The reference: `logschema parse --format parquet` over the local copies, one run per log type.
fn reference_lake(local: &Path, lake: &Path) {
    for (log_type, kind) in [("AWS.VPCFlow", "flow"), ("AWS.VPCDns", "dns")] {
        let inputs = local.join(kind);
        if !inputs.exists() {
            continue;
        }
        let output = logschema()
            .args([
                "parse",
                "--no-progress",
                "--log-type",
                log_type,
                "--format",
                "parquet",
            ])
            .arg("--output")
            .arg(lake)
            .arg(&inputs)
            .output()
            .unwrap();
        assert!(
            matches!(output.status.code(), Some(0 | 2)),
            "reference parse: {}",
            stderr_text(&output)
        );
    }
}

/// Downloads the worker's lake and checks each table holds exactly the reference's rows, each
/// once; returns the rows per table.
fn assert_lake_equals_reference(
    moto: &MotoServer,
    work: &Path,
    local: &Path,
) -> BTreeMap<String, u64> {
    let reference = work.join("reference");
    reference_lake(local, &reference);
    let downloaded = work.join("downloaded");
    tool(
        moto,
        &["download", "lake", "tables/", downloaded.to_str().unwrap()],
    );
    let mut rows = BTreeMap::new();
    for table in ["aws_vpcflow", "aws_vpcdns"] {
        if !reference.join(table).exists() {
            continue;
        }
        let worker_glob = format!("{}/tables/{table}/**/*.parquet", downloaded.display());
        let reference_glob = format!("{}/{table}/**/*.parquet", reference.display());
        let compared = tool_json(moto, &["compare", &worker_glob, &reference_glob]);
        let count = compared["a"].as_u64().unwrap();
        assert!(count > 0, "{table}: {compared}");
        assert_eq!(compared["a"], compared["b"], "{table}: {compared}");
        assert_eq!(compared["a_not_b"], 0, "{table}: {compared}");
        assert_eq!(compared["b_not_a"], 0, "{table}: {compared}");
        assert_eq!(compared["a_distinct_row_ids"], count, "{table}: {compared}");
        rows.insert(table.to_string(), count);
    }
    rows
}

#[test]
fn three_workers_put_every_record_in_the_lake_exactly_once() {
    let moto = MotoServer::start();
    let work = tempfile::tempdir().unwrap();
    let local = work.path().join("local");
    moto.create_bucket(BUCKET);
    moto.create_bucket("lake");
    let mut objects = Vec::new();
    for index in 0..100 {
        let gzipped = index % 2 == 0;
        objects.push((
            flow_key(index, gzipped),
            maybe_gzip(flow_object(index, 50), gzipped),
        ));
        objects.push((
            dns_key(index, gzipped),
            maybe_gzip(dns_object(index, 20), gzipped),
        ));
    }
    let uploaded = upload(&moto, &local, &objects);
    let (queue, dlq) = queue(&moto, "work", 30, 3);
    tool(&moto, &["test-event", &queue, BUCKET]);
    let mut notify = vec!["notify", queue.as_str(), BUCKET];
    notify.extend(uploaded.keys.iter().map(String::as_str));
    tool(&moto, &notify);

    let options = ["--concurrency", "2", "--wait", "1", "--exit-when-idle", "4"];
    let mut workers: Vec<Worker> = (0..3)
        .map(|n| Worker::start(&moto, work.path(), &format!("worker{n}"), &queue, &options))
        .collect();
    for worker in &mut workers {
        worker.assert_exits_zero(Duration::from_secs(600));
    }
    assert_eq!(counts(&moto, &queue), (0, 0), "the queue ends empty");
    assert_eq!(counts(&moto, &dlq), (0, 0));

    // Every object once, with its counts; no failure.
    let mut handled = BTreeMap::new();
    for worker in &workers {
        for line in worker.log_lines() {
            assert_ne!(line["level"], "error", "{line}");
            if line["event"] == "object" {
                let url = line["url"].as_str().unwrap().to_string();
                assert!(line["records"].as_u64().unwrap() > 0, "{line}");
                assert_eq!(
                    line["records"].as_u64().unwrap(),
                    line["events"].as_u64().unwrap() + line["rejects"].as_u64().unwrap()
                );
                assert!(line["bytes"].as_u64().unwrap() > 0, "{line}");
                assert!(line["millis"].is_u64(), "{line}");
                *handled.entry(url).or_insert(0) += 1;
            }
        }
    }
    assert_eq!(handled.len(), 200, "objects handled");
    assert!(handled.values().all(|times| *times == 1), "{handled:?}");
    assert!(handled.contains_key(&format!("s3://{BUCKET}/{}", dns_key(1, false))));

    let rows = assert_lake_equals_reference(&moto, work.path(), &local);
    assert_eq!(rows["aws_vpcflow"], 100 * 50);
    assert_eq!(rows["aws_vpcdns"], 100 * 20);
    // Every tenth flow object had one reject: a rejects object beside the lake's tables.
    let rejects = moto.list_objects("lake", "tables/_rejects/aws_vpcflow/");
    assert_eq!(rejects.len(), 10, "{rejects:?}");
    let reject = String::from_utf8(moto.get_object("lake", &rejects[0].0)).unwrap();
    let reject: Value = serde_json::from_str(reject.trim()).unwrap();
    assert!(
        reject["path"]
            .as_str()
            .unwrap()
            .starts_with("s3://org-logs/AWSLogs/"),
        "{reject}"
    );
    assert_eq!(reject["raw"], "this is not a flow log record");
}

/// Records of the big object: a worker is killed while it parses it.
const BIG_LINES: usize = 50_000;

/// A big object: a worker is killed while it parses it.
fn big_flow_object() -> Vec<u8> {
    maybe_gzip(flow_object(7, BIG_LINES), true)
}

#[test]
fn a_killed_workers_message_comes_back_and_is_written_once() {
    let moto = MotoServer::start();
    let work = tempfile::tempdir().unwrap();
    let local = work.path().join("local");
    moto.create_bucket(BUCKET);
    moto.create_bucket("lake");
    let objects = vec![
        (flow_key(1, true), big_flow_object()),
        (flow_key(2, false), flow_object(2, 100)),
        (dns_key(3, true), maybe_gzip(dns_object(3, 100), true)),
    ];
    let uploaded = upload(&moto, &local, &objects);
    // 6 s: renewed every 2 s, so at least 4 s of it are left at the kill, time enough to see the
    // message still in flight.
    let (queue, _dlq) = queue(&moto, "killed", 6, 5);
    let mut notify = vec!["notify", queue.as_str(), BUCKET, &uploaded.keys[0]];
    tool(&moto, &notify);

    // The first worker takes the big object's message and is killed while parsing it.
    let mut first = Worker::start(&moto, work.path(), "first", &queue, &["--wait", "1"]);
    first.wait_for("receive", Duration::from_secs(60), |lines| {
        lines.iter().any(|line| line["event"] == "receive")
    });
    first.child.kill().unwrap();
    first.child.wait().unwrap();
    assert!(
        first.events("message").is_empty(),
        "the first worker finished before it was killed: make the object bigger"
    );
    // Not deleted: in flight until its visibility timeout runs out.
    assert_eq!(counts(&moto, &queue), (0, 1));

    notify.truncate(3);
    notify.extend(uploaded.keys[1..].iter().map(String::as_str));
    tool(&moto, &notify);
    // Idle for longer than the visibility timeout: the killed worker's message comes back first.
    let options = ["--wait", "1", "--exit-when-idle", "12"];
    let mut second = Worker::start(&moto, work.path(), "second", &queue, &options);
    let mut third = Worker::start(&moto, work.path(), "third", &queue, &options);
    second.assert_exits_zero(Duration::from_secs(300));
    third.assert_exits_zero(Duration::from_secs(300));
    assert_eq!(counts(&moto, &queue), (0, 0));
    // The big object's message came back (its receive count says so) and was finished. (Other
    // messages may show a second receive too: the killed worker's last long poll can take one
    // before the server notices the connection is gone, which is SQS's at-least-once as well.)
    let logs: Vec<Value> = [&second, &third]
        .iter()
        .flat_map(|worker| worker.log_lines())
        .collect();
    let big_url = format!("s3://{BUCKET}/{}", uploaded.keys[0]);
    let big_messages: Vec<&Value> = logs
        .iter()
        .filter(|line| line["event"] == "object" && line["url"] == big_url.as_str())
        .map(|line| &line["message_id"])
        .collect();
    assert_eq!(big_messages.len(), 1, "{logs:#?}");
    let receives: Vec<u64> = logs
        .iter()
        .filter(|line| line["event"] == "receive" && &line["message_id"] == big_messages[0])
        .map(|line| line["receive_count"].as_u64().unwrap())
        .collect();
    assert_eq!(receives, [2], "{logs:#?}");
    let rows = assert_lake_equals_reference(&moto, work.path(), &local);
    assert_eq!(rows["aws_vpcflow"], BIG_LINES as u64 + 100);
}

#[test]
fn a_poison_object_goes_to_the_dead_letter_queue_and_the_others_are_written() {
    let moto = MotoServer::start();
    let work = tempfile::tempdir().unwrap();
    let local = work.path().join("local");
    moto.create_bucket(BUCKET);
    moto.create_bucket("lake");
    let mut objects: Vec<(String, Vec<u8>)> = (0..4)
        .map(|index| {
            (
                flow_key(index, true),
                maybe_gzip(flow_object(index + 1, 30), true),
            )
        })
        .collect();
    let uploaded = upload(&moto, &local, &objects);
    // Never notified, and its key starts with a notified one's: an object is read by its exact
    // key, so its rows must not reach the lake.
    let longer_key = format!("{}.copy", uploaded.keys[0]);
    moto.put_object(BUCKET, &longer_key, &flow_object(50, 30));
    // Not gzip (the magic bytes, then nothing of a deflate stream) and not a flow log.
    let poison_key = flow_key(99, true);
    let mut poison = vec![0x1f, 0x8b];
    poison.extend((0..5000u32).map(|n| (n * 7919 % 251) as u8));
    moto.put_object(BUCKET, &poison_key, &poison);
    objects.push((poison_key.clone(), poison));
    let (queue, dlq) = queue(&moto, "poison", 2, 2);
    let mut notify = vec!["notify", queue.as_str(), BUCKET, poison_key.as_str()];
    notify.extend(uploaded.keys.iter().map(String::as_str));
    tool(&moto, &notify);

    let options = ["--wait", "1", "--retry-after", "0", "--exit-when-idle", "5"];
    let mut worker = Worker::start(&moto, work.path(), "worker", &queue, &options);
    worker.assert_exits_zero(Duration::from_secs(300));
    assert_eq!(counts(&moto, &queue), (0, 0));
    let dead: Vec<String> = serde_json::from_str(&tool(&moto, &["bodies", &dlq])).unwrap();
    assert_eq!(dead.len(), 1, "{dead:?}");
    assert!(dead[0].contains("flow-099.log.gz"), "{}", dead[0]);
    // Each failed receive is logged with the object's URL and the reason.
    let failures: Vec<Value> = worker
        .log_lines()
        .into_iter()
        .filter(|line| line["level"] == "error")
        .collect();
    assert_eq!(failures.len(), 2, "{failures:?}");
    for failure in &failures {
        let error = failure["error"].as_str().unwrap();
        assert!(
            error.starts_with(&format!("s3://{BUCKET}/{poison_key}: ")),
            "{error}"
        );
        assert!(error.contains("gzip"), "{error}");
    }
    assert_eq!(worker.events("object").len(), 4);
    let rows = assert_lake_equals_reference(&moto, work.path(), &local);
    assert_eq!(rows["aws_vpcflow"], 4 * 30);
}

#[test]
fn sigterm_finishes_the_object_in_hand_then_exits_zero() {
    let moto = MotoServer::start();
    let work = tempfile::tempdir().unwrap();
    let local = work.path().join("local");
    moto.create_bucket(BUCKET);
    moto.create_bucket("lake");
    let uploaded = upload(&moto, &local, &[(flow_key(1, true), big_flow_object())]);
    let (queue, _dlq) = queue(&moto, "term", 30, 5);
    tool(&moto, &["notify", &queue, BUCKET, &uploaded.keys[0]]);
    let mut worker = Worker::start(&moto, work.path(), "worker", &queue, &["--wait", "1"]);
    worker.wait_for("receive", Duration::from_secs(60), |lines| {
        lines.iter().any(|line| line["event"] == "receive")
    });
    let status = Command::new("kill")
        .args(["-TERM", &worker.child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    worker.assert_exits_zero(Duration::from_secs(300));
    let finished = worker.events("message");
    assert_eq!(finished.len(), 1, "the object in hand was finished");
    assert_eq!(finished[0]["deleted"], true);
    assert_eq!(worker.events("stop").len(), 1);
    assert_eq!(counts(&moto, &queue), (0, 0));
    assert_lake_equals_reference(&moto, work.path(), &local);

    // Idle, it exits at once (within one long poll).
    let mut idle = Worker::start(&moto, work.path(), "idle", &queue, &["--wait", "2"]);
    idle.wait_for("start", Duration::from_secs(60), |lines| {
        lines.iter().any(|line| line["event"] == "start")
    });
    let asked = Instant::now();
    Command::new("kill")
        .args(["-TERM", &idle.child.id().to_string()])
        .status()
        .unwrap();
    idle.assert_exits_zero(Duration::from_secs(30));
    assert!(asked.elapsed() < Duration::from_secs(10));
}

/// A stand-in for the Lambda runtime API (`AWS_LAMBDA_RUNTIME_API`): hands out one invocation,
/// then sends the function's response (or error) down the channel.
#[cfg(feature = "lambda")]
mod runtime_api {
    use std::io::{BufRead, BufReader, Read, Write};
    use std::net::{TcpListener, TcpStream};
    use std::sync::mpsc::Sender;

    pub fn serve(event: String, results: Sender<(String, String)>) -> u16 {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        std::thread::spawn(move || {
            let event = std::sync::Arc::new(std::sync::Mutex::new(Some(event)));
            for stream in listener.incoming().flatten() {
                let event = std::sync::Arc::clone(&event);
                let results = results.clone();
                std::thread::spawn(move || connection(stream, &event, &results));
            }
        });
        port
    }

    fn connection(
        stream: TcpStream,
        event: &std::sync::Mutex<Option<String>>,
        results: &Sender<(String, String)>,
    ) {
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut writer = stream;
        loop {
            let mut request_line = String::new();
            if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
                return;
            }
            let mut length = 0usize;
            let mut chunked = false;
            loop {
                let mut header = String::new();
                reader.read_line(&mut header).unwrap();
                let header = header.trim_end();
                if header.is_empty() {
                    break;
                }
                let (name, value) = header.split_once(':').unwrap();
                match name.to_ascii_lowercase().as_str() {
                    "content-length" => length = value.trim().parse().unwrap(),
                    "transfer-encoding" => chunked = value.trim() == "chunked",
                    _ => {}
                }
            }
            let mut body = Vec::new();
            if chunked {
                loop {
                    let mut size = String::new();
                    reader.read_line(&mut size).unwrap();
                    let size = usize::from_str_radix(size.trim(), 16).unwrap();
                    let mut chunk = vec![0; size + 2];
                    reader.read_exact(&mut chunk).unwrap();
                    if size == 0 {
                        break;
                    }
                    body.extend_from_slice(&chunk[..size]);
                }
            } else {
                body.resize(length, 0);
                reader.read_exact(&mut body).unwrap();
            }
            let path = request_line.split(' ').nth(1).unwrap_or("").to_string();
            if path.ends_with("/invocation/next") {
                let Some(event) = event.lock().unwrap().take() else {
                    // One invocation only: the next one never comes.
                    std::thread::sleep(std::time::Duration::from_secs(3600));
                    return;
                };
                write!(
                    writer,
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\
                     lambda-runtime-aws-request-id: request-1\r\n\
                     lambda-runtime-deadline-ms: 32503680000000\r\n\
                     lambda-runtime-invoked-function-arn: arn:aws:lambda:us-east-1:123456789012:function:logschema\r\n\
                     lambda-runtime-trace-id: Root=1-5759e988-bd862e3fe1be46a994272793\r\n\
                     content-length: {}\r\n\r\n{event}",
                    event.len()
                )
                .unwrap();
            } else {
                let _ = results.send((path, String::from_utf8_lossy(&body).into_owned()));
                write!(
                    writer,
                    "HTTP/1.1 202 Accepted\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{{}}"
                )
                .unwrap();
            }
            writer.flush().unwrap();
        }
    }
}

/// `logschema lambda` under a stand-in runtime API, with an SQS event in the shape Lambda
/// documents: four records, one of them a poison object.
#[cfg(feature = "lambda")]
#[test]
fn the_lambda_function_reports_the_failed_record_in_batch_item_failures() {
    let moto = MotoServer::start();
    let work = tempfile::tempdir().unwrap();
    let local = work.path().join("local");
    moto.create_bucket(BUCKET);
    moto.create_bucket("lake");
    let objects = vec![
        (flow_key(1, true), maybe_gzip(flow_object(1, 40), true)),
        (dns_key(2, false), dns_object(2, 25)),
    ];
    upload(&moto, &local, &objects);
    let poison_key = flow_key(3, true);
    moto.put_object(BUCKET, &poison_key, b"\x1f\x8bnot a deflate stream");
    let bodies: Vec<String> = serde_json::from_str(&tool(
        &moto,
        &[
            "bodies-for",
            BUCKET,
            &objects[0].0,
            &objects[1].0,
            &poison_key,
        ],
    ))
    .unwrap();
    let test_event = serde_json::json!({"Service": "Amazon S3", "Event": "s3:TestEvent",
        "Time": "2026-01-01T00:00:00.000Z", "Bucket": BUCKET})
    .to_string();
    let record = |id: &str, body: &str| {
        serde_json::json!({
            "messageId": id,
            "receiptHandle": "MessageReceiptHandle",
            "body": body,
            "attributes": {
                "ApproximateReceiveCount": "1",
                "SentTimestamp": "1523232000000",
                "SenderId": "123456789012",
                "ApproximateFirstReceiveTimestamp": "1523232000001"
            },
            "messageAttributes": {},
            "md5OfBody": "7b270e59b47ff90a553787216d55d91d",
            "eventSource": "aws:sqs",
            "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:logs",
            "awsRegion": "us-east-1"
        })
    };
    let event = serde_json::json!({"Records": [
        record("059f36b4-87a3-44ab-83d2-661975830a7d", &bodies[0]),
        record("2e1424d4-f796-459a-8184-9c92662be6da", &bodies[1]),
        record("f6c9ea9e-2a4f-4b43-9f4b-4f1e3f5c7a11", &bodies[2]),
        record("9a1c3f2e-7b6d-4e5f-8a9b-0c1d2e3f4a5b", &test_event),
    ]});
    let (results, responses) = std::sync::mpsc::channel();
    let port = runtime_api::serve(event.to_string(), results);

    let log = work.path().join("lambda.log");
    let sources = work.path().join("sources.yml");
    std::fs::write(&sources, SOURCES).unwrap();
    let mut command = logschema();
    command
        .args(["lambda", "--sources"])
        .arg(&sources)
        .args(["--output", LAKE])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap());
    moto.configure(&mut command)
        .env("AWS_LAMBDA_RUNTIME_API", format!("127.0.0.1:{port}"))
        .env("AWS_LAMBDA_FUNCTION_NAME", "logschema")
        .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1024")
        .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
    let mut child = command.spawn().expect("logschema lambda starts");
    let answer = responses.recv_timeout(Duration::from_secs(120));
    let _ = child.kill();
    let _ = child.wait();
    let log_text = std::fs::read_to_string(&log).unwrap_or_default();
    let (path, body) = answer.unwrap_or_else(|_| panic!("no response; the log:\n{log_text}"));
    assert_eq!(
        path, "/2018-06-01/runtime/invocation/request-1/response",
        "{body}"
    );
    let response: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        response,
        serde_json::json!({"batchItemFailures": [
            {"itemIdentifier": "f6c9ea9e-2a4f-4b43-9f4b-4f1e3f5c7a11"}
        ]}),
        "the log:\n{log_text}"
    );
    assert!(
        log_text.contains(&format!("s3://{BUCKET}/{poison_key}: ")),
        "{log_text}"
    );
    let rows = assert_lake_equals_reference(&moto, work.path(), &local);
    assert_eq!(rows["aws_vpcflow"], 40);
    assert_eq!(rows["aws_vpcdns"], 25);
}
