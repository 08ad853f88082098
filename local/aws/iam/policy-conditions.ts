/**
 * IAM condition operators.
 *
 * Semantics (IAM user guide, "Condition operators" and "Single-valued vs. multivalued context keys"):
 * - keys within one operator block are ANDed, values of one key are ORed;
 * - a negated operator (StringNotEquals, ArnNotLike, NotIpAddress…) is the negation of the ORed positive match,
 *   so `StringNotEquals {k: [a, b]}` means "k is neither a nor b";
 * - a missing key makes a positive operator false and a negated operator true; `…IfExists` makes it true;
 * - `ForAnyValue:` is true when any request value matches (false for a missing/empty key), `ForAllValues:` when
 *   every request value matches (true for a missing/empty key);
 * - without a set operator, a multi-valued key is true for a positive operator when any value matches.
 */
import { BlockList, isIP } from 'node:net';
import { arnMatch, globMatch, literalText, patternParts, type VariableLookup } from './policy-match';

export interface ParsedCondition {
  /** The operator as written, e.g. `ForAnyValue:StringLikeIfExists`. */
  operator: string;
  /** The base operator, e.g. `StringLike`. */
  base: string;
  set?: 'ForAnyValue' | 'ForAllValues';
  ifExists: boolean;
  key: string;
  values: string[];
}

/** Context lookup by lower-cased key; a single value is a one-element list. */
export type ContextValues = (key: string) => string[] | undefined;

interface OperatorSpec {
  negated: boolean;
  /** Whether policy variables are substituted in the policy values. */
  variables: boolean;
  match: (requestValue: string, policyValue: string, variables?: VariableLookup) => boolean;
}

const stringOp = (negated: boolean, compare: (a: string, b: string) => boolean): OperatorSpec => ({
  negated,
  variables: true,
  match: (value, policy, vars) => {
    const parts = patternParts(policy, vars);
    return parts !== undefined && compare(value, literalText(parts));
  },
});
const likeOp = (negated: boolean): OperatorSpec => ({
  negated,
  variables: true,
  match: (value, policy, vars) => {
    const parts = patternParts(policy, vars);
    return parts !== undefined && globMatch(parts, value);
  },
});
const arnOp = (negated: boolean): OperatorSpec => ({
  negated,
  variables: true,
  match: (value, policy, vars) => {
    const parts = patternParts(policy, vars);
    return parts !== undefined && arnMatch(parts, value);
  },
});

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const parseNumber = (s: string) => (NUMBER.test(s.trim()) ? Number(s) : undefined);
const numericOp = (negated: boolean, compare: (a: number, b: number) => boolean): OperatorSpec => ({
  negated,
  variables: false,
  match: (value, policy) => {
    const a = parseNumber(value);
    const b = parseNumber(policy);
    return a !== undefined && b !== undefined && compare(a, b);
  },
});

/** Dates are ISO 8601 or epoch seconds, in the policy and in the request alike. */
export function parseDate(s: string): number | undefined {
  const t = s.trim();
  if (/^\d+$/.test(t)) return Number(t) * 1000;
  if (!/^\d{4}-\d{2}-\d{2}/.test(t)) return undefined;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? undefined : ms;
}
const dateOp = (negated: boolean, compare: (a: number, b: number) => boolean): OperatorSpec => ({
  negated,
  variables: false,
  match: (value, policy) => {
    const a = parseDate(value);
    const b = parseDate(policy);
    return a !== undefined && b !== undefined && compare(a, b);
  },
});

function ipMatch(value: string, cidr: string): boolean {
  const [address = '', prefix] = cidr.trim().split('/');
  const family = isIP(address);
  const valueFamily = isIP(value.trim());
  if (!family || family !== valueFamily) return false;
  const type = family === 4 ? 'ipv4' : 'ipv6';
  const list = new BlockList();
  const bits = prefix === undefined ? (family === 4 ? 32 : 128) : Number(prefix);
  if (!Number.isInteger(bits) || bits < 0 || bits > (family === 4 ? 32 : 128)) return false;
  list.addSubnet(address, bits, type);
  return list.check(value.trim(), type);
}
const ipOp = (negated: boolean): OperatorSpec => ({ negated, variables: false, match: ipMatch });

const equal = (a: string, b: string) => a === b;
const equalIgnoreCase = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

export const OPERATORS: Record<string, OperatorSpec> = {
  StringEquals: stringOp(false, equal),
  StringNotEquals: stringOp(true, equal),
  StringEqualsIgnoreCase: stringOp(false, equalIgnoreCase),
  StringNotEqualsIgnoreCase: stringOp(true, equalIgnoreCase),
  StringLike: likeOp(false),
  StringNotLike: likeOp(true),
  ArnEquals: arnOp(false),
  ArnLike: arnOp(false),
  ArnNotEquals: arnOp(true),
  ArnNotLike: arnOp(true),
  NumericEquals: numericOp(false, (a, b) => a === b),
  NumericNotEquals: numericOp(true, (a, b) => a === b),
  NumericLessThan: numericOp(false, (a, b) => a < b),
  NumericLessThanEquals: numericOp(false, (a, b) => a <= b),
  NumericGreaterThan: numericOp(false, (a, b) => a > b),
  NumericGreaterThanEquals: numericOp(false, (a, b) => a >= b),
  DateEquals: dateOp(false, (a, b) => a === b),
  DateNotEquals: dateOp(true, (a, b) => a === b),
  DateLessThan: dateOp(false, (a, b) => a < b),
  DateLessThanEquals: dateOp(false, (a, b) => a <= b),
  DateGreaterThan: dateOp(false, (a, b) => a > b),
  DateGreaterThanEquals: dateOp(false, (a, b) => a >= b),
  Bool: { negated: false, variables: false, match: equalIgnoreCase },
  BinaryEquals: { negated: false, variables: false, match: equal },
  IpAddress: ipOp(false),
  NotIpAddress: ipOp(true),
};

/** Splits `ForAnyValue:StringLikeIfExists` into its pieces; undefined for an operator IAM does not know. */
export function parseOperator(operator: string): Pick<ParsedCondition, 'base' | 'set' | 'ifExists'> | undefined {
  const m = /^(?:(ForAnyValue|ForAllValues):)?(.+?)(IfExists)?$/.exec(operator);
  if (!m) return undefined;
  const [, set, base = '', ifExists] = m;
  if (base === 'Null') return set || ifExists ? undefined : { base, ifExists: false };
  if (!OPERATORS[base]) return undefined;
  return { base, set: set as ParsedCondition['set'], ifExists: Boolean(ifExists) };
}

/** Evaluates one operator/key pair against the request context. */
export function conditionHolds(c: ParsedCondition, context: ContextValues, variables?: VariableLookup): boolean {
  const requestValues = context(c.key.toLowerCase());
  const present = requestValues !== undefined && requestValues.length > 0;
  if (c.base === 'Null') return c.values.some((v) => (v.toLowerCase() === 'true') === !present);
  const spec = OPERATORS[c.base];
  if (!spec) return false;
  const vars = spec.variables ? variables : undefined;
  const positive = (value: string) => c.values.some((p) => spec.match(value, p, vars));
  const single = (value: string) => (spec.negated ? !positive(value) : positive(value));
  if (!present) {
    if (c.ifExists) return true;
    if (c.set === 'ForAllValues') return true;
    if (c.set === 'ForAnyValue') return false;
    return spec.negated;
  }
  if (c.set === 'ForAllValues') return requestValues.every(single);
  if (c.set === 'ForAnyValue') return requestValues.some(single);
  return spec.negated ? !requestValues.some(positive) : requestValues.some(positive);
}
