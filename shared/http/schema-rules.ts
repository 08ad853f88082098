/**
 * Building blocks for the routes' zod schemas, so every schema words its refusals the same way:
 * a check from a `…Problem` function, a required string that says what it is, and an object that
 * names the fields it allows when it meets one it does not know.
 */

import { en } from 'zod/locales';
import * as z from 'zod/mini';
import type { $ZodShape } from 'zod/v4/core';

/**
 * zod's own messages in English, as `zod` (classic) sets them: `zod/mini`, which the schemas are written in (a
 * third of classic's size in each bundle: it carries only the checks a schema names), sets none by default.
 */
z.config(en());

/**
 * A string check from a function that answers what is wrong with a value, or undefined. `code` is the API error
 * code of a refusal (`ValidationFailed` when absent), for values whose refusals have their own stable code.
 */
export const rule = (problem: (value: string) => string | undefined, code?: string) => (ctx: { value: string; issues: unknown[] }) => {
  const message = problem(ctx.value);
  if (message) ctx.issues.push({ code: 'custom', message, input: ctx.value, ...(code ? { params: { code } } : {}) });
};

export const text = (what: string) =>
  z.string({ error: (issue) => (issue.input === undefined ? `is required: ${what}` : `must be a string: ${what}`) });

/** An object refusing unknown fields, with a message listing the ones it allows. */
export const strict = <Shape extends $ZodShape>(shape: Shape, allowed: string) =>
  z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}; allowed: ${allowed}`
        : undefined,
  });
