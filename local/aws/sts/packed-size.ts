/**
 * The packed size of a session: STS packs the session policy and the session tags into a compressed binary form
 * with its own limit, reports the fraction used as `PackedPolicySize` (a percentage) and refuses a request over
 * 100 % with `PackedPolicyTooLarge`. AWS does not document the format.
 *
 * Our model: the policy minified (white space outside strings removed) and each tag as `key=value`, one per
 * line, compressed with raw DEFLATE at level 9; the budget is {@link PACKED_BUDGET_BYTES} compressed bytes.
 * `PackedPolicySize` is the percentage rounded down (at least 1); a refusal states it rounded up (so always above 100 %).
 *
 * What it gives (measured): the STS reference's example, a 117-character policy with two short tags, 13 %
 * (AWS reports 6 %); a one-prefix read/write policy of ~350 characters, 19 %; ~2,000 characters of distinct long
 * ARNs, ~55 %. Text that does not compress fills the budget: long random tag values, many tags. Field reports
 * suggest AWS can be stricter on long policies and on tags (a ~2,000-character policy repeating long paths, or
 * six EKS pod-identity tags at 74 %), so passing here close to the limit does not promise passing at AWS.
 */
import { deflateRawSync } from 'node:zlib';
import { AwsError } from '../types';

export const PACKED_BUDGET_BYTES = 1024;

function minify(policy: string): string {
  try {
    return JSON.stringify(JSON.parse(policy));
  } catch {
    return policy;
  }
}

export interface PackedSize {
  /** Compressed bytes of the whole packed session. */
  bytes: number;
  /** Compressed bytes of the policy alone. */
  policyBytes: number;
}

export function packedSize(policy: string | undefined, tags: Record<string, string>): PackedSize {
  const packedPolicy = policy === undefined ? '' : minify(policy);
  const packedTags = Object.entries(tags)
    .map(([k, v]) => `${k}=${v}`)
    .join('\n');
  const compress = (s: string) => (s === '' ? 0 : deflateRawSync(Buffer.from(s, 'utf8'), { level: 9 }).length);
  return { bytes: compress(`${packedPolicy}\n${packedTags}`), policyBytes: compress(packedPolicy) };
}

/**
 * Returns the `PackedPolicySize` percentage for a session with this policy and these tags, or throws
 * `PackedPolicyTooLarge` when they do not fit. Undefined when there is neither (AWS then reports nothing).
 */
export function checkPackedSize(policy: string | undefined, tags: Record<string, string>): number | undefined {
  const hasTags = Object.keys(tags).length > 0;
  if (policy === undefined && !hasTags) return undefined;
  const size = packedSize(policy, tags);
  if (size.bytes > PACKED_BUDGET_BYTES) {
    const percent = Math.ceil((size.bytes * 100) / PACKED_BUDGET_BYTES);
    const message =
      policy === undefined
        ? `Packed size of session tags consumes ${percent}% of allotted space.`
        : `Packed policy consumes ${percent}% of allotted space, please use smaller policy.` +
          (hasTags
            ? ` The session policy alone would consume ${Math.ceil((size.policyBytes * 100) / PACKED_BUDGET_BYTES)}%; the session ` +
              `tags take the rest.`
            : '');
    throw new AwsError('PackedPolicyTooLarge', message, 400);
  }
  return Math.max(1, Math.floor((size.bytes * 100) / PACKED_BUDGET_BYTES));
}
