//! S3 event notifications as they arrive in SQS message bodies: straight from S3, wrapped by an
//! SNS topic, or from EventBridge. Only object-creation events name work; S3's `s3:TestEvent`
//! (sent when a notification is configured) and other events are acknowledged and ignored.

use serde_json::Value;

/// One new object named by a notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectRef {
    pub bucket: String,
    /// The key as stored (notifications URL-encode it; this is decoded).
    pub key: String,
    pub size: u64,
    pub version_id: Option<String>,
    pub etag: Option<String>,
}

impl ObjectRef {
    /// `s3://bucket/key`.
    pub fn url(&self) -> String {
        format!("s3://{}/{}", self.bucket, self.key)
    }

    /// What tells this object apart from another one under the same key: the version when the
    /// bucket is versioned, else the ETag (an overwrite with other content changes it).
    pub fn revision(&self) -> &str {
        self.version_id
            .as_deref()
            .or(self.etag.as_deref())
            .unwrap_or("")
    }
}

/// What a message body asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notification {
    /// Objects to parse (one message may carry several records).
    Objects(Vec<ObjectRef>),
    /// `s3:TestEvent`, or events that are not object creations: nothing to do.
    Ignored(&'static str),
}

/// Reads a message body; an error says why it is not an S3 notification.
pub fn parse_body(body: &str) -> Result<Notification, String> {
    let value: Value =
        serde_json::from_str(body).map_err(|error| format!("message is not JSON: {error}"))?;
    parse_value(&value, 0)
}

fn parse_value(value: &Value, depth: usize) -> Result<Notification, String> {
    if value.get("Event").and_then(Value::as_str) == Some("s3:TestEvent") {
        return Ok(Notification::Ignored("s3:TestEvent"));
    }
    // SNS: {"Type": "Notification", "Message": "<the S3 notification as a JSON string>"}.
    if value.get("Type").and_then(Value::as_str) == Some("Notification") && depth == 0 {
        let message = value
            .get("Message")
            .and_then(Value::as_str)
            .ok_or("SNS notification without a Message string")?;
        let inner: Value = serde_json::from_str(message)
            .map_err(|error| format!("SNS Message is not JSON: {error}"))?;
        return parse_value(&inner, depth + 1);
    }
    if let Some(records) = value.get("Records") {
        return parse_records(records);
    }
    if value.get("source").and_then(Value::as_str) == Some("aws.s3") {
        return parse_eventbridge(value);
    }
    Err("not an S3 event notification (no Records, no EventBridge aws.s3 event)".to_string())
}

/// S3's own format: `{"Records": [{"eventName": "ObjectCreated:Put", "s3": {...}}]}`.
fn parse_records(records: &Value) -> Result<Notification, String> {
    let records = records.as_array().ok_or("Records is not an array")?;
    let mut objects = Vec::new();
    for (index, record) in records.iter().enumerate() {
        let event = record
            .get("eventName")
            .and_then(Value::as_str)
            .unwrap_or("");
        if !event.starts_with("ObjectCreated:") {
            continue;
        }
        let s3 = record
            .get("s3")
            .ok_or_else(|| format!("Records[{index}] has no s3"))?;
        let bucket = text(s3, &["bucket", "name"])
            .ok_or_else(|| format!("Records[{index}] has no s3.bucket.name"))?;
        let raw_key = text(s3, &["object", "key"])
            .ok_or_else(|| format!("Records[{index}] has no s3.object.key"))?;
        let key = decode_key(&raw_key).ok_or_else(|| {
            format!("Records[{index}]: s3.object.key {raw_key:?} is not URL-encoded UTF-8")
        })?;
        objects.push(ObjectRef {
            bucket,
            key,
            size: s3
                .pointer("/object/size")
                .and_then(Value::as_u64)
                .unwrap_or(0),
            version_id: text(s3, &["object", "versionId"]),
            etag: text(s3, &["object", "eTag"]),
        });
    }
    if objects.is_empty() {
        return Ok(Notification::Ignored("no ObjectCreated records"));
    }
    Ok(Notification::Objects(objects))
}

/// EventBridge: `{"source": "aws.s3", "detail-type": "Object Created", "detail": {...}}`; the
/// key is not URL-encoded there.
fn parse_eventbridge(value: &Value) -> Result<Notification, String> {
    if value.get("detail-type").and_then(Value::as_str) != Some("Object Created") {
        return Ok(Notification::Ignored(
            "EventBridge event other than Object Created",
        ));
    }
    let detail = value
        .get("detail")
        .ok_or("EventBridge event without detail")?;
    let bucket = text(detail, &["bucket", "name"]).ok_or("no detail.bucket.name")?;
    let key = text(detail, &["object", "key"]).ok_or("no detail.object.key")?;
    Ok(Notification::Objects(vec![ObjectRef {
        bucket,
        key,
        size: detail
            .pointer("/object/size")
            .and_then(Value::as_u64)
            .unwrap_or(0),
        version_id: text(detail, &["object", "version-id"]),
        etag: text(detail, &["object", "etag"]),
    }]))
}

fn text(value: &Value, path: &[&str]) -> Option<String> {
    let mut current = value;
    for step in path {
        current = current.get(step)?;
    }
    current
        .as_str()
        .filter(|text| !text.is_empty())
        .map(str::to_string)
}

/// S3 notification keys are form-encoded: `+` is a space, `%XX` a byte.
fn decode_key(raw: &str) -> Option<String> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        match bytes[index] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = raw.get(index + 1..index + 3)?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                index += 2;
            }
            byte => out.push(byte),
        }
        index += 1;
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// From the S3 User Guide's "Event message structure" example, trimmed.
    const DIRECT: &str = r#"{"Records":[{"eventVersion":"2.1","eventSource":"aws:s3",
        "awsRegion":"us-west-2","eventTime":"1970-01-01T00:00:00.000Z",
        "eventName":"ObjectCreated:Put","s3":{"s3SchemaVersion":"1.0",
        "configurationId":"testConfigRule","bucket":{"name":"mybucket",
        "arn":"arn:aws:s3:::mybucket"},"object":{"key":"AWSLogs/my+file%3D1.log.gz","size":1024,
        "eTag":"d41d8cd98f00b204e9800998ecf8427e","versionId":"096fKKXTRTtl3on89fVO.nfljtsv6qko",
        "sequencer":"0055AED6DCD90281E5"}}}]}"#;

    #[test]
    fn direct_notifications_name_decoded_keys() {
        let Notification::Objects(objects) = parse_body(DIRECT).unwrap() else {
            panic!("objects expected");
        };
        assert_eq!(objects.len(), 1);
        let object = &objects[0];
        assert_eq!(object.bucket, "mybucket");
        assert_eq!(object.key, "AWSLogs/my file=1.log.gz");
        assert_eq!(object.size, 1024);
        assert_eq!(object.revision(), "096fKKXTRTtl3on89fVO.nfljtsv6qko");
        assert_eq!(object.url(), "s3://mybucket/AWSLogs/my file=1.log.gz");
    }

    #[test]
    fn sns_wrapped_notifications_are_unwrapped() {
        let sns = serde_json::json!({
            "Type": "Notification",
            "MessageId": "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324",
            "TopicArn": "arn:aws:sns:us-west-2:123456789012:MyTopic",
            "Message": DIRECT,
        });
        let Notification::Objects(objects) = parse_body(&sns.to_string()).unwrap() else {
            panic!("objects expected");
        };
        assert_eq!(objects[0].key, "AWSLogs/my file=1.log.gz");
    }

    #[test]
    fn eventbridge_events_keep_keys_as_they_are() {
        let event = r#"{"version":"0","id":"17793124-05d4-b198-2fde-7ededc63b103",
            "detail-type":"Object Created","source":"aws.s3","account":"111122223333",
            "time":"2021-11-12T00:00:00Z","region":"ca-central-1",
            "resources":["arn:aws:s3:::DOC-EXAMPLE-BUCKET1"],"detail":{"version":"0",
            "bucket":{"name":"DOC-EXAMPLE-BUCKET1"},"object":{"key":"a b+c.log","size":5,
            "etag":"b1946ac92492d2347c6235b4d2611184","sequencer":"00617F08299329D189"},
            "request-id":"N4N7GDK58NMKJ12R","requester":"123456789012",
            "reason":"PutObject"}}"#;
        let Notification::Objects(objects) = parse_body(event).unwrap() else {
            panic!("objects expected");
        };
        assert_eq!(objects[0].key, "a b+c.log");
        assert_eq!(objects[0].revision(), "b1946ac92492d2347c6235b4d2611184");
    }

    #[test]
    fn test_events_and_deletions_are_ignored() {
        let test_event = r#"{"Service":"Amazon S3","Event":"s3:TestEvent",
            "Time":"2014-10-13T15:57:02.089Z","Bucket":"bucketname",
            "RequestId":"5582815E1AEA5ADF","HostId":"8cLeGAmw098X5cv4Zkwcmo8vvZa3eH3eKxsPzbB9wrR+YstdA6Knx4Ip8EXAMPLE"}"#;
        assert_eq!(
            parse_body(test_event).unwrap(),
            Notification::Ignored("s3:TestEvent")
        );
        let deleted = DIRECT.replace("ObjectCreated:Put", "ObjectRemoved:Delete");
        assert!(matches!(
            parse_body(&deleted).unwrap(),
            Notification::Ignored(_)
        ));
    }

    #[test]
    fn other_bodies_are_errors_not_panics() {
        for body in [
            "",
            "{",
            "[]",
            "{}",
            r#"{"Records": 3}"#,
            r#"{"Records":[{"eventName":"ObjectCreated:Put"}]}"#,
            r#"{"Type":"Notification","Message":"nope"}"#,
        ] {
            assert!(parse_body(body).is_err(), "{body}");
        }
        let bad_escape = DIRECT.replace("%3D", "%G1");
        assert!(parse_body(&bad_escape).is_err());
    }
}
