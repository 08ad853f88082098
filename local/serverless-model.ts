/**
 * Reads serverless.yml, the single declaration of functions, routes and tables, and resolves the
 * variables the local stack needs. The local API server, the function-URL front, the table
 * bootstrap and the tests all derive from this model, never from a second list.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export interface HttpRoute {
  method: string;
  path: string;
}

export interface FunctionModel {
  name: string;
  /** Source file of the handler module, relative to the project root (`functions/me/handler.ts`). */
  sourceFile: string;
  exportName: string;
  routes: HttpRoute[];
  url?: { invokeMode: 'BUFFERED' | 'RESPONSE_STREAM' };
  timeoutSeconds: number;
  memoryMb: number;
}

export interface TableModel {
  logicalId: string;
  tableName: string;
  properties: Record<string, unknown>;
}

/** An `AWS::KMS::Key` of the stack. Its local id is fixed by the stack and logical id, so ARNs resolve before the key exists. */
export interface KmsKeyModel {
  logicalId: string;
  keyId: string;
  keySpec: string;
  keyUsage: string;
  description: string;
  tags: Array<{ Key: string; Value: string }>;
}

export interface ServerlessModel {
  service: string;
  stage: string;
  region: string;
  runtime: string;
  /** provider.environment after variable resolution; CloudFormation intrinsics are left as objects. */
  environment: Record<string, unknown>;
  functions: FunctionModel[];
  tables: TableModel[];
  /** The stack's KMS keys (absent in models built by hand). */
  kmsKeys?: KmsKeyModel[];
  /** provider.iam.role.statements, intrinsics unresolved. */
  iamStatements: Array<Record<string, unknown>>;
}

export interface ModelOptions {
  stage?: string;
  region?: string;
  params?: Record<string, string>;
  env?: Record<string, string | undefined>;
}

type Doc = Record<string, any>;

const VARIABLE = /\$\{([^{}]+)\}/g;

function resolveVariables(doc: Doc, options: Required<Pick<ModelOptions, 'stage' | 'region'>> & ModelOptions): Doc {
  const params = { ...(doc.params?.default ?? {}), ...(doc.params?.[options.stage] ?? {}), ...(options.params ?? {}) };
  const lookup = (expression: string): unknown => {
    const [reference, ...fallbacks] = expression.split(',').map((part) => part.trim());
    const [source, ...rest] = reference!.split(':');
    const key = rest.join(':');
    let value: unknown;
    if (source === 'self') value = key.split('.').reduce<any>((node, part) => node?.[part], doc);
    else if (source === 'sls' && key === 'stage') value = options.stage;
    else if (source === 'opt') value = key === 'stage' ? options.stage : key === 'region' ? options.region : undefined;
    else if (source === 'aws' && key === 'region') value = options.region;
    else if (source === 'param') value = params[key];
    else if (source === 'env') value = (options.env ?? process.env)[key];
    else throw new Error(`serverless.yml: unsupported variable \${${expression}}`);
    if (value === undefined && fallbacks.length > 0) value = fallbacks.join(',').replace(/^['"]|['"]$/g, '');
    if (value === undefined) throw new Error(`serverless.yml: \${${expression}} has no value`);
    return value;
  };
  const walk = (node: unknown): unknown => {
    if (typeof node === 'string') {
      const whole = /^\$\{([^{}]+)\}$/.exec(node);
      if (whole) return walk(lookup(whole[1]!));
      return node.replace(VARIABLE, (_, expression: string) => String(lookup(expression)));
    }
    if (Array.isArray(node)) return node.map(walk);
    if (node && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v)]));
    return node;
  };
  return walk(doc) as Doc;
}

export function loadServerlessModel(file = 'serverless.yml', options: ModelOptions = {}): ServerlessModel {
  const raw = parse(readFileSync(file, 'utf8')) as Doc;
  const stage = options.stage ?? 'dev';
  const region = options.region ?? 'us-east-1';
  const doc = resolveVariables(raw, { ...options, stage, region });
  const provider = doc.provider ?? {};
  const functions: FunctionModel[] = Object.entries<Doc>(doc.functions ?? {}).map(([name, fn]) => {
    const handler = String(fn.handler);
    const dot = handler.lastIndexOf('.');
    const routes = (fn.events ?? [])
      .filter((event: Doc) => event.httpApi)
      .map((event: Doc) => ({ method: String(event.httpApi.method).toUpperCase(), path: String(event.httpApi.path) }));
    const url = fn.url
      ? { invokeMode: (fn.url === true ? 'BUFFERED' : (fn.url.invokeMode ?? 'BUFFERED')) as 'BUFFERED' | 'RESPONSE_STREAM' }
      : undefined;
    return {
      name,
      sourceFile: `${handler.slice(0, dot)}.ts`,
      exportName: handler.slice(dot + 1),
      routes,
      ...(url ? { url } : {}),
      timeoutSeconds: Number(fn.timeout ?? provider.timeout ?? 6),
      memoryMb: Number(fn.memorySize ?? provider.memorySize ?? 1024),
    };
  });
  const tables = Object.entries<Doc>(doc.resources?.Resources ?? {})
    .filter(([, resource]) => resource.Type === 'AWS::DynamoDB::Table')
    .map(([logicalId, resource]) => ({ logicalId, tableName: String(resource.Properties.TableName), properties: resource.Properties }));
  const kmsKeys = Object.entries<Doc>(doc.resources?.Resources ?? {})
    .filter(([, resource]) => resource.Type === 'AWS::KMS::Key')
    .map(([logicalId, resource]) => ({
      logicalId,
      keyId: localKmsKeyId(`${doc.service}-${stage}`, logicalId),
      keySpec: String(resource.Properties?.KeySpec ?? 'SYMMETRIC_DEFAULT'),
      keyUsage: String(resource.Properties?.KeyUsage ?? 'ENCRYPT_DECRYPT'),
      description: String(resource.Properties?.Description ?? ''),
      tags: (resource.Properties?.Tags ?? []) as KmsKeyModel['tags'],
    }));
  return {
    service: String(doc.service),
    stage,
    region,
    runtime: String(provider.runtime),
    environment: provider.environment ?? {},
    functions,
    tables,
    kmsKeys,
    iamStatements: provider.iam?.role?.statements ?? [],
  };
}

/** The local KMS key id of a stack's key: a UUID made from the stack and the logical id (random at AWS). */
export function localKmsKeyId(stack: string, logicalId: string): string {
  const hex = createHash('sha256').update(`${stack}/${logicalId}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * The execution role's policy as CloudFormation would make it, for the local platform role: table
 * `Fn::GetAtt [T, Arn]` becomes the table's ARN in `accountId`, `Fn::Join` is joined.
 */
export function localRolePolicy(model: ServerlessModel, accountId: string): string {
  const tables = new Map(model.tables.map((table) => [table.logicalId, table.tableName]));
  const keys = new Map((model.kmsKeys ?? []).map((key) => [key.logicalId, key.keyId]));
  const resolve = (node: unknown): unknown => {
    if (typeof node === 'string' || node === null || typeof node !== 'object') return node;
    if (Array.isArray(node)) return node.map(resolve);
    const doc = node as Doc;
    if (doc['Fn::GetAtt']) {
      const [logicalId, attribute] = doc['Fn::GetAtt'] as [string, string];
      if (attribute === 'Arn' && keys.has(logicalId)) return `arn:aws:kms:${model.region}:${accountId}:key/${keys.get(logicalId)}`;
      if (attribute !== 'Arn' || !tables.has(logicalId))
        throw new Error(`serverless.yml: the local stack cannot resolve Fn::GetAtt ${logicalId}.${attribute} in an IAM statement`);
      return `arn:aws:dynamodb:${model.region}:${accountId}:table/${tables.get(logicalId)}`;
    }
    if (doc['Fn::Join']) {
      const [separator, parts] = doc['Fn::Join'] as [string, unknown[]];
      return parts.map(resolve).join(separator);
    }
    if ('Ref' in doc) {
      // The pseudo parameters as the local stack's AWS has them; a Ref to anything else is said, never joined as "[object Object]".
      const pseudo: Record<string, string> = { 'AWS::Partition': 'aws', 'AWS::Region': model.region, 'AWS::AccountId': accountId };
      const value = pseudo[doc.Ref as string];
      if (value === undefined) throw new Error(`serverless.yml: the local stack cannot resolve Ref ${String(doc.Ref)} in an IAM statement`);
      return value;
    }
    return Object.fromEntries(Object.entries(doc).map(([k, v]) => [k, resolve(v)]));
  };
  return JSON.stringify({ Version: '2012-10-17', Statement: resolve(model.iamStatements) });
}

/**
 * Turns provider.environment into plain strings for a local run: `Ref` to a table becomes its name,
 * any other intrinsic is looked up in `intrinsics` (e.g. the execution role's ARN) or refused.
 */
export function localEnvironment(model: ServerlessModel, intrinsics: Record<string, string>): Record<string, string> {
  const tableNames = new Map(model.tables.map((table) => [table.logicalId, table.tableName]));
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(model.environment)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      out[name] = String(value);
      continue;
    }
    out[name] = resolveIntrinsic(value as Doc, (key) => {
      throw new Error(`serverless.yml: environment ${name} uses ${key}, which the local stack cannot resolve`);
    });
  }
  return out;

  /** Ref, Fn::GetAtt and Fn::Join as CloudFormation resolves them, from the tables, KMS keys and `intrinsics`. */
  function resolveIntrinsic(node: Doc, unresolved: (key: string) => never): string {
    if (typeof node === 'string') return node;
    const key = node.Ref ? `Ref:${node.Ref}` : node['Fn::GetAtt'] ? `GetAtt:${node['Fn::GetAtt'].join('.')}` : JSON.stringify(node);
    if (intrinsics[key] !== undefined) return intrinsics[key];
    if (node.Ref && tableNames.has(node.Ref)) return tableNames.get(node.Ref)!;
    // A Ref to a KMS key is its key id, as CloudFormation gives it.
    const keyId = node.Ref ? model.kmsKeys?.find((k) => k.logicalId === node.Ref)?.keyId : undefined;
    if (keyId !== undefined) return keyId;
    if (Array.isArray(node['Fn::Join'])) {
      const [separator, parts] = node['Fn::Join'] as [string, Doc[]];
      return parts.map((part) => resolveIntrinsic(part, () => unresolved(key))).join(separator);
    }
    return unresolved(key);
  }
}
