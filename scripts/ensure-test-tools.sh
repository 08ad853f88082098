#!/usr/bin/env bash
# Installs the real S3 clients and browser the end-to-end tests drive, from Debian's packages:
# the AWS CLI (/usr/bin/aws), rclone, boto3 for the system python3, headless Chromium, jq (the guides use it),
# s3cmd, samtools (htslib's s3 plugin), GDAL's tools and Python bindings (/vsis3/), the AWS Common Runtime for
# the system python3 (botocore's CRT transfers), curl (its --aws-sigv4) and openssl (self-signed test certificates).
# Idempotent: does nothing when they are all present. Run by `npm test` (pretest) and .ci/run.
set -euo pipefail

need=()
[ -x /usr/bin/aws ] || need+=(awscli)
[ -x /usr/bin/rclone ] || need+=(rclone)
/usr/bin/python3 -c 'import boto3' >/dev/null 2>&1 || need+=(python3-boto3)
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -x /usr/bin/chromedriver ] || need+=(chromium-driver)
command -v jq >/dev/null 2>&1 || need+=(jq)
[ -x /usr/bin/s3cmd ] || need+=(s3cmd)
[ -x /usr/bin/samtools ] || need+=(samtools)
{ [ -x /usr/bin/gdalinfo ] && [ -x /usr/bin/gdal_translate ] && [ -x /usr/bin/ogr2ogr ]; } || need+=(gdal-bin)
/usr/bin/python3 -c 'from osgeo import gdal' >/dev/null 2>&1 || need+=(python3-gdal)
/usr/bin/python3 -c 'import awscrt' >/dev/null 2>&1 || need+=(python3-awscrt)
[ -x /usr/bin/curl ] || need+=(curl)
command -v openssl >/dev/null 2>&1 || need+=(openssl)

if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi

echo "ensure-test-tools: installing ${need[*]} from Debian's packages" >&2
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-test-tools: cannot install (${need[*]}): run as root on Debian, or install them yourself." >&2
  echo "ensure-test-tools: the end-to-end tests that use them will fail until then." >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
echo "ensure-test-tools: done" >&2
