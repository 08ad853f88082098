/**
 * The hostile inputs every fuzz file draws from: keys with unicode, control characters, `..`, `/`, `%`,
 * backslashes and lookalikes of the root; header values; query strings; XML fragments that parsers treat
 * differently (comments, processing instructions, CDATA, entities, DOCTYPE).
 */
import { fc } from './fuzz-config';

/** Pieces that have broken path and key handling somewhere. */
const NASTY = [
  '..',
  '.',
  '/',
  '//',
  '\\',
  '%',
  '%2e',
  '%2E%2e',
  '%2f',
  '%2F',
  '%5c',
  '%00',
  '%',
  '%%',
  '%zz',
  '+',
  ' ',
  '?',
  '#',
  '&',
  '=',
  ';',
  '\u0000',
  '\r',
  '\n',
  '\t',
  '\u007f',
  '\u0085',
  '\u2028',
  '\uFEFF',
  '\u00e9',
  'e\u0301',
  '\u212a',
  '\u2024',
  '\uff0e',
  '\uff0f',
  '\u{1F600}',
  '\ud800',
  'project-x',
  'project-x-evil',
  '../other',
  '<',
  '>',
  '"',
  "'",
  '&amp;',
  ']]>',
  '<!--',
  '-->',
  '<?x?>',
];

export const nastyPiece = fc.constantFrom(...NASTY);

/** Any key a client could put in a path: text, nasty pieces, sometimes very long. */
export const anyKey = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .array(fc.oneof(nastyPiece, fc.string({ unit: 'grapheme', maxLength: 6 }), fc.string({ unit: 'binary', maxLength: 4 })), {
        minLength: 1,
        maxLength: 8,
      })
      .map((p) => p.join('')),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }) },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.constantFrom('a', '\u00e9', '\u{1F600}', '/'), fc.integer({ min: 200, max: 1100 })).map(([c, n]) => c.repeat(n)),
  },
);

/** Keys S3 would take from a client (valid UTF-8, not empty, no "." or ".." segment, under 1024 bytes). */
export const validKey = anyKey
  .map((key) => key.replace(/[\ud800-\udfff]/g, 'x'))
  .filter((key) => key !== '' && Buffer.byteLength(key) < 900 && !key.split('/').some((s) => s === '.' || s === '..'));

/** A volume root: '' (whole bucket) or a prefix without a trailing slash. */
export const volumePrefix = fc.constantFrom('', 'project-x', 'a/b', 'p%2F', 'caf\u00e9', 'x'.repeat(100));

/** Header values as clients (and attackers) send them: printable, spaces, tabs, latin-1. */
export const headerValue = fc.string({ unit: fc.constantFrom(...'abcXYZ019 -_.~:/,;=+*!"\'()\t\u00e9'.split('')), maxLength: 24 });

/** Header names that may be signed or added: x-amz-*, x-amz-meta-*, ordinary. */
export const headerName = fc.oneof(
  fc.constantFrom(
    'x-amz-meta-a',
    'x-amz-meta-note',
    'x-amz-acl',
    'x-amz-copy-source',
    'x-amz-tagging',
    'content-type',
    'cache-control',
    'x-custom',
    'range',
  ),
  fc.stringMatching(/^x-amz-meta-[a-z0-9]{1,8}$/),
);

/** Query parameter names and values, raw (decoded), including ones that need encoding. */
export const queryPart = fc.oneof(
  fc.string({ maxLength: 10 }),
  nastyPiece,
  fc.constantFrom('prefix', 'marker', 'list-type', 'uploads', 'X-Amz-Signature', 'x-id'),
);
