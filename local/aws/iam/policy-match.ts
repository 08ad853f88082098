/**
 * Wildcards and policy variables, as IAM applies them to `Action`, `Resource` and condition values.
 *
 * A pattern becomes a list of parts: literal text, or a `*` / `?` wildcard. Policy variables (`${aws:username}`,
 * `${aws:PrincipalTag/team, 'none'}`) are resolved into literal text, so a `*` inside a user's tag value never acts
 * as a wildcard; `${*}`, `${?}` and `${$}` stand for the literal characters.
 */

export type PatternPart = { literal: string } | { wildcard: '*' | '?' };

/** Resolves a context key (case-insensitive) to one value, or undefined when it is absent or multi-valued. */
export type VariableLookup = (key: string) => string | undefined;

const LITERAL_VARIABLES: Record<string, string> = { '*': '*', '?': '?', $: '$' };

/**
 * Splits a pattern into parts. With `variables` undefined (policy Version 2008-10-17 or none), `${…}` is plain text.
 * Returns undefined when a variable has no value and no default: such an element matches nothing.
 */
export function patternParts(pattern: string, variables?: VariableLookup): PatternPart[] | undefined {
  const parts: PatternPart[] = [];
  let text = '';
  const flush = () => {
    if (text) parts.push({ literal: text });
    text = '';
  };
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (variables && ch === '$' && pattern[i + 1] === '{') {
      const end = pattern.indexOf('}', i + 2);
      if (end > 0) {
        const value = resolveVariable(pattern.slice(i + 2, end), variables);
        if (value === undefined) return undefined;
        text += value;
        i = end;
        continue;
      }
    }
    if (ch === '*' || ch === '?') {
      flush();
      parts.push({ wildcard: ch });
    } else {
      text += ch;
    }
  }
  flush();
  return parts;
}

function resolveVariable(body: string, variables: VariableLookup): string | undefined {
  const literal = LITERAL_VARIABLES[body.trim()];
  if (literal !== undefined) return literal;
  const comma = body.indexOf(',');
  const key = (comma >= 0 ? body.slice(0, comma) : body).trim();
  const value = variables(key);
  if (value !== undefined) return value;
  if (comma < 0) return undefined;
  const fallback = body.slice(comma + 1).trim();
  const quoted = /^'(.*)'$/s.exec(fallback);
  return quoted ? quoted[1] : undefined;
}

/** The parts joined back into text, wildcards taken literally (for StringEquals and friends). */
export function literalText(parts: PatternPart[]): string {
  return parts.map((p) => ('literal' in p ? p.literal : p.wildcard)).join('');
}

const escapeRegExp = (s: string) => s.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');

/** Whole-string glob: `*` any run of characters, `?` one character. */
export function globMatch(parts: PatternPart[], value: string, ignoreCase = false): boolean {
  const source = parts.map((p) => ('literal' in p ? escapeRegExp(p.literal) : p.wildcard === '*' ? '[^]*' : '[^]')).join('');
  return new RegExp(`^${source}$`, ignoreCase ? 'iu' : 'u').test(value);
}

/**
 * ArnLike / ArnEquals: each of the six colon-separated ARN fields is matched on its own, so a wildcard in the
 * first five fields never crosses a colon; the resource field (everything after the fifth colon) may contain any.
 */
export function arnMatch(parts: PatternPart[], value: string): boolean {
  let colons = 0;
  for (const p of parts) if ('literal' in p) colons += p.literal.split(':').length - 1;
  if (colons < 5) return globMatch(parts, value);
  const pieces: string[] = [];
  colons = 0;
  for (const p of parts) {
    if ('literal' in p) {
      pieces.push(escapeRegExp(p.literal));
      colons += p.literal.split(':').length - 1;
    } else if (colons < 5) {
      pieces.push(p.wildcard === '*' ? '[^:]*' : '[^:]');
    } else {
      pieces.push(p.wildcard === '*' ? '[^]*' : '[^]');
    }
  }
  return new RegExp(`^${pieces.join('')}$`, 'u').test(value);
}

/** Action names compare case-insensitively (`s3:getobject` is `s3:GetObject`), with wildcards. */
export function actionMatches(pattern: string, action: string): boolean {
  return globMatch(patternParts(pattern)!, action, true);
}
