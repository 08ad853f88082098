"""boto3 against the S3 proxy, for test/e2e/proxy-clients.test.ts.

Usage: python3 boto3-client.py '<json>' with {"endpoint", "accessKeyId", "secretAccessKey", "bucket", "prefix",
"steps": [...]}. Each step is done in order and reports what boto3 saw (SHA-256 of the bytes it got, keys
listed, the error code and HTTP status of a refusal); the test decides whether that is right. Prints one JSON
object: {"<step name>": result}. The steps head, get, put and download report what a call gave or how it failed
({"value": ...} or {"error": ...}), for the function URL's client matrix.
"""
import hashlib
import json
import sys

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

args = json.loads(sys.argv[1])
s3 = boto3.client(
    "s3",
    endpoint_url=args["endpoint"],
    aws_access_key_id=args["accessKeyId"],
    aws_secret_access_key=args["secretAccessKey"],
    region_name="us-east-1",
    config=Config(s3={"addressing_style": "path"}, retries={"mode": "standard", "max_attempts": 3}),
)
bucket = args["bucket"]
prefix = args["prefix"]


def sha256_of_file(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def refusal(call):
    try:
        call()
    except ClientError as error:
        return {"code": error.response["Error"]["Code"], "status": error.response["ResponseMetadata"]["HTTPStatusCode"]}
    return {"code": None, "status": 200}


def put_get(step):
    with open(step["file"], "rb") as f:
        body = f.read()
    key = prefix + step["key"]
    s3.put_object(Bucket=bucket, Key=key, Body=body)
    got = s3.get_object(Bucket=bucket, Key=key)
    return {"sha256": hashlib.sha256(got["Body"].read()).hexdigest(), "contentLength": got["ContentLength"]}


def get_range(step):
    got = s3.get_object(Bucket=bucket, Key=prefix + step["key"], Range=step["range"])
    return {"status": got["ResponseMetadata"]["HTTPStatusCode"], "contentRange": got.get("ContentRange"), "body": got["Body"].read().hex()}


def list_keys(step):
    listed = s3.list_objects_v2(Bucket=bucket, Prefix=prefix + step.get("listPrefix", ""), Delimiter=step.get("delimiter", ""))
    return {
        "name": listed["Name"],
        "keys": [o["Key"] for o in listed.get("Contents", [])],
        "prefixes": [p["Prefix"] for p in listed.get("CommonPrefixes", [])],
    }


def delete_then_get(step):
    key = prefix + step["key"]
    s3.delete_object(Bucket=bucket, Key=key)
    return refusal(lambda: s3.get_object(Bucket=bucket, Key=key))


def upload_download(step):
    key = prefix + step["key"]
    s3.upload_file(step["file"], bucket, key)
    head = s3.head_object(Bucket=bucket, Key=key)
    s3.download_file(bucket, key, step["file"] + ".boto3")
    return {"sha256": sha256_of_file(step["file"] + ".boto3"), "etag": head["ETag"], "contentLength": head["ContentLength"]}


def put_refused(step):
    return refusal(lambda: s3.put_object(Bucket=bucket, Key=prefix + step["key"], Body=b"refused"))


def outcome(call):
    """What one call gave: {"value": ...}, or {"error": "<exception type>: <message>"} where it raised."""
    try:
        return {"value": call()}
    except Exception as error:  # a client's failure, whatever its kind, is the observation
        return {"error": f"{type(error).__name__}: {error}"}


def head(step):
    got = s3.head_object(Bucket=bucket, Key=prefix + step["key"])
    return {"contentLength": got.get("ContentLength"), "etag": got.get("ETag")}


def get(step):
    extra = {"Range": step["range"]} if "range" in step else {}
    got = s3.get_object(Bucket=bucket, Key=prefix + step["key"], **extra)
    body = got["Body"].read()
    return {
        "status": got["ResponseMetadata"]["HTTPStatusCode"],
        "sha256": hashlib.sha256(body).hexdigest(),
        "bytes": len(body),
        "contentLength": got.get("ContentLength"),
        "contentRange": got.get("ContentRange"),
    }


def put(step):
    with open(step["file"], "rb") as f:
        return {"etag": s3.put_object(Bucket=bucket, Key=prefix + step["key"], Body=f.read())["ETag"]}


def download(step):
    s3.download_file(bucket, prefix + step["key"], step["file"])
    return {"sha256": sha256_of_file(step["file"])}


STEPS = {
    "putGet": put_get,
    "getRange": get_range,
    "list": list_keys,
    "deleteThenGet": delete_then_get,
    "uploadDownload": upload_download,
    "putRefused": put_refused,
    # These report an exception as the step's result (`outcome`) rather than stopping the run.
    "head": lambda step: outcome(lambda: head(step)),
    "get": lambda step: outcome(lambda: get(step)),
    "put": lambda step: outcome(lambda: put(step)),
    "download": lambda step: outcome(lambda: download(step)),
}

print(json.dumps({step["name"]: STEPS[step["do"]](step) for step in args["steps"]}))
