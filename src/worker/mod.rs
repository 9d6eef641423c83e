//! `logschema worker` (the `worker` feature): S3 event notifications taken from SQS, each object
//! parsed into the lake, the message deleted only once its output is completely written.
//! docs/workers.md describes the architecture and the guarantees.
//!
//! - [`notification`]: message bodies (S3, SNS-wrapped, EventBridge) to objects;
//! - [`sources`]: `sources.yml`, bucket and key to log type;
//! - [`handler`]: one object into the lake under names derived from the object;
//! - [`sqs`]: a small SQS client;
//! - [`run`]: the polling loop (concurrency, visibility renewal, SIGTERM);
//! - [`lambda`]: the same handler for an SQS-triggered Lambda function.

pub mod handler;
pub mod lambda;
pub mod log;
pub mod notification;
pub mod run;
pub mod sources;
pub mod sqs;

pub use handler::{process_object, HandlerOptions, Lake, ObjectReport};
pub use notification::{parse_body, Notification, ObjectRef};
pub use run::{handle_body, run, Outcome, WorkerOptions};
pub use sources::Routes;
