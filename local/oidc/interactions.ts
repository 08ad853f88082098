/**
 * The dev issuer's interaction pages, where oidc-provider sends the browser when a sign-in needs the user:
 * `GET /interaction/{uid}` shows the login form (or, for consent, grants the requested scopes at once: every client
 * of the dev issuer is first party), `POST /interaction/{uid}/login` signs in as the subject typed there.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { errors, type InteractionDetails, type Provider } from 'oidc-provider';
import { type LoginFormError, type LoginFormValues, loginPage, messagePage, PAGE_CSP } from './login-page';
import type { DevAccount } from './provider';

const INTERACTION_PATH = /^\/interaction\/([\w-]{1,64})(\/login)?$/;
const MAX_FORM_BYTES = 16 * 1024;
const MAX_GROUPS = 100;
// Control characters have no place in a subject, an address or a group name.
// biome-ignore lint/suspicious/noControlCharactersInRegex: that is the point
const CONTROL = /[\u0000-\u001f\u007f]/;

export interface InteractionContext {
  provider: () => Provider;
  accounts: Map<string, DevAccount>;
  clientName: (clientId: string) => string;
  onError: (message: string) => void;
}

class FormTooLarge extends Error {}

function sendHtml(response: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-security-policy': PAGE_CSP,
    'x-frame-options': 'DENY',
    ...headers,
  });
  response.end(body);
}

const expired = (response: ServerResponse) =>
  sendHtml(
    response,
    400,
    messagePage(
      'This sign-in has expired',
      'It was finished already, timed out, or belongs to another browser. Go back to the application and sign in again.',
    ),
  );

async function readForm(request: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_FORM_BYTES) throw new FormTooLarge();
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/** The form's values checked: the account to sign in as, or what to tell the user. */
export function parseLoginForm(form: URLSearchParams): { values: LoginFormValues; error?: LoginFormError; account?: DevAccount } {
  const values: LoginFormValues = {
    subject: (form.get('subject') ?? '').trim(),
    email: (form.get('email') ?? '').trim(),
    groups: (form.get('groups') ?? '').trim(),
    mfa: form.has('mfa'),
  };
  const groups = [...new Set(values.groups.split(',').map((group) => group.trim()))].filter(Boolean);
  const fail = (field: LoginFormError['field'], message: string) => ({ values, error: { field, message } });
  if (!values.subject) return fail('subject', 'Type a subject: the user id to sign in as.');
  if (values.subject.length > 255 || CONTROL.test(values.subject)) {
    return fail('subject', 'The subject must be at most 255 printable characters.');
  }
  if (values.email && (values.email.length > 254 || !/^[^\s@]+@[^\s@]+$/.test(values.email))) {
    return fail('email', 'The email must look like name@example.org, or be left empty.');
  }
  if (groups.length > MAX_GROUPS || groups.some((group) => group.length > 128 || CONTROL.test(group))) {
    return fail('groups', `Give at most ${MAX_GROUPS} groups, each at most 128 printable characters, separated by commas.`);
  }
  return { values, account: { ...(values.email ? { email: values.email } : {}), groups } };
}

/** Consent for a first-party client: grant what the request asks for, as a consent screen's "allow" would. */
async function grantRequested(provider: Provider, details: InteractionDetails): Promise<{ grantId?: string }> {
  const accountId = details.session?.accountId;
  const clientId = details.params.client_id;
  if (!accountId || typeof clientId !== 'string') throw new errors.SessionNotFound('no signed-in session to grant for');
  const grant = (details.grantId ? await provider.Grant.find(details.grantId) : undefined) ?? new provider.Grant({ accountId, clientId });
  const { missingOIDCScope, missingOIDCClaims } = details.prompt.details;
  if (Array.isArray(missingOIDCScope)) grant.addOIDCScope(missingOIDCScope.join(' '));
  if (Array.isArray(missingOIDCClaims)) grant.addOIDCClaims(missingOIDCClaims as string[]);
  const grantId = await grant.save();
  return details.grantId ? {} : { grantId };
}

/** Answers the request if its path is an interaction page's; false otherwise (the caller answers it). */
export function interactionHandler(context: InteractionContext) {
  return async (request: IncomingMessage, response: ServerResponse, path: string): Promise<boolean> => {
    const match = INTERACTION_PATH.exec(path);
    if (!match) return false;
    const [, uid, login] = match;
    const method = login ? 'POST' : 'GET';
    if (request.method !== method) {
      sendHtml(response, 405, messagePage('Not here', `This page answers ${method} only.`), { allow: method });
      return true;
    }
    const provider = context.provider();
    try {
      const details = await provider.interactionDetails(request, response);
      const action = `/interaction/${encodeURIComponent(details.uid)}/login`;
      const clientName = context.clientName(String(details.params.client_id));
      if (details.uid !== uid) {
        expired(response);
      } else if (details.prompt.name === 'consent') {
        await provider.interactionFinished(request, response, { consent: await grantRequested(provider, details) });
      } else if (details.prompt.name !== 'login') {
        sendHtml(
          response,
          400,
          messagePage('Sign-in could not continue', `The issuer asked for "${details.prompt.name}", which it cannot do.`),
        );
      } else if (!login) {
        const hint = details.params.login_hint; // the subject, when the application suggests one
        sendHtml(response, 200, loginPage({ action, clientName, values: { subject: typeof hint === 'string' ? hint : '' } }));
      } else {
        const { values, error, account } = parseLoginForm(await readForm(request));
        if (account) {
          context.accounts.set(values.subject, account);
          const amr = values.mfa ? ['pwd', 'mfa'] : ['pwd'];
          await provider.interactionFinished(
            request,
            response,
            { login: { accountId: values.subject, amr } },
            { mergeWithLastSubmission: false },
          );
        } else {
          sendHtml(response, 400, loginPage({ action, clientName, values, ...(error ? { error } : {}) }));
        }
      }
    } catch (error) {
      if (error instanceof errors.SessionNotFound) expired(response);
      else if (error instanceof FormTooLarge)
        // The rest of the body is left unread, so the connection cannot carry another request: say so, or the browser's
        // next request on it (the form sent again) meets a reset.
        sendHtml(response, 413, messagePage('Too much', 'The form sent is larger than a sign-in needs.'), { connection: 'close' });
      else {
        context.onError(`dev OIDC issuer: interaction failed: ${(error as Error).message}`);
        if (!response.headersSent) sendHtml(response, 500, messagePage('Sign-in failed', 'The development issuer failed; see its log.'));
      }
    }
    return true;
  };
}
