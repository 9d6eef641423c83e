//! `logschema::store` against a real S3-compatible server (moto on 127.0.0.1), checked with an
//! independent client (boto3).
#![cfg(feature = "s3")]

mod common;

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use common::moto::MotoServer;
use logschema::store::{ObjectInfo, S3Settings, S3Store, StoreErrorKind, PART_SIZE};

const MIB: usize = 1024 * 1024;
const DAY: &str = "AWSLogs/123456789012/vpcflowlogs/us-east-1/2021/02/04/";

fn store(moto: &MotoServer, bucket: &str) -> S3Store {
    S3Store::connect_with(bucket, &S3Settings::from_vars(moto.env())).expect("a client")
}

/// Deterministic bytes that do not compress, so sizes on the wire are what they seem.
fn noise(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed | 1;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect()
}

fn gzip(text: &str) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(text.as_bytes()).unwrap();
    encoder.finish().unwrap()
}

fn flow_key(stream: &str, time: &str) -> String {
    format!("{DAY}123456789012_vpcflowlogs_us-east-1_fl-0123_{time}_{stream}.log.gz")
}

fn read_all(store: &S3Store, key: &str) -> Vec<u8> {
    let mut reader = store.open(key).expect("the object opens");
    let mut content = Vec::new();
    // Small reads, so chunks are split across calls.
    let mut buf = [0u8; 1000];
    loop {
        let n = reader.read(&mut buf).expect("the object reads");
        if n == 0 {
            return content;
        }
        content.extend_from_slice(&buf[..n]);
    }
}

#[test]
fn a_prefix_in_aws_key_layout_lists_every_object_below_it_sorted() {
    let moto = MotoServer::start();
    moto.create_bucket("flow-logs");
    let header = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n";
    let record = "2 123456789012 eni-0a1b2c3d 10.0.1.5 10.0.2.7 443 49152 6 10 840 1612460000 1612460060 ACCEPT OK\n";
    let flow = gzip(&format!("{header}{record}"));
    let late = flow_key("cdef", "20210204T1800Z");
    let early = flow_key("abcd", "20210204T1750Z");
    let empty = flow_key("0000", "20210204T1755Z");
    let next_day = "AWSLogs/123456789012/vpcflowlogs/us-east-1/2021/02/05/123456789012_vpcflowlogs_us-east-1_fl-0123_20210205T0000Z_abcd.log.gz";
    let other_account = "AWSLogs/1234567890123/vpcflowlogs/us-east-1/2021/02/04/x.log.gz";
    moto.put_objects(
        "flow-logs",
        &[
            (&late, &flow),
            (next_day, &flow),
            (&early, &flow),
            (&empty, b""),
            (other_account, b"x"),
        ],
    );
    let store = store(&moto, "flow-logs");

    let listed = store.list(DAY).expect("the listing");
    let expected = |keys: &[&str]| -> Vec<ObjectInfo> {
        keys.iter()
            .map(|key| ObjectInfo {
                key: key.to_string(),
                size: if *key == empty { 0 } else { flow.len() as u64 },
            })
            .collect()
    };
    assert_eq!(listed, expected(&[&early, &empty, &late]));

    // A prefix is a string prefix, as in S3, not a directory: `.../02/0` takes both days, and
    // `AWSLogs/123456789012` would also match a longer account id without its slash.
    let days = store
        .list("AWSLogs/123456789012/vpcflowlogs/us-east-1/2021/02/0")
        .unwrap();
    assert_eq!(days, expected(&[&early, &empty, &late, next_day]));
    let keys = |objects: Vec<ObjectInfo>| -> Vec<String> {
        objects.into_iter().map(|object| object.key).collect()
    };
    assert_eq!(
        keys(store.list("AWSLogs/123456789012").unwrap()),
        [&early, &empty, &late, next_day, other_account]
    );
    assert_eq!(store.list("").unwrap().len(), 5, "the whole bucket");
    assert_eq!(store.list("AWSLogs/999").unwrap(), vec![], "nothing there");

    // What boto3 lists is what we list.
    let boto: Vec<(String, u64)> = moto.list_objects("flow-logs", DAY);
    let ours: Vec<(String, u64)> = listed.into_iter().map(|o| (o.key, o.size)).collect();
    assert_eq!(ours, boto);

    // The objects read back as they were put, the empty one included.
    assert_eq!(read_all(&store, &early), flow);
    assert_eq!(read_all(&store, &empty), b"");
}

#[test]
fn a_listing_longer_than_a_page_is_complete() {
    let moto = MotoServer::start();
    moto.create_bucket("many");
    // S3 (and moto) return 1,000 keys a page.
    let keys: Vec<String> = (0..1005).map(|i| format!("{DAY}{i:05}.log")).collect();
    let objects: Vec<(&str, &[u8])> = keys.iter().map(|key| (key.as_str(), &b"x"[..])).collect();
    moto.put_objects("many", &objects);
    let listed = store(&moto, "many").list(DAY).unwrap();
    let listed: Vec<String> = listed.into_iter().map(|object| object.key).collect();
    assert_eq!(listed, keys);
}

#[test]
fn large_objects_are_streamed_back_byte_for_byte_from_several_threads() {
    let moto = MotoServer::start();
    moto.create_bucket("big");
    let first = noise(6 * MIB + 123, 1);
    let second = noise(3 * MIB, 2);
    moto.put_objects("big", &[("one.bin", &first), ("two.bin", &second)]);
    let store = store(&moto, "big");

    // Both readers stream at once, on threads of their own, through the store's one runtime.
    std::thread::scope(|scope| {
        let one = scope.spawn(|| read_all(&store, "one.bin"));
        let two = scope.spawn(|| read_all(&store, "two.bin"));
        assert!(one.join().unwrap() == first, "one.bin differs");
        assert!(two.join().unwrap() == second, "two.bin differs");
    });

    // A reader dropped half-way stops its download without trouble.
    let mut reader = store.open("one.bin").unwrap();
    let mut start = vec![0u8; 100_000];
    reader.read_exact(&mut start).unwrap();
    assert!(start == first[..100_000]);
    drop(reader);
}

#[test]
fn put_file_uploads_small_files_whole_and_large_ones_in_parts() {
    let moto = MotoServer::start();
    moto.create_bucket("out");
    let store = store(&moto, "out");
    let dir = tempfile::tempdir().unwrap();

    let small = dir.path().join("small.json");
    std::fs::write(&small, b"{\"a\":1}\n").unwrap();
    store.put_file(&small, "parsed/small.json").unwrap();
    assert_eq!(moto.get_object("out", "parsed/small.json"), b"{\"a\":1}\n");

    let large_content = noise(PART_SIZE + 5 * MIB, 3);
    let large = dir.path().join("large.parquet");
    std::fs::write(&large, &large_content).unwrap();
    store.put_file(&large, "parsed/large.parquet").unwrap();
    let head = moto.head_object("out", "parsed/large.parquet").unwrap();
    assert_eq!(head.size, large_content.len() as u64);
    assert!(head.etag.ends_with("-2"), "two parts: ETag {}", head.etag);
    assert!(moto.get_object("out", "parsed/large.parquet") == large_content);
    assert_eq!(moto.uploads_in_progress("out"), 0);
}

#[test]
fn a_writer_makes_the_object_appear_only_when_finished() {
    let moto = MotoServer::start();
    moto.create_bucket("out");
    let store = store(&moto, "out");
    let key = "AWS.VPCFlow/events.json";

    let line = "{\"version\":2,\"account\":\"123456789012\",\"p_log_type\":\"AWS.VPCFlow\"}\n";
    let lines = (2 * PART_SIZE + MIB) / line.len();
    let mut writer = store.writer(key).unwrap();
    for _ in 0..lines {
        writer.write_all(line.as_bytes()).unwrap();
    }
    writer.flush().unwrap();
    // Two parts are up already, and still no object.
    assert_eq!(moto.head_object("out", key), None);
    writer.finish().unwrap();

    let head = moto
        .head_object("out", key)
        .expect("the object after finish");
    assert_eq!(head.size, (lines * line.len()) as u64);
    assert!(head.etag.ends_with("-3"), "three parts: ETag {}", head.etag);
    let content = moto.get_object("out", key);
    assert!(content == line.repeat(lines).as_bytes());

    // A small output is one PUT.
    let mut writer = store.writer("small.json").unwrap();
    writer.write_all(line.as_bytes()).unwrap();
    writer.finish().unwrap();
    assert_eq!(moto.get_object("out", "small.json"), line.as_bytes());

    // An empty output is an empty object.
    store.writer("empty.json").unwrap().finish().unwrap();
    assert_eq!(moto.head_object("out", "empty.json").unwrap().size, 0);
}

#[test]
fn a_writer_dropped_unfinished_leaves_no_object_and_no_parts() {
    let moto = MotoServer::start();
    moto.create_bucket("out");
    let store = store(&moto, "out");
    let mut writer = store.writer("torn.json").unwrap();
    writer.write_all(&noise(PART_SIZE + MIB, 4)).unwrap();
    assert_eq!(moto.uploads_in_progress("out"), 1, "the upload has begun");
    drop(writer);
    assert_eq!(moto.head_object("out", "torn.json"), None);
    assert_eq!(moto.uploads_in_progress("out"), 0, "the upload was aborted");
}

#[test]
fn missing_buckets_and_keys_and_bad_keys_are_named() {
    let moto = MotoServer::start();
    moto.create_bucket("logs");
    let endpoint = moto.endpoint();

    let missing_bucket = store(&moto, "no-such-bucket");
    let error = missing_bucket.list("AWSLogs/").unwrap_err();
    assert_eq!(error.kind(), StoreErrorKind::NotFound);
    let message = error.to_string();
    assert!(
        message.starts_with(&format!(
            "s3://no-such-bucket/AWSLogs/: cannot list objects: no such bucket (endpoint {endpoint}): "
        )),
        "{message}"
    );

    let error = missing_bucket.open("a.log").err().expect("an error");
    assert_eq!(error.kind(), StoreErrorKind::NotFound);
    assert!(
        error
            .to_string()
            .starts_with("s3://no-such-bucket/a.log: cannot read: no such bucket"),
        "{error}"
    );

    let logs = store(&moto, "logs");
    let error = logs
        .open(&flow_key("abcd", "20210204T1750Z"))
        .err()
        .unwrap();
    assert_eq!(error.kind(), StoreErrorKind::NotFound);
    assert!(
        error.to_string().starts_with(&format!(
            "s3://logs/{}: cannot read: no such object (endpoint {endpoint}): ",
            flow_key("abcd", "20210204T1750Z")
        )),
        "{error}"
    );

    // Writing into a missing bucket fails at the latest at finish, naming the object.
    let mut writer = missing_bucket.writer("out.json").unwrap();
    let error = match writer.write_all(b"{}\n") {
        Err(error) => error.to_string(),
        Ok(()) => writer.finish().unwrap_err().to_string(),
    };
    assert!(
        error.starts_with("s3://no-such-bucket/out.json: cannot write"),
        "{error}"
    );
    assert!(error.contains("NoSuchBucket"), "{error}");

    let error = logs
        .put_file(std::path::Path::new("/no/such/file.json"), "out.json")
        .unwrap_err();
    assert_eq!(error.kind(), StoreErrorKind::LocalFile);
    assert!(
        error
            .to_string()
            .starts_with("/no/such/file.json: cannot read for upload to s3://logs/out.json: "),
        "{error}"
    );

    for bad_key in ["a//b.json", "../x", "/leading", ""] {
        let error = logs.writer(bad_key).unwrap_err();
        assert_eq!(error.kind(), StoreErrorKind::BadKey, "{bad_key}: {error}");
        assert!(
            error.to_string().starts_with(&format!(
                "s3://logs/{bad_key}: not a key logschema can address"
            )),
            "{error}"
        );
    }
}

#[test]
fn a_wrong_endpoint_is_named_in_the_error() {
    // A port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let endpoint = format!("http://127.0.0.1:{port}");
    let settings = S3Settings::from_vars([
        ("AWS_ENDPOINT_URL", endpoint.as_str()),
        ("AWS_ACCESS_KEY_ID", "testing"),
        ("AWS_SECRET_ACCESS_KEY", "testing"),
    ])
    .with_retries(1, Duration::from_secs(5));
    let store = S3Store::connect_with("logs", &settings).unwrap();
    let started = Instant::now();
    let error = store.list("AWSLogs/").unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "it gave up soon"
    );
    assert_eq!(error.kind(), StoreErrorKind::Request);
    let message = error.to_string();
    assert!(
        message.starts_with(&format!(
            "s3://logs/AWSLogs/: cannot list objects (endpoint {endpoint}): "
        )),
        "{message}"
    );
    assert!(message.to_lowercase().contains("connect"), "{message}");
}
