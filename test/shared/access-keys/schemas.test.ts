import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { accessKeysPageQuery, createAccessKeyBody } from '../../../shared/access-keys/schemas';
import type { AppError } from '../../../shared/errors';
import { validate } from '../../../shared/http/body';

function problem(body: unknown): { field: unknown; message: string } {
  try {
    validate(createAccessKeyBody, body);
  } catch (error) {
    return { field: (error as AppError).details?.field, message: (error as AppError).message };
  }
  throw new Error('expected the body to be refused');
}

describe('createAccessKeyBody', () => {
  it('accepts an empty body, volumes by name or id, and expiresIn from 15 minutes to 30 days', () => {
    expect(validate(createAccessKeyBody, {})).toEqual({});
    expect(validate(createAccessKeyBody, { volumes: ['genomes', 'vol-abc'], expiresIn: 900 })).toEqual({
      volumes: ['genomes', 'vol-abc'],
      expiresIn: 900,
    });
    expect(validate(createAccessKeyBody, { expiresIn: 2_592_000 })).toEqual({ expiresIn: 2_592_000 });
  });

  it('names the field of each problem', () => {
    expect(problem({ expiresIn: 899 })).toMatchObject({ field: 'expiresIn', message: expect.stringContaining('15 minutes') });
    expect(problem({ expiresIn: 2_592_001 })).toMatchObject({ field: 'expiresIn', message: expect.stringContaining('30 days') });
    expect(problem({ expiresIn: '3600' }).field).toBe('expiresIn');
    expect(problem({ expiresIn: 1000.5 }).field).toBe('expiresIn');
    expect(problem({ volumes: [] }).field).toBe('volumes');
    expect(problem({ volumes: 'genomes' }).field).toBe('volumes');
    expect(problem({ volumes: ['genomes', ''] }).field).toBe('volumes.1');
    expect(problem({ volumes: ['x'.repeat(129)] }).field).toBe('volumes.0');
    expect(problem({ volumes: ['a\u0000b'] }).field).toBe('volumes.0');
    expect(problem({ secretAccessKey: 'mine' }).message).toBe('unknown field(s) "secretAccessKey"; allowed: volumes, expiresIn, scopes');
  });

  it('takes scopes of a volume, a prefix ending in "/" and an access, naming the field of each problem', () => {
    const scopes = [
      { volumeId: 'vol-abc', access: 'read' },
      { volumeId: 'vol-abc', prefix: 'work/', access: 'write' },
    ];
    expect(validate(createAccessKeyBody, { scopes })).toEqual({ scopes });
    expect(problem({ scopes: [] }).field).toBe('scopes');
    expect(problem({ scopes: [{ prefix: 'work/' }] }).field).toBe('scopes.0.volumeId');
    expect(problem({ scopes: [{ volumeId: 'vol-abc', prefix: 'work' }] })).toMatchObject({
      field: 'scopes.0.prefix',
      message: expect.stringContaining('must end in "/"'),
    });
    expect(problem({ scopes: [{ volumeId: 'vol-abc', prefix: '../x/' }] }).field).toBe('scopes.0.prefix');
    expect(problem({ scopes: [{ volumeId: 'vol-abc', access: 'admin' }] }).field).toBe('scopes.0.access');
    expect(problem({ scopes: [{ volumeId: 'vol-abc', role: 'x' }] }).message).toBe(
      'scopes.0: unknown field(s) "role"; allowed: volumeId, prefix, access',
    );
  });

  it('describes every field, for the OpenAPI document', () => {
    const schema = z.toJSONSchema(createAccessKeyBody, { io: 'input' }) as {
      description?: string;
      properties: Record<string, { description?: string }>;
    };
    expect(schema.description).toContain('once');
    for (const [name, property] of Object.entries(schema.properties))
      expect({ name, described: Boolean(property.description) }).toEqual({ name, described: true });
  });
});

describe('accessKeysPageQuery', () => {
  it('takes limit and nextToken as strings from the query, 25 by default', () => {
    expect(validate(accessKeysPageQuery, {})).toEqual({ limit: 25 });
    expect(validate(accessKeysPageQuery, { limit: '5', nextToken: 'abc' })).toEqual({ limit: 5, nextToken: 'abc' });
    expect(() => validate(accessKeysPageQuery, { limit: '0' })).toThrow(/limit/);
  });
});
