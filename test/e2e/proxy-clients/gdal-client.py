"""GDAL's /vsis3/ file system from python3-gdal, for test/e2e/clients-htslib-gdal.test.ts.

Usage: python3 gdal-client.py '<json>' with {"steps": [...]}; the endpoint and keys come from the environment
(AWS_S3_ENDPOINT, AWS_ACCESS_KEY_ID, ...) as GDAL reads them. Paths are under /vsis3/. Each step is done in order
and reports what GDAL saw: {"value": ...} or {"error": "<GDAL's message>"}; the test decides whether that is
right. Prints one JSON object: {"<step name>": result}.

- write: copies the local `file` to `path` with sequential VSIFWriteL calls of 1 MiB, as a program streaming its
  output does (GDAL uploads it in one PUT, or as a multipart upload in VSIS3_CHUNK_SIZE parts when larger);
- readDir / readDirRecursive: the names gdal.ReadDir / gdal.ReadDirRecursive list (None for an empty directory);
- rmdirRecursive: gdal.RmdirRecursive (a listing, then DeleteObjects);
- stat: the size VSIStatL reports;
- sync: gdal.Sync of the local directory `file` to `path` (its files PUT one by one);
- rename: gdal.Rename of `path` to `to` (a server-side copy, then a delete); unlink: gdal.Unlink.
"""
import json
import sys

from osgeo import gdal

gdal.UseExceptions()


def vsis3(path):
    return "/vsis3/" + path


def write(step):
    handle = gdal.VSIFOpenExL(vsis3(step["path"]), "wb", True)
    with open(step["file"], "rb") as source:
        for block in iter(lambda: source.read(1 << 20), b""):
            if gdal.VSIFWriteL(block, 1, len(block), handle) != len(block):
                gdal.VSIFCloseL(handle)
                raise RuntimeError("short write")
    if gdal.VSIFCloseL(handle) != 0:
        raise RuntimeError("close failed")
    return True


def stat(step):
    found = gdal.VSIStatL(vsis3(step["path"]))
    return None if found is None else found.size


ACTIONS = {
    "write": write,
    "readDir": lambda step: gdal.ReadDir(vsis3(step["path"])),
    "readDirRecursive": lambda step: gdal.ReadDirRecursive(vsis3(step["path"])),
    "rmdirRecursive": lambda step: gdal.RmdirRecursive(vsis3(step["path"])),
    "stat": stat,
    "sync": lambda step: gdal.Sync(step["file"], vsis3(step["path"])),
    "rename": lambda step: gdal.Rename(vsis3(step["path"]), vsis3(step["to"])),
    "unlink": lambda step: gdal.Unlink(vsis3(step["path"])),
}

results = {}
for step in json.loads(sys.argv[1])["steps"]:
    try:
        results[step["name"]] = {"value": ACTIONS[step["do"]](step)}
    except RuntimeError as error:
        results[step["name"]] = {"error": str(error)}
print(json.dumps(results))
