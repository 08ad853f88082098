"""Several aws cli command lines in one Python process, for tests whose claims are about the commands, not about
separate processes: each start of /usr/bin/aws costs about a second of CPU in imports alone.

Usage: /usr/bin/python3 aws-batch.py '<json>' with a list of argument lists (what follows `aws` on a command line).
Each runs in order exactly as /usr/bin/aws runs it (awscli.clidriver's entry point, a fresh driver and botocore
session per command, the process's environment), with its own stdout and stderr. Prints one JSON list of
{"code", "stdout", "stderr"}, one per command.
"""
import io
import json
import logging
import sys

from awscli.clidriver import AWSCLIEntryPoint

commands = json.loads(sys.argv[1])
real_stdout = sys.stdout
# --debug adds stream handlers to these loggers; each command starts without the ones its predecessors added.
loggers = [logging.getLogger(), *(logging.getLogger(name) for name in ("botocore", "awscli", "s3transfer", "urllib3"))]
initial = [(logger, list(logger.handlers), logger.level) for logger in loggers]
results = []
for args in commands:
    out, err = io.BytesIO(), io.BytesIO()
    sys.stdout = io.TextIOWrapper(out, encoding="utf-8", write_through=True)
    sys.stderr = io.TextIOWrapper(err, encoding="utf-8", errors="replace", write_through=True)
    try:
        code = AWSCLIEntryPoint().main(args)
    except SystemExit as exit:
        code = exit.code if isinstance(exit.code, int) else 1
    sys.stdout.flush()
    sys.stderr.flush()
    results.append({"code": code, "stdout": out.getvalue().decode("utf-8"), "stderr": err.getvalue().decode("utf-8", "replace")})
    for logger, handlers, level in initial:
        logger.handlers[:] = handlers
        logger.setLevel(level)
sys.stdout = real_stdout
print(json.dumps(results))
