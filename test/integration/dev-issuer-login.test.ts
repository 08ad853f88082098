/**
 * Signing in at the local dev issuer as the console does: authorization code + PKCE S256 with oauth4webapi (the
 * console's own client library), the browser's part played by fetch with a cookie jar through the login form. The ID
 * token carries what the form said, the API takes it as a bearer, PKCE and the redirect URI are enforced, the token
 * endpoint answers CORS for the console's origin only, and bad input gets a page, not a 5xx.
 */
import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_CLIENT_ID, CONSOLE_SCOPE } from '../../local/oidc/console-client';
import { startTestStack, type TestStack } from '../support/local-stack';

/** Nothing listens there: the redirect back is read from the Location header, as the browser would follow it. */
const CONSOLE_ORIGIN = 'http://127.0.0.1:39004';
const REDIRECT_URI = `${CONSOLE_ORIGIN}/`;
const client: oauth.Client = { client_id: CONSOLE_CLIENT_ID };
const insecure = { [oauth.allowInsecureRequests]: true };

let stack: TestStack;
let as: oauth.AuthorizationServer;

/** A browser's cookies for the issuer: every cookie it was given, sent back on every request (paths are not needed here). */
class Browser {
  private cookies = new Map<string, string>();

  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set('cookie', [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; '));
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const name = pair.slice(0, pair.indexOf('='));
      const value = pair.slice(pair.indexOf('=') + 1);
      if (value && !/expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.set(name, value);
      else this.cookies.delete(name);
    }
    return response;
  }

  /** Follows the issuer's redirects; stops at a page (the form) or at a redirect to the console (the callback URL). */
  async follow(url: string, init?: RequestInit): Promise<{ page?: Response; callback?: URL }> {
    let response = await this.request(url, init);
    for (let hops = 0; hops < 10 && response.status >= 300 && response.status < 400; hops++) {
      const next = new URL(response.headers.get('location')!, response.url || url);
      if (next.origin === CONSOLE_ORIGIN) return { callback: next };
      response = await this.request(next.href);
    }
    return { page: response };
  }
}

interface Login {
  subject: string;
  email?: string;
  groups?: string;
  mfa?: boolean;
}

function authorizeUrl(challenge: string, state: string, extra: Record<string, string> = {}): string {
  const url = new URL(as.authorization_endpoint!);
  url.search = new URLSearchParams({
    client_id: CONSOLE_CLIENT_ID,
    redirect_uri: REDIRECT_URI,
    response_type: 'code',
    scope: CONSOLE_SCOPE,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state,
    ...extra,
  }).toString();
  return url.href;
}

const formAction = (html: string) => new URL(/action="([^"]+)"/.exec(html)![1]!.replaceAll('&amp;', '&'), stack.info.issuer).href;

function submit(browser: Browser, action: string, login: Login) {
  const body = new URLSearchParams({ subject: login.subject, email: login.email ?? '', groups: login.groups ?? '' });
  if (login.mfa) body.set('mfa', 'yes');
  return browser.follow(action, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
}

/** Authorize → login form → back to the console with a code; resolves with the callback's parameters and the PKCE verifier. */
async function authorize(browser: Browser, login?: Login, extra: Record<string, string> = {}) {
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  let { page, callback } = await browser.follow(authorizeUrl(await oauth.calculatePKCECodeChallenge(verifier), state, extra));
  if (page) {
    expect(page.status).toBe(200);
    expect(login, 'the issuer asked for the login form').toBeDefined();
    ({ callback } = await submit(browser, formAction(await page.text()), login!));
  }
  expect(callback, 'the issuer sent the browser back to the console').toBeDefined();
  return { params: oauth.validateAuthResponse(as, client, callback!, state), verifier };
}

const redeem = (params: URLSearchParams, verifier: string | typeof oauth.nopkce, origin = CONSOLE_ORIGIN) =>
  oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, REDIRECT_URI, verifier, { ...insecure, headers: { origin } });

async function signIn(login: Login): Promise<{ idToken: string; claims: oauth.IDToken; tokenResponse: Response }> {
  const { params, verifier } = await authorize(new Browser(), login);
  const tokenResponse = await redeem(params, verifier);
  const result = await oauth.processAuthorizationCodeResponse(as, client, tokenResponse.clone());
  return { idToken: result.id_token!, claims: oauth.getValidatedIdTokenClaims(result)!, tokenResponse };
}

beforeAll(async () => {
  stack = await startTestStack({ consoleOrigin: CONSOLE_ORIGIN });
  const issuer = new URL(stack.info.issuer);
  as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, insecure));
});

afterAll(async () => {
  await stack?.close();
});

describe('signing in at the dev issuer (code + PKCE, oauth4webapi)', () => {
  it('through the login form gives an ID token for the console with the subject, email, groups and MFA typed there', async () => {
    const { idToken, claims, tokenResponse } = await signIn({
      subject: 'alice',
      email: 'alice@example.org',
      groups: 'lab-a, lab-b,',
      mfa: true,
    });
    expect(claims).toMatchObject({
      iss: stack.info.issuer,
      sub: 'alice',
      aud: CONSOLE_CLIENT_ID,
      email: 'alice@example.org',
      groups: ['lab-a', 'lab-b'],
      amr: ['pwd', 'mfa'],
    });
    expect(claims.exp - claims.iat).toBe(3600);
    // Signed with the same persisted key `npm run token` signs with: one JWKS verifies both.
    expect(JSON.parse(Buffer.from(idToken.split('.')[0]!, 'base64url').toString())).toMatchObject({ alg: 'RS256', kid: stack.issuer.kid });
    // The console calls the token endpoint from its own origin: the answer is readable there.
    expect(tokenResponse.headers.get('access-control-allow-origin')).toBe(CONSOLE_ORIGIN);

    const me = await fetch(`${stack.info.apiUrl}/me`, { headers: { authorization: `Bearer ${idToken}` } });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({
      subject: 'alice',
      email: 'alice@example.org',
      groups: ['lab-a', 'lab-b'],
      authMethods: ['pwd', 'mfa'],
    });
  });

  it('without the MFA box ticked says amr ["pwd"], and the API sees no MFA', async () => {
    const { idToken, claims } = await signIn({ subject: 'bob' });
    expect(claims).toMatchObject({ sub: 'bob', amr: ['pwd'], groups: [] });
    expect(claims.email).toBeUndefined();
    const me = await fetch(`${stack.info.apiUrl}/me`, { headers: { authorization: `Bearer ${idToken}` } });
    expect(await me.json()).toMatchObject({ subject: 'bob', authMethods: ['pwd'] });
  });

  it('refuses a code redeemed without its PKCE verifier or with another one (invalid_grant)', async () => {
    const browser = new Browser();
    const first = await authorize(browser, { subject: 'carol' });
    await expect(oauth.processAuthorizationCodeResponse(as, client, await redeem(first.params, oauth.nopkce))).rejects.toMatchObject({
      error: 'invalid_grant',
    });
    // Signed in already: the next authorization comes straight back with a code.
    const second = await authorize(browser);
    const wrong = oauth.generateRandomCodeVerifier();
    await expect(oauth.processAuthorizationCodeResponse(as, client, await redeem(second.params, wrong))).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });

  it('refuses an authorization request without a PKCE challenge', async () => {
    const url = new URL(authorizeUrl('x', 'state'));
    url.searchParams.delete('code_challenge');
    url.searchParams.delete('code_challenge_method');
    const { callback } = await new Browser().follow(url.href);
    expect(callback?.searchParams.get('error')).toBe('invalid_request');
  });

  it('refuses a redirect URI the console did not register, with a page and no redirect', async () => {
    const url = new URL(authorizeUrl('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', 'state'));
    url.searchParams.set('redirect_uri', 'http://127.0.0.1:39005/');
    const response = await fetch(url, { redirect: 'manual' });
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    const page = await response.text();
    expect(page).toContain('redirect_uri');
    expect(page).not.toMatch(/\n\s+at /);
  });

  it("answers CORS at the token endpoint for the console's origin and for no other", async () => {
    const preflight = (origin: string) =>
      fetch(as.token_endpoint!, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      });
    const allowed = await preflight(CONSOLE_ORIGIN);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(CONSOLE_ORIGIN);
    expect(allowed.headers.get('access-control-allow-methods')).toMatch(/POST/);
    expect((await preflight('http://127.0.0.1:39999')).headers.get('access-control-allow-origin')).toBeNull();

    const { params, verifier } = await authorize(new Browser(), { subject: 'dave' });
    const foreign = await redeem(params, verifier, 'http://127.0.0.1:39999');
    expect(foreign.status).toBe(400);
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('signing out (end_session)', () => {
  it("after a confirmation page sends the browser back to the console's root, and the next sign-in shows the form again", async () => {
    const browser = new Browser();
    await authorize(browser, { subject: 'erin' });
    const url = new URL(as.end_session_endpoint!);
    url.search = new URLSearchParams({ client_id: CONSOLE_CLIENT_ID, post_logout_redirect_uri: REDIRECT_URI }).toString();
    const { page } = await browser.follow(url.href);
    const confirm = await page!.text();
    expect(confirm).toContain('Yes, sign me out');
    const [, action = '', xsrf = ''] = /<form[^>]*action="([^"]+)"[\s\S]*?name="xsrf" value="([^"]+)"/.exec(confirm) ?? [];
    const body = new URLSearchParams({ xsrf, logout: 'yes' });
    const { callback } = await browser.follow(action, { method: 'POST', body });
    expect(callback?.href).toBe(REDIRECT_URI);
    const verifier = oauth.generateRandomCodeVerifier();
    const again = await browser.follow(authorizeUrl(await oauth.calculatePKCECodeChallenge(verifier), 's'));
    expect(await again.page?.text()).toContain('<label for="subject"');
  });
});

describe('the login form', () => {
  it('starts with the login_hint as subject; sent empty, shows the form again with an error and (escaped) what was typed', async () => {
    const browser = new Browser();
    const challenge = await oauth.calculatePKCECodeChallenge(oauth.generateRandomCodeVerifier());
    const { page } = await browser.follow(authorizeUrl(challenge, 's', { login_hint: 'zoe' }));
    const form = await page!.text();
    for (const field of ['subject', 'email', 'groups', 'mfa']) expect(form).toMatch(new RegExp(`<label for="${field}"`));
    expect(form).toMatch(/id="subject"[^>]*value="zoe"/); // the application's login_hint, prefilled
    const { page: again } = await submit(browser, formAction(form), {
      subject: '  ',
      email: '"><script>alert(1)</script>',
      groups: 'lab-a',
    });
    expect(again!.status).toBe(400);
    const html = await again!.text();
    expect(html).toContain('role="alert"');
    expect(html).toMatch(/Type a subject/);
    expect(html).not.toContain('<script>');
    expect(html).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(html).toContain('value="lab-a"');
  });

  it('refuses a login form of 1 MiB with a 413 page, and the same browser signs in right after on a fresh connection', async () => {
    const browser = new Browser();
    const verifier = oauth.generateRandomCodeVerifier();
    const { page } = await browser.follow(authorizeUrl(await oauth.calculatePKCECodeChallenge(verifier), 's'));
    const action = formAction(await page!.text());
    const huge = new URLSearchParams({ subject: 'bob', padding: 'x'.repeat(1024 * 1024) });
    const refused = await browser.request(action, {
      method: 'POST',
      body: huge,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(refused.status).toBe(413);
    expect(await refused.text()).toMatch(/larger than a sign-in needs/);
    const { callback } = await submit(browser, action, { subject: 'bob' });
    expect(callback?.searchParams.get('code')).toBeTruthy();
  });

  it('for a sign-in that is unknown or over answers a page saying so, not an error trace', async () => {
    const response = await fetch(`${stack.info.issuer}/interaction/no-such-sign-in`);
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const page = await response.text();
    expect(page).toMatch(/expired/);
    expect(page).not.toMatch(/\n\s+at /);
  });
});
