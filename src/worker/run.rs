//! The polling worker: takes messages from the queue, handles up to `concurrency` at once, keeps
//! each invisible to other workers while it works, deletes it once its objects are in the lake.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, RecvTimeoutError};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::json;

use super::handler::{process_object, HandlerOptions, Lake, ObjectReport};
use super::log;
use super::notification::{parse_body, Notification};
use super::sources::Routes;
use super::sqs::{Message, SqsClient};

/// What `logschema worker` was asked to do.
pub struct WorkerOptions {
    pub queue_url: String,
    pub routes: Routes,
    /// `s3://bucket/prefix`.
    pub output: String,
    /// Messages handled at once.
    pub concurrency: usize,
    pub handler: HandlerOptions,
    /// Long-poll wait, 0 to 20 seconds.
    pub wait_seconds: u32,
    /// The visibility timeout to keep renewing; `None`: the queue's own.
    pub visibility_timeout: Option<u32>,
    /// A failed message becomes visible again after this many seconds (its receive count then
    /// drives the queue's redrive policy).
    pub retry_after: u32,
    /// Exit once no message came for this long and nothing is in flight.
    pub exit_when_idle: Option<Duration>,
}

/// How one message ended.
#[derive(Debug)]
pub enum Outcome {
    /// Every object is in the lake (or there was nothing to do): delete the message.
    Done(Vec<ObjectReport>),
    /// Leave the message to come back (and, after enough receives, go to the dead-letter queue).
    Failed(String),
}

/// Handles one message body: every object it names, routed and parsed into the lake.
pub fn handle_body(body: &str, routes: &Routes, lake: &Lake, options: &HandlerOptions) -> Outcome {
    let objects = match parse_body(body) {
        Ok(Notification::Objects(objects)) => objects,
        Ok(Notification::Ignored(_)) => return Outcome::Done(Vec::new()),
        Err(reason) => return Outcome::Failed(reason),
    };
    let mut reports = Vec::new();
    for object in &objects {
        let log_type = match routes.route(&object.bucket, &object.key) {
            Ok(log_type) => log_type,
            Err(reason) => return Outcome::Failed(reason),
        };
        match process_object(object, log_type, lake, options) {
            Ok(report) => reports.push(report),
            Err(reason) => return Outcome::Failed(reason),
        }
    }
    Outcome::Done(reports)
}

/// Runs until SIGTERM or SIGINT (then finishes the messages in flight and returns; a second
/// signal exits at once) or, with `exit_when_idle`, until the queue stays empty. The exit code: 0, or 1 when it could not start.
pub fn run(options: WorkerOptions) -> u8 {
    let stop = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGINT] {
        // The first signal sets `stop`; a second one, with `stop` already set, exits at once
        // (status 1): nothing in hand is deleted, so it all comes back.
        let registered =
            signal_hook::flag::register_conditional_shutdown(signal, 1, Arc::clone(&stop))
                .and_then(|_| signal_hook::flag::register(signal, Arc::clone(&stop)));
        if let Err(error) = registered {
            log::error(
                json!({"event": "start", "error": format!("cannot handle signals: {error}")}),
            );
            return 1;
        }
    }
    let sqs = match SqsClient::connect(&options.queue_url) {
        Ok(sqs) => Arc::new(sqs),
        Err(error) => {
            log::error(json!({"event": "start", "error": error}));
            return 1;
        }
    };
    let lake = match Lake::connect(&options.output) {
        Ok(lake) => Arc::new(lake),
        Err(error) => {
            log::error(json!({"event": "start", "error": error}));
            return 1;
        }
    };
    let visibility = match options.visibility_timeout {
        Some(seconds) => seconds,
        None => match queue_visibility(&sqs, &stop) {
            Ok(seconds) => seconds,
            Err(error) => {
                log::error(json!({"event": "start", "error": error}));
                return 1;
            }
        },
    }
    .max(1);
    log::info(json!({
        "event": "start",
        "queue": options.queue_url,
        "output": options.output,
        "concurrency": options.concurrency,
        "visibility_timeout": visibility,
    }));
    let options = Arc::new(options);
    let concurrency = options.concurrency.max(1);
    let (done, finished) = channel::<()>();
    let mut active = 0usize;
    let mut handles = Vec::new();
    let mut idle_since = Instant::now();
    let mut backoff = Duration::from_secs(1);
    loop {
        while finished.try_recv().is_ok() {
            active -= 1;
        }
        if stop.load(Ordering::SeqCst) {
            break;
        }
        if active >= concurrency {
            if finished.recv_timeout(Duration::from_millis(500)).is_ok() {
                active -= 1;
            }
            continue;
        }
        if let Some(limit) = options.exit_when_idle {
            if active == 0 && idle_since.elapsed() >= limit {
                log::info(json!({"event": "idle", "seconds": limit.as_secs_f64()}));
                break;
            }
        }
        let messages = match sqs.receive(concurrency - active, options.wait_seconds) {
            Ok(messages) => {
                backoff = Duration::from_secs(1);
                messages
            }
            Err(error) => {
                log::error(json!({"event": "receive", "error": error}));
                sleep_unless(&stop, backoff);
                backoff = (backoff * 2).min(Duration::from_secs(30));
                continue;
            }
        };
        if messages.is_empty() {
            continue;
        }
        idle_since = Instant::now();
        if stop.load(Ordering::SeqCst) {
            // Taken after the signal: hand them straight back.
            for message in &messages {
                let _ = sqs.change_visibility(message, 0);
            }
            break;
        }
        for message in messages {
            active += 1;
            let done = done.clone();
            let sqs = Arc::clone(&sqs);
            let lake = Arc::clone(&lake);
            let options = Arc::clone(&options);
            handles.push(std::thread::spawn(move || {
                handle_message(&message, &sqs, &lake, &options, visibility);
                let _ = done.send(());
            }));
        }
        handles.retain(|handle| !handle.is_finished());
    }
    for handle in handles {
        let _ = handle.join();
    }
    log::info(json!({"event": "stop"}));
    0
}

/// The queue's visibility timeout, asked up to five times (a queue just created, a network
/// still coming up).
fn queue_visibility(sqs: &SqsClient, stop: &AtomicBool) -> Result<u32, String> {
    let mut delay = Duration::from_millis(500);
    let mut attempt = 1;
    loop {
        match sqs.visibility_timeout() {
            Ok(seconds) => return Ok(seconds),
            Err(error) if attempt == 5 || stop.load(Ordering::SeqCst) => return Err(error),
            Err(error) => log::error(json!({"event": "start", "attempt": attempt, "error": error})),
        }
        sleep_unless(stop, delay);
        delay *= 2;
        attempt += 1;
    }
}

fn sleep_unless(stop: &AtomicBool, duration: Duration) {
    let until = Instant::now() + duration;
    while !stop.load(Ordering::SeqCst) && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Handles one message, renewing its visibility timeout every third of it while it works, then
/// deletes it (done) or lets it come back after `retry_after` (failed).
fn handle_message(
    message: &Message,
    sqs: &SqsClient,
    lake: &Lake,
    options: &WorkerOptions,
    visibility: u32,
) {
    let started = Instant::now();
    log::info(json!({
        "event": "receive",
        "message_id": message.id,
        "receive_count": message.receive_count,
    }));
    let renew_every =
        Duration::from_millis(u64::from(visibility) * 1000 / 3).max(Duration::from_millis(300));
    let (result, outcome) = channel();
    let outcome = std::thread::scope(|scope| {
        scope.spawn(|| {
            let outcome = handle_body(&message.body, &options.routes, lake, &options.handler);
            let _ = result.send(outcome);
        });
        loop {
            match outcome.recv_timeout(renew_every) {
                Ok(outcome) => break outcome,
                Err(RecvTimeoutError::Timeout) => {
                    if let Err(error) = sqs.change_visibility(message, visibility) {
                        log::error(
                            json!({"event": "extend", "message_id": message.id, "error": error}),
                        );
                    }
                }
                Err(RecvTimeoutError::Disconnected) => {
                    break Outcome::Failed("internal error: the handler stopped".to_string())
                }
            }
        }
    });
    match outcome {
        Outcome::Done(reports) => {
            for report in &reports {
                log::object(&message.id, report);
            }
            match sqs.delete(message) {
                Ok(()) => log::info(json!({
                    "event": "message",
                    "message_id": message.id,
                    "objects": reports.len(),
                    "millis": started.elapsed().as_millis() as u64,
                    "deleted": true,
                })),
                Err(error) => log::error(json!({
                    "event": "delete",
                    "message_id": message.id,
                    "error": error,
                })),
            }
        }
        Outcome::Failed(reason) => {
            log::error(json!({
                "event": "message",
                "message_id": message.id,
                "receive_count": message.receive_count,
                "error": reason,
            }));
            if let Err(error) = sqs.change_visibility(message, options.retry_after) {
                log::error(json!({"event": "release", "message_id": message.id, "error": error}));
            }
        }
    }
}
