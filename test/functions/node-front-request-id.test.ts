import { describe, expect, it } from 'vitest';
import { newRequestId } from '../../containers/node-proxy/server';

describe('the Node front’s request ids', () => {
  it('are 16 upper-case hex digits, all different, across refills of their random pool', () => {
    const ids = Array.from({ length: 3000 }, newRequestId);
    for (const id of ids) expect(id).toMatch(/^[0-9A-F]{16}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
