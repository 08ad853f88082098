/**
 * Parses and validates IAM policy documents the way IAM does on write; a problem raises `MalformedPolicyDocument`
 * with a message naming it (IAM's own wording where we know it).
 *
 * Kinds: `identity` (user/role inline policies) and `session` (AssumeRole* Policy) must name actions and
 * resources and no principal; `trust` (a role's AssumeRolePolicyDocument) must name a principal, no resource,
 * and only `sts:` actions.
 */
import { AwsError } from '../types';
import { type ParsedCondition, parseOperator } from './policy-conditions';
import type { PrincipalSet } from './policy-principal';

export type PolicyKind = 'identity' | 'session' | 'trust';

export interface ParsedStatement {
  sid?: string;
  effect: 'Allow' | 'Deny';
  actions?: string[];
  notActions?: string[];
  resources?: string[];
  notResources?: string[];
  principal?: PrincipalSet;
  notPrincipal?: PrincipalSet;
  conditions: ParsedCondition[];
}

export interface ParsedPolicy {
  version?: string;
  /** Policy variables (`${…}`) are only substituted with Version 2012-10-17. */
  variables: boolean;
  statements: ParsedStatement[];
}

const malformed = (message: string) => new AwsError('MalformedPolicyDocument', message, 400);
const SYNTAX = 'Syntax errors in policy.';
const VERSIONS = ['2012-10-17', '2008-10-17'];
const STATEMENT_FIELDS = new Set([
  'Sid',
  'Effect',
  'Action',
  'NotAction',
  'Resource',
  'NotResource',
  'Principal',
  'NotPrincipal',
  'Condition',
]);
const PRINCIPAL_TYPES = new Set(['AWS', 'Federated', 'Service', 'CanonicalUser']);
/** `*`, an account id, or the ARN of an account, user, role or role session; no wildcards (use aws:PrincipalArn). */
const IAM_PRINCIPAL = /arn:aws:iam::\d{12}:(root|user\/[\w+=,.@/-]+|role\/[\w+=,.@/-]+)/;
const ASSUMED_ROLE = /arn:aws:sts::\d{12}:assumed-role\/[\w+=,.@-]+\/[\w+=,.@-]+/;
const AWS_PRINCIPAL = new RegExp(`^(\\*|\\d{12}|${IAM_PRINCIPAL.source}|${ASSUMED_ROLE.source})$`);
const ACTION = /^(\*|[a-zA-Z0-9-]+:[\w*?-]+)$/;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function stringList(value: unknown, field: string): string[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) throw malformed(`Policy statement ${field} must not be empty.`);
  for (const v of list) if (typeof v !== 'string') throw malformed(SYNTAX);
  return list as string[];
}

function parseActions(value: unknown, field: string, kind: PolicyKind): string[] {
  const actions = stringList(value, field);
  for (const a of actions) {
    if (!ACTION.test(a)) throw malformed('Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.');
    if (kind === 'trust' && a !== '*' && !/^sts:/i.test(a)) {
      throw malformed('AssumeRole policy may only specify STS AssumeRole actions.');
    }
  }
  return actions;
}

function parseResources(value: unknown, field: string): string[] {
  const resources = stringList(value, field);
  for (const r of resources) {
    if (r !== '*' && !/^arn:[^:]*:[^:]*:[^:]*:[^:]*:.+/.test(r)) throw malformed(`Resource ${r} must be in ARN format or "*".`);
  }
  return resources;
}

function parsePrincipal(value: unknown): PrincipalSet {
  const set: PrincipalSet = { everyone: false, aws: [], federated: [], service: [], canonicalUser: [] };
  if (value === '*') return { ...set, everyone: true };
  if (!isObject(value) || Object.keys(value).length === 0) throw malformed('Invalid principal in policy');
  for (const [type, entries] of Object.entries(value)) {
    if (!PRINCIPAL_TYPES.has(type)) throw malformed(`Invalid principal in policy: "${type}"`);
    for (const entry of stringList(entries, 'Principal')) {
      if (type === 'AWS' && !AWS_PRINCIPAL.test(entry)) {
        throw malformed(`Invalid principal in policy: "AWS":"${entry}"`);
      }
      const key = type === 'AWS' ? 'aws' : type === 'Federated' ? 'federated' : type === 'Service' ? 'service' : 'canonicalUser';
      set[key].push(entry);
    }
  }
  return set;
}

function parseConditions(value: unknown): ParsedCondition[] {
  if (!isObject(value)) throw malformed(SYNTAX);
  const conditions: ParsedCondition[] = [];
  for (const [operator, block] of Object.entries(value)) {
    const op = parseOperator(operator);
    if (!op) throw malformed(`Invalid Condition type : ${operator}`);
    if (!isObject(block) || Object.keys(block).length === 0) throw malformed(SYNTAX);
    for (const [key, raw] of Object.entries(block)) {
      // A vendor prefix: `aws:`, `s3:`, or an OIDC provider's `host/path:` (`idp.example.org/realms/x:sub`).
      if (!/^[^:\s]+:.+/.test(key)) {
        throw malformed('Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.');
      }
      const list = Array.isArray(raw) ? raw : [raw];
      if (list.length === 0) throw malformed(`Condition ${operator} for key ${key} has no values.`);
      const values = list.map((v) => {
        if (typeof v === 'string') return v;
        if (typeof v === 'number' || typeof v === 'boolean') return String(v);
        throw malformed(SYNTAX);
      });
      if (op.base === 'Null' && values.some((v) => !/^(true|false)$/i.test(v))) {
        throw malformed(`Condition Null for key ${key} must be "true" or "false".`);
      }
      conditions.push({ operator, ...op, key, values });
    }
  }
  return conditions;
}

function parseStatement(raw: unknown, kind: PolicyKind): ParsedStatement {
  if (!isObject(raw)) throw malformed(SYNTAX);
  for (const field of Object.keys(raw)) if (!STATEMENT_FIELDS.has(field)) throw malformed(SYNTAX);
  const { Sid, Effect, Action, NotAction, Resource, NotResource, Principal, NotPrincipal, Condition } = raw;
  if (Sid !== undefined && (typeof Sid !== 'string' || (kind !== 'trust' && !/^[A-Za-z0-9]*$/.test(Sid)))) {
    throw malformed('Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*');
  }
  if (Effect !== 'Allow' && Effect !== 'Deny') {
    throw malformed(Effect === undefined ? 'Missing required field Effect' : `Invalid effect: ${String(Effect)}`);
  }
  if ((Action === undefined) === (NotAction === undefined)) {
    throw malformed(Action === undefined ? 'Policy statement must contain actions.' : SYNTAX);
  }
  const statement: ParsedStatement = { effect: Effect, conditions: [] };
  if (typeof Sid === 'string') statement.sid = Sid;
  if (Action !== undefined) statement.actions = parseActions(Action, 'Action', kind);
  if (NotAction !== undefined) statement.notActions = parseActions(NotAction, 'NotAction', kind);
  if (kind === 'trust') {
    if (Resource !== undefined) throw malformed('Has prohibited field Resource');
    if (NotResource !== undefined) throw malformed('Has prohibited field NotResource');
    if ((Principal === undefined) === (NotPrincipal === undefined)) {
      throw malformed(Principal === undefined ? 'Missing required field Principal' : SYNTAX);
    }
    if (Principal !== undefined) statement.principal = parsePrincipal(Principal);
    if (NotPrincipal !== undefined) statement.notPrincipal = parsePrincipal(NotPrincipal);
  } else {
    if (Principal !== undefined || NotPrincipal !== undefined) {
      throw malformed('Policy document should not specify a principal.');
    }
    if ((Resource === undefined) === (NotResource === undefined)) {
      throw malformed(Resource === undefined ? 'Policy statement must contain resources.' : SYNTAX);
    }
    if (Resource !== undefined) statement.resources = parseResources(Resource, 'Resource');
    if (NotResource !== undefined) statement.notResources = parseResources(NotResource, 'NotResource');
  }
  if (Condition !== undefined) statement.conditions = parseConditions(Condition);
  return statement;
}

/** Parses a policy document; throws `MalformedPolicyDocument` naming the first problem found. */
export function parsePolicy(text: string, kind: PolicyKind): ParsedPolicy {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw malformed('This policy contains invalid Json');
  }
  if (!isObject(doc)) throw malformed('This policy contains invalid Json');
  for (const field of Object.keys(doc)) if (!['Version', 'Id', 'Statement'].includes(field)) throw malformed(SYNTAX);
  const { Version, Statement } = doc;
  if (Version !== undefined && (typeof Version !== 'string' || !VERSIONS.includes(Version))) {
    throw malformed('The policy must contain a valid version string');
  }
  if (Statement === undefined) throw malformed('Missing required field Statement');
  const rawStatements = Array.isArray(Statement) ? Statement : [Statement];
  const statements = rawStatements.map((s) => parseStatement(s, kind));
  const sids = statements.map((s) => s.sid).filter((s): s is string => Boolean(s));
  if (new Set(sids).size !== sids.length) throw malformed('Statement IDs (SID) in a single policy must be unique.');
  return { version: Version as string | undefined, variables: Version === '2012-10-17', statements };
}

/** The size IAM counts against its quotas: the document without insignificant white space. */
export function policySize(text: string): number {
  try {
    return JSON.stringify(JSON.parse(text)).length;
  } catch {
    return text.length;
  }
}
