/**
 * The dev issuer's pages: the login form (who you are, for development: no password), the sign-out confirmation and
 * plain message pages. Plain HTML and CSS, no external assets, every value escaped; usable by keyboard, with visible
 * focus and labelled controls, readable from 390 px up.
 */

import { escapeXmlStrict } from '../../shared/s3/xml-escape';

/** What the login form was sent (or starts with), and what was wrong with it. */
export interface LoginFormValues {
  subject: string;
  email: string;
  groups: string;
  mfa: boolean;
}

/** Text for HTML content and quoted attributes, by the project's one escaper (its entities are HTML5's too). */
export const escapeHtml = (value: unknown): string => escapeXmlStrict(String(value));

/** Only inline styles: the pages load nothing. */
export const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'";

const STYLE = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1f24;background:#f4f6f8}
main{max-width:28rem;margin:2rem auto;padding:1.5rem;background:#fff;border:1px solid #d0d7de;border-radius:8px}
h1{font-size:1.4rem;margin:0 0 .5rem}
p{margin:.5rem 0 1rem}
label{display:block;font-weight:600;margin:1rem 0 .25rem}
.hint{display:block;font-weight:400;color:#57606a;font-size:.9rem}
input[type=text],input[type=email]{width:100%;padding:.6rem;font:inherit;border:1px solid #8c959f;border-radius:6px}
.check{display:flex;gap:.5rem;align-items:center;font-weight:600;margin:1.25rem 0}
.check input{width:1.25rem;height:1.25rem;margin:0}
.check label{margin:0}
button{font:inherit;font-weight:600;padding:.6rem 1.2rem;border-radius:6px;cursor:pointer}
button{border:1px solid #1a7f37;background:#1f883d;color:#fff}
button.secondary{background:#fff;color:#1b1f24;border-color:#8c959f}
:focus-visible{outline:3px solid #0969da;outline-offset:2px}
.error{padding:.75rem;border:1px solid #cf222e;background:#ffebe9;border-radius:6px;color:#82071e}
.actions{display:flex;flex-wrap:wrap;gap:.75rem;margin-top:1.5rem}
@media (max-width:480px){main{margin:0;border-radius:0;border-width:0 0 1px;padding:1rem}}
`;

function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · volume-gateway dev issuer</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

/** The form's problem: which field, and what to tell the user. */
export interface LoginFormError {
  field: 'subject' | 'email' | 'groups';
  message: string;
}

export function loginPage(input: {
  action: string;
  clientName: string;
  values?: Partial<LoginFormValues>;
  error?: LoginFormError;
}): string {
  const { subject = '', email = '', groups = '', mfa = false } = input.values ?? {};
  const error = input.error ? `<p class="error" role="alert" id="form-error">${escapeHtml(input.error.message)}</p>` : '';
  // The field at fault is marked, described by the message, and has the focus.
  const state = (field: LoginFormError['field']) =>
    input.error?.field === field
      ? ' aria-invalid="true" aria-describedby="form-error" autofocus'
      : field === 'subject' && !input.error
        ? ' autofocus'
        : '';
  return page(
    'Sign in',
    `<h1>Sign in</h1>
<p>to ${escapeHtml(input.clientName)}. This is the local development issuer: type who you want to be, no password.</p>
${error}
<form method="post" action="${escapeHtml(input.action)}" novalidate>
<label for="subject">Subject <span class="hint">Your user id, the token's <code>sub</code> (required)</span></label>
<input type="text" id="subject" name="subject" required autocomplete="username" value="${escapeHtml(subject)}"${state('subject')}>
<label for="email">Email <span class="hint">Optional</span></label>
<input type="email" id="email" name="email" autocomplete="email" value="${escapeHtml(email)}"${state('email')}>
<label for="groups">Groups <span class="hint">Optional, separated by commas, e.g. lab-a, lab-b</span></label>
<input type="text" id="groups" name="groups" autocomplete="off" value="${escapeHtml(groups)}"${state('groups')}>
<div class="check"><input type="checkbox" id="mfa" name="mfa" value="yes"${mfa ? ' checked' : ''}>` +
      `<label for="mfa">Multi-factor authentication used</label></div>
<div class="actions"><button type="submit">Sign in</button></div>
</form>`,
  );
}

/** A page that says what happened and what to do, for anything that is not the form (expired sign-in, bad request). */
export function messagePage(title: string, message: string): string {
  return page(title, `<h1>${escapeHtml(title)}</h1>\n<p>${escapeHtml(message)}</p>`);
}

/** RP-initiated logout's confirmation: `form` is oidc-provider's hidden form (id op.logoutForm), embedded as given. */
export function logoutPage(form: string, host: string): string {
  return page(
    'Sign out',
    `<h1>Sign out</h1>
<p>Sign out of the development issuer at ${escapeHtml(host)}?</p>
${form}
<div class="actions">
<button type="submit" form="op.logoutForm" value="yes" name="logout" autofocus>Yes, sign me out</button>
<button type="submit" form="op.logoutForm" class="secondary">No, stay signed in</button>
</div>`,
  );
}
