//! A real S3-compatible server for the integration tests: moto's `moto_server` from the test
//! venv on 127.0.0.1, one per test, gone when the [`MotoServer`] is dropped.

use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use super::python::{python_dir, test_python};

/// How long moto may take to start answering (it imports a lot of Python on a busy machine).
const START_TIMEOUT: Duration = Duration::from_secs(60);

pub struct MotoServer {
    child: Child,
    port: u16,
    /// Holds the server's log (shown when it fails to start) and the helpers' temporary files.
    scratch: tempfile::TempDir,
}

/// What `head` says about an object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectHead {
    pub size: u64,
    /// A multipart upload's ETag ends in `-PARTS`.
    pub etag: String,
}

impl MotoServer {
    /// Starts a server on a free port of 127.0.0.1 and waits until it accepts connections;
    /// fails the test with the server's log when it does not within a minute.
    pub fn start() -> MotoServer {
        let python = test_python();
        let mut last_failure = String::new();
        // A port found free may be taken before moto binds it: try again with another.
        for _ in 0..3 {
            match Self::try_start(&python) {
                Ok(server) => return server,
                Err(failure) => last_failure = failure,
            }
        }
        panic!("moto_server did not start: {last_failure}");
    }

    fn try_start(python: &Path) -> Result<MotoServer, String> {
        let scratch = tempfile::tempdir().expect("a temporary directory");
        let port = free_port();
        let log_path = scratch.path().join("moto.log");
        let log = std::fs::File::create(&log_path).expect("the moto log file");
        let child = Command::new(python)
            .arg(python_dir().join("moto_server.py"))
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("the moto log file"))
            .stderr(log)
            .spawn()
            .map_err(|error| format!("cannot run {}: {error}", python.display()))?;
        let mut server = MotoServer {
            child,
            port,
            scratch,
        };
        let started = Instant::now();
        loop {
            if let Ok(Some(status)) = server.child.try_wait() {
                return Err(format!("it exited ({status}); its log:\n{}", server.log()));
            }
            if TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_ok() {
                return Ok(server);
            }
            if started.elapsed() > START_TIMEOUT {
                return Err(format!(
                    "no answer on 127.0.0.1:{port} within {START_TIMEOUT:?}; its log:\n{}",
                    server.log()
                ));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The environment an AWS client needs to use this server: the endpoint, moto's test
    /// credentials and a region.
    pub fn env(&self) -> Vec<(String, String)> {
        [
            ("AWS_ENDPOINT_URL", self.endpoint().as_str()),
            ("AWS_ACCESS_KEY_ID", "testing"),
            ("AWS_SECRET_ACCESS_KEY", "testing"),
            ("AWS_REGION", "us-east-1"),
            // Never ask an EC2 metadata service for anything.
            ("AWS_EC2_METADATA_DISABLED", "true"),
        ]
        .into_iter()
        .map(|(key, value)| (key.to_string(), value.to_string()))
        .collect()
    }

    /// Points `command` (a `logschema` run, say) at this server: every inherited `AWS_*`
    /// variable (a developer's real profile or keys) is removed and [`Self::env`] set.
    pub fn configure<'a>(&self, command: &'a mut Command) -> &'a mut Command {
        for (key, _) in std::env::vars_os() {
            if key.to_string_lossy().starts_with("AWS_") {
                command.env_remove(&key);
            }
        }
        command.envs(self.env())
    }

    /// `tests/python/s3_tool.py ARGS` (boto3) against this server.
    pub fn s3_tool(&self, args: &[&str]) -> Output {
        let mut command = Command::new(test_python());
        command.arg(python_dir().join("s3_tool.py")).args(args);
        let output = self
            .configure(&mut command)
            .output()
            .expect("s3_tool.py runs");
        output
    }

    fn s3_tool_ok(&self, args: &[&str]) -> Output {
        let output = self.s3_tool(args);
        assert!(
            output.status.success(),
            "s3_tool.py {args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        output
    }

    pub fn create_bucket(&self, bucket: &str) {
        self.s3_tool_ok(&["create-bucket", bucket]);
    }

    /// Puts every `(key, content)` in one run of boto3.
    pub fn put_objects(&self, bucket: &str, objects: &[(&str, &[u8])]) {
        let mut args = vec!["put".to_string(), bucket.to_string()];
        for (index, (key, content)) in objects.iter().enumerate() {
            let path = self.scratch_file(&format!("put-{index}"));
            std::fs::write(&path, content).expect("a scratch file");
            args.push(format!("{key}={}", path.display()));
        }
        self.s3_tool_ok(&args.iter().map(String::as_str).collect::<Vec<_>>());
    }

    pub fn put_object(&self, bucket: &str, key: &str, content: &[u8]) {
        self.put_objects(bucket, &[(key, content)]);
    }

    pub fn get_object(&self, bucket: &str, key: &str) -> Vec<u8> {
        let path = self.scratch_file("get");
        self.s3_tool_ok(&["get", bucket, key, &path.display().to_string()]);
        std::fs::read(&path).expect("the downloaded object")
    }

    /// `(key, size)` of every object under `prefix`, in S3's order.
    pub fn list_objects(&self, bucket: &str, prefix: &str) -> Vec<(String, u64)> {
        let output = self.s3_tool_ok(&["list", bucket, prefix]);
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .map(|line| {
                let item: serde_json::Value = serde_json::from_str(line).expect("JSON");
                (
                    item["key"].as_str().expect("a key").to_string(),
                    item["size"].as_u64().expect("a size"),
                )
            })
            .collect()
    }

    /// The object's size and ETag, `None` when there is no such object.
    pub fn head_object(&self, bucket: &str, key: &str) -> Option<ObjectHead> {
        let output = self.s3_tool(&["head", bucket, key]);
        if output.status.code() == Some(3) {
            return None;
        }
        assert!(
            output.status.success(),
            "s3_tool.py head failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let head: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
        Some(ObjectHead {
            size: head["size"].as_u64().expect("a size"),
            etag: head["etag"].as_str().expect("an ETag").to_string(),
        })
    }

    /// Multipart uploads started in `bucket` and neither completed nor aborted.
    pub fn uploads_in_progress(&self, bucket: &str) -> usize {
        let output = self.s3_tool_ok(&["uploads", bucket]);
        String::from_utf8_lossy(&output.stdout)
            .trim()
            .parse()
            .expect("a count")
    }

    fn scratch_file(&self, name: &str) -> PathBuf {
        self.scratch.path().join(name)
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.scratch_file("moto.log")).unwrap_or_default()
    }
}

impl Drop for MotoServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|listener| listener.local_addr())
        .expect("a free port on 127.0.0.1")
        .port()
}
