import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import {
  abortUploadBody,
  completeUploadBody,
  downloadQuery,
  presignBody,
  startUploadBody,
  vendBody,
} from '../../../shared/vending/schemas';

function firstIssue(schema: z.ZodMiniType, input: unknown): { field: string; message: string } {
  const result = schema.safeParse(input);
  if (result.success) throw new Error('expected the input to be refused');
  const issue = result.error.issues[0]!;
  return { field: issue.path.map(String).join('.'), message: issue.message };
}

describe('vending schemas', () => {
  it('vendBody: both fields optional; access read or write; durations 900 to 43200 (the volume decides the rest)', () => {
    expect(vendBody.parse({})).toEqual({});
    expect(vendBody.parse({ access: 'write', durationSeconds: 43_200 })).toEqual({ access: 'write', durationSeconds: 43_200 });
    expect(firstIssue(vendBody, { access: 'admin' })).toEqual({ field: 'access', message: 'must be "read" or "write"' });
    expect(firstIssue(vendBody, { durationSeconds: 600 })).toMatchObject({
      field: 'durationSeconds',
      message: expect.stringMatching(/900 to 43200/),
    });
    expect(firstIssue(vendBody, { durationSeconds: '3600' })).toMatchObject({ field: 'durationSeconds' });
    expect(firstIssue(vendBody, { acess: 'read' }).message).toMatch(/unknown field\(s\) "acess"; allowed: access, durationSeconds/);
  });

  it('vendBody: a prefix relative to the root that ends in "/" and follows the key rule; else refused naming prefix', () => {
    expect(vendBody.parse({ prefix: 'runs/42/' })).toEqual({ prefix: 'runs/42/' });
    expect(firstIssue(vendBody, { prefix: 'runs/42' })).toEqual({ field: 'prefix', message: expect.stringContaining('must end in "/"') });
    for (const prefix of ['', '../x/', 'a/./b/', 'x'.repeat(1025), 42]) expect(firstIssue(vendBody, { prefix }).field).toBe('prefix');
  });

  it('presignBody: key rules, method, expiresIn up to seven days', () => {
    expect(presignBody.parse({ key: 'a b/c+d=e%', method: 'PUT', contentType: 'text/csv', expiresIn: 604_800 })).toEqual({
      key: 'a b/c+d=e%',
      method: 'PUT',
      contentType: 'text/csv',
      expiresIn: 604_800,
    });
    expect(firstIssue(presignBody, { method: 'GET' })).toMatchObject({ field: 'key', message: expect.stringMatching(/is required/) });
    expect(firstIssue(presignBody, { key: '../x', method: 'GET' })).toMatchObject({
      field: 'key',
      message: expect.stringMatching(/"\.\."/),
    });
    expect(firstIssue(presignBody, { key: 'x', method: 'POST' })).toMatchObject({ field: 'method' });
    expect(firstIssue(presignBody, { key: 'x', method: 'GET', expiresIn: 604_801 })).toMatchObject({ field: 'expiresIn' });
    expect(firstIssue(presignBody, { key: 'x', method: 'PUT', contentType: 'not a type' })).toMatchObject({ field: 'contentType' });
    expect(firstIssue(presignBody, { key: 'x', method: 'GET', filename: 'a\nb' })).toMatchObject({ field: 'filename' });
  });

  it('upload bodies: parts 1 to 10000; completed parts as {partNumber, etag}', () => {
    expect(startUploadBody.parse({ key: 'k', parts: 10_000 })).toEqual({ key: 'k', parts: 10_000 });
    expect(firstIssue(startUploadBody, { key: 'k', parts: 0 })).toMatchObject({ field: 'parts' });
    expect(completeUploadBody.parse({ key: 'k', parts: [{ partNumber: 1, etag: '"e"' }] })).toEqual({
      key: 'k',
      parts: [{ partNumber: 1, etag: '"e"' }],
    });
    expect(firstIssue(completeUploadBody, { key: 'k', parts: [] })).toMatchObject({ field: 'parts' });
    expect(firstIssue(completeUploadBody, { key: 'k', parts: [{ partNumber: 1 }] })).toMatchObject({ field: 'parts.0.etag' });
    expect(abortUploadBody.parse({ key: 'k' })).toEqual({ key: 'k' });
    expect(downloadQuery.parse({})).toEqual({});
    expect(downloadQuery.parse({ filename: 'é.txt' })).toEqual({ filename: 'é.txt' });
  });

  it('every schema becomes a JSON Schema with descriptions, for the OpenAPI document', () => {
    for (const schema of [vendBody, presignBody, startUploadBody, completeUploadBody, abortUploadBody, downloadQuery]) {
      const json = z.toJSONSchema(schema, { io: 'input' }) as {
        description?: string;
        properties: Record<string, { description?: string }>;
      };
      expect(json.description).toBeTruthy();
      for (const [name, property] of Object.entries(json.properties)) expect(property.description, name).toBeTruthy();
    }
  });
});
