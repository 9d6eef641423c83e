//! The worker's handler as an AWS Lambda function with an SQS event source: each record of the
//! batch is handled like a worker's message, and the ids of the records that failed are returned
//! as `batchItemFailures`, so Lambda deletes the others and only the failed ones come back (the
//! event source mapping needs `FunctionResponseTypes: ["ReportBatchItemFailures"]`).
//!
//! The event handling here needs no Lambda crate; [`serve`] (the `lambda` feature) connects it
//! to the Lambda runtime API with the `lambda_runtime` crate.

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::log;
use super::run::Outcome;

/// The SQS event Lambda invokes the function with (the fields used here).
#[derive(Debug, Clone, Deserialize)]
pub struct SqsEvent {
    #[serde(rename = "Records")]
    pub records: Vec<SqsRecord>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SqsRecord {
    #[serde(rename = "messageId")]
    pub message_id: String,
    #[serde(default)]
    pub body: String,
}

/// The function's answer: the records to retry.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchResponse {
    #[serde(rename = "batchItemFailures")]
    pub batch_item_failures: Vec<ItemFailure>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemFailure {
    #[serde(rename = "itemIdentifier")]
    pub item_identifier: String,
}

/// Handles every record with `handle` (a message body in, an [`Outcome`] out), logging each
/// object and failure as the worker does; returns the failed records' ids.
pub fn handle_event(event: &SqsEvent, handle: impl Fn(&str) -> Outcome) -> BatchResponse {
    let mut response = BatchResponse::default();
    for record in &event.records {
        match handle(&record.body) {
            Outcome::Done(reports) => {
                for report in &reports {
                    log::object(&record.message_id, report);
                }
            }
            Outcome::Failed(reason) => {
                log::error(json!({
                    "event": "message",
                    "message_id": record.message_id,
                    "error": reason,
                }));
                response.batch_item_failures.push(ItemFailure {
                    item_identifier: record.message_id.clone(),
                });
            }
        }
    }
    response
}

/// Serves Lambda invocations until the runtime stops the process.
#[cfg(feature = "lambda")]
pub fn serve(
    routes: super::Routes,
    lake: super::Lake,
    options: super::HandlerOptions,
) -> Result<(), String> {
    use std::sync::Arc;

    let state = Arc::new((routes, lake, options));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|error| format!("cannot start an async runtime: {error}"))?;
    let handler =
        lambda_runtime::service_fn(move |event: lambda_runtime::LambdaEvent<SqsEvent>| {
            let state = Arc::clone(&state);
            async move {
                // The S3 client blocks on a runtime of its own: off this one's thread.
                tokio::task::spawn_blocking(move || {
                    let (routes, lake, options) = &*state;
                    handle_event(&event.payload, |body| {
                        super::handle_body(body, routes, lake, options)
                    })
                })
                .await
                .map_err(|error| lambda_runtime::Error::from(format!("handler failed: {error}")))
            }
        });
    runtime
        .block_on(lambda_runtime::run(handler))
        .map_err(|error| format!("Lambda runtime: {error}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failed_records_are_reported_by_message_id() {
        let event: SqsEvent = serde_json::from_str(
            r#"{"Records":[
                {"messageId":"a","receiptHandle":"r1","body":"good","attributes":{},"eventSource":"aws:sqs"},
                {"messageId":"b","receiptHandle":"r2","body":"bad","attributes":{},"eventSource":"aws:sqs"},
                {"messageId":"c","receiptHandle":"r3","body":"good","attributes":{},"eventSource":"aws:sqs"}]}"#,
        )
        .unwrap();
        let response = handle_event(&event, |body| match body {
            "good" => Outcome::Done(Vec::new()),
            _ => Outcome::Failed("no".to_string()),
        });
        assert_eq!(
            serde_json::to_value(&response).unwrap(),
            json!({"batchItemFailures": [{"itemIdentifier": "b"}]})
        );
    }
}
