"""The newest boto3/botocore (>= 1.36, checksums by default) against an https endpoint, each checksum algorithm.

Usage: python3 botocore-checksums.py '<json>' with endpoint, accessKeyId, secretAccessKey, ca (PEM path), bucket,
prefix, algorithms, small (a local file for PutObject) and big (a local file for the transfer manager, multipart).
Prints one JSON document, by algorithm: the checksum fields of each answer and the sha256 of what GetObject
returned, or the error that stopped that algorithm's steps.
"""
import hashlib
import json
import sys

import boto3
import botocore
from boto3.s3.transfer import TransferConfig
from botocore.config import Config

MiB = 1024 * 1024
FIELDS = ("ChecksumCRC32", "ChecksumCRC32C", "ChecksumCRC64NVME", "ChecksumSHA1", "ChecksumSHA256", "ChecksumType")


def checksums(answer):
    return {k: answer[k] for k in FIELDS if k in answer}


def main():
    a = json.loads(sys.argv[1])
    s3 = boto3.client(
        "s3",
        endpoint_url=a["endpoint"],
        region_name="us-east-1",
        aws_access_key_id=a["accessKeyId"],
        aws_secret_access_key=a["secretAccessKey"],
        verify=a["ca"],
        config=Config(s3={"addressing_style": "path"}, retries={"mode": "standard", "max_attempts": 1}),
    )
    out = {"botocore": botocore.__version__}
    for alg in a["algorithms"]:
        try:
            out[alg] = steps(s3, a, alg)
        except Exception as error:  # noqa: BLE001 - reported to the test, which shows it
            out[alg] = {"error": f"{type(error).__name__}: {error}"}
    print(json.dumps(out))


def steps(s3, a, alg):
    bucket = a["bucket"]
    out = {}
    put_key = f"{a['prefix']}put-{alg}.bin"
    with open(a["small"], "rb") as body:
        out["put"] = checksums(s3.put_object(Bucket=bucket, Key=put_key, Body=body, ChecksumAlgorithm=alg))
    mpu_key = f"{a['prefix']}mpu-{alg}.bin"
    config = TransferConfig(multipart_threshold=5 * MiB, multipart_chunksize=5 * MiB, max_concurrency=2)
    s3.upload_file(a["big"], bucket, mpu_key, ExtraArgs={"ChecksumAlgorithm": alg}, Config=config)
    for name, key in (("putKey", put_key), ("mpuKey", mpu_key)):
        got = s3.get_object(Bucket=bucket, Key=key, ChecksumMode="ENABLED")
        data = got["Body"].read()
        out[name] = {
            "key": key,
            "get": checksums(got),
            "sha256": hashlib.sha256(data).hexdigest(),
            "head": checksums(s3.head_object(Bucket=bucket, Key=key, ChecksumMode="ENABLED")),
        }
    return out


main()
