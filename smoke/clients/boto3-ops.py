"""boto3's side of the smoke test (smoke/clients/boto3.ts): one process does a batch of operations.

Input on stdin: {"endpoint", "region", "bucket", "workDir", "ops": [...]} (the key pair comes in the environment,
AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, never on the command line). Path-style addressing, boto3's defaults
otherwise. Prints one JSON list with one answer per op: what boto3 saw, or {"ok": false, "error": ...}.
"""
import hashlib
import json
import sys

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import ClientError

args = json.load(sys.stdin)
s3 = boto3.client("s3", endpoint_url=args["endpoint"], region_name=args["region"], config=Config(s3={"addressing_style": "path"}))
bucket = args["bucket"]
PART = 5 * 1024 * 1024


def head(op):
    return {"size": s3.head_object(Bucket=bucket, Key=op["key"]).get("ContentLength")}


def get(op):
    if op.get("download"):
        # download_file sizes the object with a HEAD, then GETs it (in ranges from 8 MiB).
        path = "%s/boto3-download" % args["workDir"]
        s3.download_file(bucket, op["key"], path)
        with open(path, "rb") as f:
            body = f.read()
        return {"sha256": hashlib.sha256(body).hexdigest(), "length": len(body)}
    extra = {"Range": op["range"]} if op.get("range") else {}
    got = s3.get_object(Bucket=bucket, Key=op["key"], **extra)
    body = got["Body"].read()
    return {"sha256": hashlib.sha256(body).hexdigest(), "length": len(body), "contentLength": got.get("ContentLength")}


def put(op):
    with open(op["file"], "rb") as f:
        s3.put_object(Bucket=bucket, Key=op["key"], Body=f.read())
    return {}


def multipart(op):
    s3.upload_file(op["file"], bucket, op["key"], Config=TransferConfig(multipart_threshold=PART, multipart_chunksize=PART))
    return {}


def list_keys(op):
    keys = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=op["prefix"]):
        keys += [o["Key"] for o in page.get("Contents", [])]
    return {"keys": keys}


def refused(op):
    try:
        s3.get_object(Bucket=op["bucket"], Key=op["key"])["Body"].read()
    except ClientError as error:
        return {"code": error.response["Error"]["Code"], "status": error.response["ResponseMetadata"]["HTTPStatusCode"]}
    return {"code": "ok", "status": 200}


OPS = {"head": head, "get": get, "put": put, "multipart": multipart, "list": list_keys, "refused": refused}


def answer(op):
    try:
        return {"ok": True, **OPS[op["do"]](op)}
    except ClientError as error:
        e = error.response.get("Error", {})
        return {"ok": False, "error": "%s (HTTP %s): %s" % (e.get("Code"), error.response["ResponseMetadata"].get("HTTPStatusCode"), e.get("Message", ""))}
    except Exception as error:  # what the smoke test reports, whatever boto3 raised
        return {"ok": False, "error": "%s: %s" % (type(error).__name__, error)}


print(json.dumps([answer(op) for op in args["ops"]]))
