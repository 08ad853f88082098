/**
 * A link's refusal as a short HTML page, for people who clicked it in a browser (the client's Accept prefers
 * text/html). Everything it shows is escaped; it has no script and loads nothing.
 */
import { escapeXml } from '../s3/xml-escape';

/** Text as HTML element content, by the project's one escaper (HTML5 knows XML's five entities). */
const escapeHtml = (text: string) => escapeXml(text, 'replace');

const TITLES: Record<string, string> = {
  LinkNotFound: 'Link not found',
  LinkExpired: 'Link expired',
  LinkRevoked: 'Link revoked',
  LinkExhausted: 'Link used up',
  LinkInactive: 'Link no longer works',
};

export function errorPage(code: string, message: string, requestId: string): string {
  const title = escapeHtml(TITLES[code] ?? 'This link cannot be opened');
  return (
    '<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">' +
    `<title>${title}</title></head>\n<body><h1>${title}</h1>\n<p>${escapeHtml(message)}</p>\n` +
    `<p><small>${escapeHtml(code)} · request ${escapeHtml(requestId)}</small></p></body></html>\n`
  );
}

/**
 * Whether the client prefers text/html to JSON by its Accept header (q-values honoured; a browser's navigation
 * sends `text/html,…`; curl sends `*\/*`, which is not a preference, and gets JSON).
 */
export function prefersHtml(accept: string | undefined): boolean {
  if (!accept) return false;
  let html = 0;
  let json = 0;
  for (const part of accept.split(',')) {
    const [type, ...params] = part.trim().toLowerCase().split(';');
    const q = Number(
      params
        .map((p) => p.trim())
        .find((p) => p.startsWith('q='))
        ?.slice(2) ?? '1',
    );
    const weight = Number.isFinite(q) ? q : 0;
    if (type === 'text/html' || type === 'application/xhtml+xml') html = Math.max(html, weight);
    if (type === 'application/json') json = Math.max(json, weight);
  }
  return html > 0 && html >= json;
}
