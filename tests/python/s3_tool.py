"""boto3, the AWS SDK for Python, as the tests' independent view of an S3 server.

    python s3_tool.py create-bucket BUCKET
    python s3_tool.py put BUCKET KEY=FILE...        # several objects in one run
    python s3_tool.py get BUCKET KEY OUT_FILE
    python s3_tool.py list BUCKET PREFIX            # one JSON object a line: {"key", "size"}
    python s3_tool.py head BUCKET KEY               # {"size", "etag"}, or exit 3 when absent
    python s3_tool.py uploads BUCKET                # multipart uploads still in progress

The endpoint and credentials come from the environment (AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID,
...), as for any AWS SDK.
"""

import concurrent.futures
import json
import os
import sys

import boto3
import botocore.config
import botocore.exceptions


def client():
    return boto3.client(
        "s3",
        endpoint_url=os.environ["AWS_ENDPOINT_URL"],
        config=botocore.config.Config(s3={"addressing_style": "path"}),
    )


def main(command: str, *args: str) -> int:
    s3 = client()
    if command == "create-bucket":
        (bucket,) = args
        s3.create_bucket(Bucket=bucket)
    elif command == "put":
        bucket, *pairs = args

        def put(pair: str) -> None:
            key, path = pair.split("=", 1)
            with open(path, "rb") as body:
                s3.put_object(Bucket=bucket, Key=key, Body=body)

        # Many small objects (a listing test's thousand) go up several at a time.
        with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
            for _ in pool.map(put, pairs):
                pass
    elif command == "get":
        bucket, key, out = args
        s3.download_file(bucket, key, out)
    elif command == "list":
        bucket, prefix = args
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
            for item in page.get("Contents", []):
                print(json.dumps({"key": item["Key"], "size": item["Size"]}))
    elif command == "head":
        bucket, key = args
        try:
            head = s3.head_object(Bucket=bucket, Key=key)
        except botocore.exceptions.ClientError as error:
            if error.response["Error"]["Code"] in ("404", "NoSuchKey"):
                return 3
            raise
        print(json.dumps({"size": head["ContentLength"], "etag": head["ETag"].strip('"')}))
    elif command == "uploads":
        (bucket,) = args
        print(len(s3.list_multipart_uploads(Bucket=bucket).get("Uploads", [])))
    else:
        print(f"s3_tool.py: unknown command {command!r}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
