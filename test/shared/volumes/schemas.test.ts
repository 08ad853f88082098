import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { createVolumeBody, pageQuery, putMemberBody, updateVolumeBody } from '../../../shared/volumes/schemas';

const valid = {
  name: 'shared-genomes',
  bucket: 'lab-genomes',
  prefix: 'runs/2025/',
  region: 'eu-central-1',
  accessMode: 'read-only',
  auth: { type: 'role', roleArn: 'arn:aws:iam::123456789012:role/volume-access' },
};

/** The first issue, as the HTTP layer renders it: the field path and the message. */
function firstIssue(schema: z.ZodMiniType, input: unknown): { field: string; message: string } {
  const result = schema.safeParse(input);
  if (result.success) throw new Error('expected the input to be refused');
  const issue = result.error.issues[0]!;
  return { field: issue.path.map(String).join('.'), message: issue.message };
}

describe('createVolumeBody', () => {
  it('accepts a valid body and defaults requireMfa to false, leaving the prefix for the domain to normalise', () => {
    expect(createVolumeBody.parse(valid)).toEqual({ ...valid, requireMfa: false });
  });

  it('accepts a web-identity volume with a description and requireMfa', () => {
    const body = { ...valid, auth: { type: 'web-identity', roleArn: valid.auth.roleArn }, requireMfa: true, description: 'x'.repeat(1024) };
    expect(createVolumeBody.parse(body)).toEqual(body);
  });

  it.each([
    [{ ...valid, name: 'Bad_Name' }, 'name', /uppercase letters/],
    [{ ...valid, name: undefined }, 'name', /is required/],
    [{ ...valid, name: 42 }, 'name', /must be a string/],
    [{ ...valid, bucket: 'xn--bucket' }, 'bucket', /must not start with "xn--"/],
    [{ ...valid, prefix: '/runs' }, 'prefix', /must not start with "\/"/],
    [{ ...valid, prefix: 'runs/../x' }, 'prefix', /"\." or "\.\." segments/],
    [{ ...valid, region: 'eu-middle-1' }, 'region', /not an AWS region code/],
    [{ ...valid, accessMode: 'rw' }, 'accessMode', /"read-only" or "read-write"/],
    [{ ...valid, auth: { type: 'user', roleArn: valid.auth.roleArn } }, 'auth.type', /"role", "web-identity" or "gateway-oidc"/],
    [{ ...valid, auth: undefined }, 'auth', /is required/],
    [{ ...valid, auth: { type: 'role', roleArn: 'arn:aws:iam::123:role/x' } }, 'auth.roleArn', /12-digit account id/],
    [
      { ...valid, auth: { type: 'role', roleArn: valid.auth.roleArn, externalId: 'mine' } },
      'auth',
      /unknown field\(s\) "externalId"; allowed: type, roleArn/,
    ],
    [{ ...valid, region: 'cn-north-1' }, 'auth.roleArn', /partition aws, but the region cn-north-1 is in aws-cn/],
    [{ ...valid, requireMfa: 'yes' }, 'requireMfa', /true or false/],
    [{ ...valid, description: 'x'.repeat(1025) }, 'description', /at most 1024 characters/],
  ])('refuses %j naming the field %s', (body, field, message) => {
    const issue = firstIssue(createVolumeBody, body);
    expect(issue.field).toBe(field);
    expect(issue.message).toMatch(message);
  });

  it("words zod's own refusals in English, as before the schemas moved to zod/mini (a body that is not an object)", () => {
    expect(firstIssue(createVolumeBody, [valid])).toEqual({ field: '', message: 'Invalid input: expected object, received array' });
  });

  it('refuses unknown fields, naming them', () => {
    const issue = firstIssue(createVolumeBody, { ...valid, externalId: 'chosen-by-me' });
    expect(issue.message).toMatch(/unknown field\(s\) "externalId"; allowed: name, bucket, prefix/);
  });

  it('stays declarative: every schema converts to JSON Schema for the OpenAPI document, with descriptions', () => {
    const schema = z.toJSONSchema(createVolumeBody, { io: 'input' }) as {
      properties: Record<string, { description?: string }>;
      required: string[];
      additionalProperties: boolean;
    };
    expect(schema.required.sort()).toEqual(['accessMode', 'auth', 'bucket', 'name', 'region']);
    expect(schema.additionalProperties).toBe(false);
    for (const [field, property] of Object.entries(schema.properties)) expect(property.description, field).toBeTruthy();
    for (const s of [updateVolumeBody, putMemberBody, pageQuery]) expect(() => z.toJSONSchema(s, { io: 'input' })).not.toThrow();
  });
});

describe('updateVolumeBody', () => {
  it('accepts any one of its fields', () => {
    expect(updateVolumeBody.parse({ description: '' })).toEqual({ description: '' });
    expect(updateVolumeBody.parse({ accessMode: 'read-write' })).toEqual({ accessMode: 'read-write' });
    expect(updateVolumeBody.parse({ requireMfa: true })).toEqual({ requireMfa: true });
  });

  it('refuses an empty patch', () => {
    expect(firstIssue(updateVolumeBody, {}).message).toMatch(/at least one field/);
  });

  it('refuses fields that cannot change, naming them', () => {
    expect(firstIssue(updateVolumeBody, { bucket: 'other' }).message).toMatch(
      /unknown field\(s\) "bucket"; allowed: description, accessMode, requireMfa/,
    );
  });

  it('names a bad field', () => {
    expect(firstIssue(updateVolumeBody, { accessMode: 'write' })).toMatchObject({ field: 'accessMode' });
  });
});

describe('putMemberBody', () => {
  it.each(['read', 'write', 'admin'])('accepts %s', (access) => expect(putMemberBody.parse({ access })).toEqual({ access }));

  it('refuses another access level, naming the field', () => {
    expect(firstIssue(putMemberBody, { access: 'owner' })).toEqual({ field: 'access', message: 'must be "read", "write" or "admin"' });
  });
});

describe('pageQuery', () => {
  it('defaults the limit to 25 and reads it from the query string', () => {
    expect(pageQuery.parse({})).toEqual({ limit: 25 });
    expect(pageQuery.parse({ limit: '100', nextToken: 'abc' })).toEqual({ limit: 100, nextToken: 'abc' });
  });

  it.each(['0', '101', '2.5', 'ten', ''])('refuses limit=%j', (limit) => {
    expect(firstIssue(pageQuery, { limit })).toEqual({ field: 'limit', message: 'must be a whole number from 1 to 100' });
  });

  it('refuses a nextToken over 4096 characters', () => {
    expect(firstIssue(pageQuery, { nextToken: 'x'.repeat(4097) })).toMatchObject({ field: 'nextToken' });
  });
});
