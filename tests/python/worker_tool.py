"""boto3 and DuckDB for tests/worker.rs: queues on moto's SQS, S3 event notifications, the lake.

    worker_tool.py queue NAME VISIBILITY MAX_RECEIVES  # a queue with a dead-letter queue; prints
                                                      # {"queue": URL, "dlq": URL}
    worker_tool.py notify QUEUE BUCKET KEY...         # one notification per key; the format
                                                      # cycles: S3's own, SNS-wrapped, EventBridge
    worker_tool.py bodies-for BUCKET KEY...           # those notifications as a JSON list
    worker_tool.py test-event QUEUE BUCKET            # S3's s3:TestEvent
    worker_tool.py counts QUEUE                       # {"visible": N, "in_flight": N}
    worker_tool.py bodies QUEUE                       # the bodies of every message, as JSON list
    worker_tool.py download BUCKET PREFIX DIR         # every object under PREFIX into DIR
    worker_tool.py compare GLOB_A GLOB_B              # Parquet rows of A and B as multisets

`compare` leaves out p_row_id and p_parse_time (they differ between runs) and prints
{"a": rows, "b": rows, "a_not_b": N, "b_not_a": N, "a_distinct_row_ids": N}.
The endpoint and credentials come from the environment, as for any AWS SDK.
"""

import json
import os
import sys
import urllib.parse

import boto3
import botocore.config


def s3():
    return boto3.client(
        "s3",
        endpoint_url=os.environ["AWS_ENDPOINT_URL"],
        config=botocore.config.Config(s3={"addressing_style": "path"}),
    )


def sqs():
    return boto3.client("sqs", endpoint_url=os.environ["AWS_ENDPOINT_URL"],
                        region_name=os.environ.get("AWS_REGION", "us-east-1"))


def s3_record(bucket, key, head):
    # S3's format (User Guide, "Event message structure"): the key URL-encoded, `+` for space.
    return json.dumps({"Records": [{
        "eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": "us-east-1",
        "eventTime": "2026-01-01T00:00:00.000Z", "eventName": "ObjectCreated:Put",
        "s3": {"s3SchemaVersion": "1.0", "configurationId": "logs",
               "bucket": {"name": bucket, "arn": f"arn:aws:s3:::{bucket}"},
               "object": {"key": urllib.parse.quote_plus(key, safe="/"),
                          "size": head["ContentLength"], "eTag": head["ETag"].strip('"'),
                          "sequencer": "0055AED6DCD90281E5"}}}]})


def notification(index, bucket, key, head):
    body = s3_record(bucket, key, head)
    if index % 3 == 1:
        return json.dumps({"Type": "Notification", "MessageId": f"sns-{index}",
                           "TopicArn": "arn:aws:sns:us-east-1:123456789012:logs",
                           "Subject": "Amazon S3 Notification", "Message": body})
    if index % 3 == 2:
        return json.dumps({"version": "0", "id": f"eb-{index}", "detail-type": "Object Created",
                           "source": "aws.s3", "account": "123456789012",
                           "time": "2026-01-01T00:00:00Z", "region": "us-east-1",
                           "resources": [f"arn:aws:s3:::{bucket}"],
                           "detail": {"version": "0", "bucket": {"name": bucket},
                                      "object": {"key": key, "size": head["ContentLength"],
                                                 "etag": head["ETag"].strip('"')},
                                      "reason": "PutObject"}})
    return body


def send_all(queue, bodies):
    client = sqs()
    for start in range(0, len(bodies), 10):
        entries = [{"Id": str(n), "MessageBody": body}
                   for n, body in enumerate(bodies[start:start + 10])]
        result = client.send_message_batch(QueueUrl=queue, Entries=entries)
        if result.get("Failed"):
            raise SystemExit(f"send failed: {result['Failed']}")


def main(command, *args):
    if command == "queue":
        name, visibility, max_receives = args
        client = sqs()
        dlq = client.create_queue(QueueName=f"{name}-dlq")["QueueUrl"]
        dlq_arn = client.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])[
            "Attributes"]["QueueArn"]
        queue = client.create_queue(QueueName=name, Attributes={
            "VisibilityTimeout": visibility,
            "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn,
                                         "maxReceiveCount": max_receives}),
        })["QueueUrl"]
        print(json.dumps({"queue": queue, "dlq": dlq}))
    elif command == "notify":
        queue, bucket, *keys = args
        client = s3()
        bodies = [notification(index, bucket, key, client.head_object(Bucket=bucket, Key=key))
                  for index, key in enumerate(keys)]
        send_all(queue, bodies)
    elif command == "bodies-for":
        bucket, *keys = args
        client = s3()
        print(json.dumps([notification(index, bucket, key, client.head_object(Bucket=bucket, Key=key))
                          for index, key in enumerate(keys)]))
    elif command == "test-event":
        queue, bucket = args
        send_all(queue, [json.dumps({"Service": "Amazon S3", "Event": "s3:TestEvent",
                                     "Time": "2026-01-01T00:00:00.000Z", "Bucket": bucket,
                                     "RequestId": "5582815E1AEA5ADF", "HostId": "x"})])
    elif command == "counts":
        (queue,) = args
        attributes = sqs().get_queue_attributes(QueueUrl=queue, AttributeNames=[
            "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])["Attributes"]
        print(json.dumps({"visible": int(attributes["ApproximateNumberOfMessages"]),
                          "in_flight": int(attributes["ApproximateNumberOfMessagesNotVisible"])}))
    elif command == "bodies":
        (queue,) = args
        client = sqs()
        bodies = []
        while True:
            messages = client.receive_message(QueueUrl=queue, MaxNumberOfMessages=10,
                                              WaitTimeSeconds=0).get("Messages", [])
            if not messages:
                break
            bodies.extend(message["Body"] for message in messages)
        print(json.dumps(bodies))
    elif command == "download":
        bucket, prefix, directory = args
        client = s3()
        for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
            for item in page.get("Contents", []):
                target = os.path.join(directory, item["Key"])
                os.makedirs(os.path.dirname(target), exist_ok=True)
                client.download_file(bucket, item["Key"], target)
    elif command == "compare":
        import duckdb
        glob_a, glob_b = args
        def rows(glob):
            return (f"SELECT * EXCLUDE (p_row_id, p_parse_time) FROM read_parquet('{glob}', "
                    f"hive_partitioning = true, union_by_name = true)")
        def one(sql):
            return duckdb.sql(sql).fetchall()[0][0]
        print(json.dumps({
            "a": one(f"SELECT count(*) FROM ({rows(glob_a)})"),
            "b": one(f"SELECT count(*) FROM ({rows(glob_b)})"),
            "a_not_b": one(f"SELECT count(*) FROM ({rows(glob_a)} EXCEPT ALL {rows(glob_b)})"),
            "b_not_a": one(f"SELECT count(*) FROM ({rows(glob_b)} EXCEPT ALL {rows(glob_a)})"),
            "a_distinct_row_ids": one(
                f"SELECT count(DISTINCT p_row_id) FROM read_parquet('{glob_a}')"),
        }))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
