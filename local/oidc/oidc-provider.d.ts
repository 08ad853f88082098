/**
 * The part of `oidc-provider` (v9, which ships no types) the dev issuer uses, typed from its documentation
 * (docs/README.md: configuration options, user flows, interaction helpers).
 */
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  /** The Koa context oidc-provider hands to its helpers (only what the dev issuer reads or sets). */
  export interface ProviderContext {
    method: string;
    path: string;
    status: number;
    type: string;
    body: unknown;
    host: string;
    set(header: string, value: string): void;
    oidc?: {
      route?: string;
      client?: { clientId: string; clientName?: string; redirectUris: string[] };
    };
  }

  export interface Account {
    accountId: string;
    claims(use: string, scope: string): Record<string, unknown> | Promise<Record<string, unknown>>;
  }

  /** A storage adapter (docs: the expected interface, example/my_adapter.js). */
  export interface Adapter {
    upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void>;
    find(id: string): Promise<AdapterPayload | undefined>;
    findByUserCode(userCode: string): Promise<AdapterPayload | undefined>;
    findByUid(uid: string): Promise<AdapterPayload | undefined>;
    consume(id: string): Promise<void>;
    destroy(id: string): Promise<void>;
    revokeByGrantId(grantId: string): Promise<void>;
  }

  export interface AdapterPayload {
    grantId?: string;
    uid?: string;
    userCode?: string;
    consumed?: number;
    [key: string]: unknown;
  }

  export interface ClientMetadata {
    client_id: string;
    application_type?: 'web' | 'native';
    token_endpoint_auth_method?: string;
    grant_types?: string[];
    response_types?: string[];
    redirect_uris: string[];
    post_logout_redirect_uris?: string[];
    scope?: string;
    client_name?: string;
  }

  export type Configuration = Record<string, unknown> & {
    clients?: ClientMetadata[];
    adapter?: (name: string) => Adapter;
    findAccount?: (ctx: ProviderContext, sub: string) => Promise<Account | undefined>;
    clientBasedCORS?: (ctx: ProviderContext, origin: string, client: { redirectUris: string[] }) => boolean;
    renderError?: (ctx: ProviderContext, out: Record<string, string>, error: Error) => Promise<void>;
  };

  export interface InteractionDetails {
    uid: string;
    prompt: { name: string; reasons: string[]; details: Record<string, unknown> };
    params: Record<string, unknown> & { client_id?: string; scope?: string };
    session?: { accountId: string; uid: string };
    grantId?: string;
    lastSubmission?: Record<string, unknown>;
  }

  export interface InteractionResults {
    login?: { accountId: string; acr?: string; amr?: string[]; remember?: boolean; ts?: number };
    consent?: { grantId?: string };
    error?: string;
    error_description?: string;
  }

  export class Grant {
    constructor(properties: { accountId: string; clientId: string });
    addOIDCScope(scope: string): void;
    addOIDCClaims(claims: string[]): void;
    save(): Promise<string>;
    static find(id: string): Promise<Grant | undefined>;
  }

  type Middleware = (ctx: ProviderContext, next: () => Promise<void>) => Promise<void>;

  export class Provider {
    constructor(issuer: string, configuration?: Configuration);
    readonly issuer: string;
    readonly Grant: typeof Grant;
    callback(): (request: IncomingMessage, response: ServerResponse) => void;
    use(middleware: Middleware): this;
    on(event: string, listener: (...args: unknown[]) => void): this;
    interactionDetails(request: IncomingMessage, response: ServerResponse): Promise<InteractionDetails>;
    interactionFinished(
      request: IncomingMessage,
      response: ServerResponse,
      result: InteractionResults,
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<void>;
  }

  export const errors: {
    SessionNotFound: new (description?: string) => Error;
    OIDCProviderError: new (...args: never[]) => Error & { status: number; error: string; error_description?: string };
  };

  export default Provider;
}
