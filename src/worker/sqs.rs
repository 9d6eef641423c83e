//! A small SQS client: the four calls a worker makes (receive, delete, change visibility, and
//! queue attributes for the visibility timeout), in SQS's JSON protocol over the reqwest client
//! object_store already builds, signed with `aws-sigv4`. Credentials come from object_store's
//! provider chain (environment, web identity, ECS/EKS container credentials, EC2 metadata), so
//! the worker finds them wherever `logschema parse` does.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4;
use object_store::aws::AwsCredentialProvider;
use serde_json::{json, Value};
use tokio::runtime::Runtime;

use crate::store::S3Settings;

/// One message as received.
#[derive(Debug, Clone)]
pub struct Message {
    pub id: String,
    pub receipt_handle: String,
    pub body: String,
    /// How many times SQS has handed this message out, this time included.
    pub receive_count: u64,
}

pub struct SqsClient {
    queue_url: String,
    endpoint: String,
    region: String,
    http: reqwest::Client,
    credentials: AwsCredentialProvider,
    runtime: Arc<Runtime>,
}

impl std::fmt::Debug for SqsClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqsClient")
            .field("queue_url", &self.queue_url)
            .field("region", &self.region)
            .finish_non_exhaustive()
    }
}

impl SqsClient {
    /// A client for the queue at `queue_url`, configured from the environment: the endpoint is
    /// `AWS_ENDPOINT_URL_SQS`, else `AWS_ENDPOINT_URL`, else the queue URL's own origin; the
    /// region is the queue URL's (`sqs.REGION.amazonaws.com`), else `AWS_REGION`.
    pub fn connect(queue_url: &str) -> Result<SqsClient, String> {
        let settings = S3Settings::from_env();
        let origin =
            origin_of(queue_url).ok_or_else(|| format!("{queue_url}: not an http(s) queue URL"))?;
        let endpoint = std::env::var("AWS_ENDPOINT_URL_SQS")
            .ok()
            .filter(|value| !value.is_empty())
            .or_else(|| {
                std::env::var("AWS_ENDPOINT_URL")
                    .ok()
                    .filter(|value| !value.is_empty())
            })
            .unwrap_or(origin.clone());
        let region = region_of(&origin).unwrap_or_else(|| settings.region().to_string());
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|error| format!("cannot start an async runtime: {error}"))?;
        // object_store's builder resolves the credential chain; the bucket name is not used.
        let builder = settings
            .builder("logschema-sqs")
            .map_err(|error| error.to_string())?;
        let (http, credentials) = {
            let _inside = runtime.enter();
            let s3 = builder
                .build()
                .map_err(|error| format!("cannot set up AWS credentials: {error}"))?;
            let http = reqwest::Client::builder()
                .timeout(Duration::from_secs(60))
                .build()
                .map_err(|error| format!("cannot set up an HTTP client: {error}"))?;
            (http, Arc::clone(s3.credentials()))
        };
        Ok(SqsClient {
            queue_url: queue_url.to_string(),
            endpoint: endpoint.trim_end_matches('/').to_string() + "/",
            region,
            http,
            credentials,
            runtime: Arc::new(runtime),
        })
    }

    pub fn queue_url(&self) -> &str {
        &self.queue_url
    }

    /// Long-polls for up to `max` messages (1 to 10), waiting up to `wait` seconds (0 to 20).
    pub fn receive(&self, max: usize, wait: u32) -> Result<Vec<Message>, String> {
        let response = self.call(
            "ReceiveMessage",
            json!({
                "QueueUrl": self.queue_url,
                "MaxNumberOfMessages": max.clamp(1, 10),
                "WaitTimeSeconds": wait.min(20),
                "MessageSystemAttributeNames": ["ApproximateReceiveCount"],
                "AttributeNames": ["ApproximateReceiveCount"],
            }),
        )?;
        let Some(messages) = response.get("Messages").and_then(Value::as_array) else {
            return Ok(Vec::new());
        };
        messages
            .iter()
            .map(|message| {
                let text = |name: &str| {
                    message
                        .get(name)
                        .and_then(Value::as_str)
                        .map(str::to_string)
                        .ok_or_else(|| format!("ReceiveMessage: a message without {name}"))
                };
                Ok(Message {
                    id: text("MessageId")?,
                    receipt_handle: text("ReceiptHandle")?,
                    body: text("Body").unwrap_or_default(),
                    receive_count: message
                        .pointer("/Attributes/ApproximateReceiveCount")
                        .and_then(Value::as_str)
                        .and_then(|count| count.parse().ok())
                        .unwrap_or(0),
                })
            })
            .collect()
    }

    pub fn delete(&self, message: &Message) -> Result<(), String> {
        self.call(
            "DeleteMessage",
            json!({"QueueUrl": self.queue_url, "ReceiptHandle": message.receipt_handle}),
        )
        .map(drop)
    }

    /// Makes the message invisible for `seconds` more from now (0: visible again at once).
    pub fn change_visibility(&self, message: &Message, seconds: u32) -> Result<(), String> {
        self.call(
            "ChangeMessageVisibility",
            json!({
                "QueueUrl": self.queue_url,
                "ReceiptHandle": message.receipt_handle,
                "VisibilityTimeout": seconds,
            }),
        )
        .map(drop)
    }

    /// The queue's default visibility timeout in seconds.
    pub fn visibility_timeout(&self) -> Result<u32, String> {
        let response = self.call(
            "GetQueueAttributes",
            json!({"QueueUrl": self.queue_url, "AttributeNames": ["VisibilityTimeout"]}),
        )?;
        response
            .pointer("/Attributes/VisibilityTimeout")
            .and_then(Value::as_str)
            .and_then(|seconds| seconds.parse().ok())
            .ok_or_else(|| "GetQueueAttributes: no VisibilityTimeout".to_string())
    }

    /// One signed call of the JSON protocol; the response body, or the error SQS gave.
    fn call(&self, action: &str, body: Value) -> Result<Value, String> {
        self.runtime.block_on(self.call_async(action, body))
    }

    async fn call_async(&self, action: &str, body: Value) -> Result<Value, String> {
        let failed = |what: String| format!("SQS {action} on {}: {what}", self.queue_url);
        let credential = self
            .credentials
            .get_credential()
            .await
            .map_err(|error| failed(format!("no AWS credentials: {error}")))?;
        let payload = body.to_string();
        let target = format!("AmazonSQS.{action}");
        let content_type = "application/x-amz-json-1.0";
        let identity = Credentials::new(
            credential.key_id.clone(),
            credential.secret_key.clone(),
            credential.token.clone(),
            None,
            "object_store",
        )
        .into();
        let params = v4::SigningParams::builder()
            .identity(&identity)
            .region(&self.region)
            .name("sqs")
            .time(SystemTime::now())
            .settings(SigningSettings::default())
            .build()
            .map_err(|error| failed(format!("cannot sign: {error}")))?
            .into();
        let headers = [
            ("content-type", content_type),
            ("x-amz-target", target.as_str()),
        ];
        let signable = SignableRequest::new(
            "POST",
            &self.endpoint,
            headers.iter().copied(),
            SignableBody::Bytes(payload.as_bytes()),
        )
        .map_err(|error| failed(format!("cannot sign: {error}")))?;
        let (instructions, _) = sign(signable, &params)
            .map_err(|error| failed(format!("cannot sign: {error}")))?
            .into_parts();
        let mut request = self
            .http
            .post(&self.endpoint)
            .header("content-type", content_type)
            .header("x-amz-target", &target);
        for (name, value) in instructions.headers() {
            request = request.header(name, value);
        }
        let response = request
            .body(payload)
            .send()
            .await
            .map_err(|error| failed(error.to_string()))?;
        let status = response.status();
        let text = response
            .text()
            .await
            .map_err(|error| failed(error.to_string()))?;
        let value: Value = if text.trim().is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text)
                .map_err(|_| failed(format!("HTTP {status}: {}", shorten(&text))))?
        };
        if !status.is_success() {
            let kind = value.get("__type").and_then(Value::as_str).unwrap_or("");
            let message = value
                .get("message")
                .or_else(|| value.get("Message"))
                .and_then(Value::as_str)
                .unwrap_or("");
            return Err(failed(
                format!("HTTP {status} {kind} {message}").trim().to_string(),
            ));
        }
        Ok(value)
    }
}

fn shorten(text: &str) -> String {
    text.chars().take(300).collect()
}

/// `https://host[:port]` of a URL.
fn origin_of(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("https://")
        .map(|rest| ("https://", rest))
        .or_else(|| url.strip_prefix("http://").map(|rest| ("http://", rest)))?;
    let authority = rest.1.split('/').next().filter(|host| !host.is_empty())?;
    Some(format!("{}{authority}", rest.0))
}

/// The region of an AWS SQS endpoint (`https://sqs.eu-west-1.amazonaws.com`).
fn region_of(origin: &str) -> Option<String> {
    let host = origin.split("://").nth(1)?;
    let mut labels = host.split('.');
    match (labels.next(), labels.next(), labels.next()) {
        (Some("sqs"), Some(region), Some("amazonaws")) => Some(region.to_string()),
        (Some(region), Some("queue"), Some("amazonaws")) => Some(region.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_and_regions_come_from_queue_urls() {
        let url = "https://sqs.eu-west-1.amazonaws.com/123456789012/logs";
        let origin = origin_of(url).unwrap();
        assert_eq!(origin, "https://sqs.eu-west-1.amazonaws.com");
        assert_eq!(region_of(&origin).as_deref(), Some("eu-west-1"));
        let moto = origin_of("http://127.0.0.1:5000/123456789012/q").unwrap();
        assert_eq!(moto, "http://127.0.0.1:5000");
        assert_eq!(region_of(&moto), None);
        assert_eq!(origin_of("sqs://x"), None);
        assert_eq!(origin_of("https:///x"), None);
    }
}
