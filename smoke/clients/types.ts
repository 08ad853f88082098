/**
 * What every client runner does: a batch of S3 operations against one endpoint and one volume (the bucket
 * clients see), each answered with what the client saw. The checks (smoke/checks.ts) decide whether that is
 * right; a runner only reports. Batches let boto3 do all its operations in one Python process.
 */

export type Op =
  | { do: 'head'; key: string }
  /**
   * `range` is an HTTP range, `bytes=a-b`. `download`: the way the client's users fetch a whole file (the aws cli's
   * `s3 cp` and boto3's `download_file` size it with a HEAD first), rather than one GetObject.
   */
  | { do: 'get'; key: string; range?: string; download?: boolean }
  | { do: 'put'; key: string; file: string }
  /** An upload of `file` in parts of PART_SIZE, as the client does multipart. */
  | { do: 'multipart'; key: string; file: string }
  /** Every key under `prefix` (the client pages as it does). */
  | { do: 'list'; prefix: string }
  /** A GetObject of `bucket`/`key`, which should be refused: what the client says the refusal was. */
  | { do: 'refused'; bucket: string; key: string };

export interface OpAnswer {
  ok: true;
  /** head: the size the client read from the answer (undefined when the answer gave none). */
  size?: number | null;
  /** head and get, JS SDK only: the `x-amzn-Remapped-Content-Length` header, where a function URL renamed Content-Length to it. */
  remappedLength?: number;
  /** get: the bytes as the client wrote them out, and the Content-Length it reports, where it reports one. */
  sha256?: string;
  length?: number;
  contentLength?: number | null;
  /** get, JS SDK only: the ETag (multipart objects' end in `-<parts>`). */
  etag?: string;
  /** list: the keys. */
  keys?: string[];
  /** refused: the S3 error code and HTTP status the client reports (status may be unknown), or `ok` if it was not refused. */
  code?: string;
  status?: number;
}

export type OpResult = OpAnswer | { ok: false; error: string };

/** Runs each operation in turn; one that throws becomes its failure (described by `describe`), and the rest still run. */
export async function eachOp(
  ops: Op[],
  run: (op: Op, index: number) => Promise<OpAnswer>,
  describe = (error: unknown) => (error as Error).message,
): Promise<OpResult[]> {
  const results: OpResult[] = [];
  for (const [i, op] of ops.entries()) {
    try {
      results.push(await run(op, i));
    } catch (error) {
      results.push({ ok: false, error: describe(error) });
    }
  }
  return results;
}

/** A refusal's code when the client saw a 404 but reports no S3 error code (rclone's "directory not found"). */
export const NOT_FOUND = 'NotFound';

/** The parts of a multipart upload: S3's smallest, so two parts make a 10 MiB object. */
export const PART_SIZE = 5 * 1024 * 1024;

export interface Target {
  /** The proxy endpoint's URL. */
  endpoint: string;
  /** The volume's name: the bucket S3 clients see. */
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** A private scratch directory (downloads, client configuration); HOME for the clients. */
  workDir: string;
}

export interface ClientRunner {
  name: string;
  run(target: Target, ops: Op[]): Promise<OpResult[]>;
  /** The only checks worth this client's time, and why the others are not (each process costs a second). */
  essential?: { checks: string[]; others: string };
}

/** A client that is not installed: why (shown as the SKIP reason). */
export interface Absent {
  name: string;
  absent: string;
}
