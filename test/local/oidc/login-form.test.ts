import { describe, expect, it } from 'vitest';
import { parseLoginForm } from '../../../local/oidc/interactions';
import { escapeHtml, loginPage } from '../../../local/oidc/login-page';

const parse = (fields: Record<string, string>) => parseLoginForm(new URLSearchParams(fields));

describe("the dev issuer's login form", () => {
  it('signs in as the trimmed subject, with the email, and groups split at commas, trimmed, without blanks or repeats', () => {
    expect(parse({ subject: ' alice ', email: ' alice@example.org ', groups: ' lab-a, lab-b,,lab-a , ' })).toMatchObject({
      account: { email: 'alice@example.org', groups: ['lab-a', 'lab-b'] },
      values: { subject: 'alice', mfa: false },
    });
    expect(parse({ subject: 'bob', mfa: 'yes' })).toEqual({
      values: { subject: 'bob', email: '', groups: '', mfa: true },
      account: { groups: [] },
    });
  });

  it.each([
    [{ subject: '' }, 'subject'],
    [{ subject: '   ' }, 'subject'],
    [{ subject: 'a\u0000b' }, 'subject'],
    [{ subject: 'x'.repeat(256) }, 'subject'],
    [{ subject: 'alice', email: 'not an address' }, 'email'],
    [{ subject: 'alice', groups: 'ok,bad\nname' }, 'groups'],
    [{ subject: 'alice', groups: Array.from({ length: 101 }, (_, i) => `g${i}`).join(',') }, 'groups'],
  ])('refuses %j, naming the %s field, and signs no one in', (fields, field) => {
    const { account, error } = parse(fields);
    expect(account).toBeUndefined();
    expect(error).toMatchObject({ field, message: expect.any(String) });
  });

  it('renders what was typed escaped, and marks the field at fault', () => {
    const html = loginPage({
      action: '/interaction/abc/login',
      clientName: '<Console>',
      values: { subject: '', email: '"><img src=x onerror=alert(1)>', groups: "a'b" },
      error: { field: 'email', message: 'Bad <email>' },
    });
    expect(html).not.toMatch(/<img|<Console>|<email>/);
    expect(html).toContain(`value="${escapeHtml('"><img src=x onerror=alert(1)>')}"`);
    expect(html).toContain('value="a&apos;b"');
    expect(html).toMatch(/id="email"[^>]*aria-invalid="true"/);
    expect(html).not.toMatch(/id="subject"[^>]*aria-invalid/);
  });
});
