/**
 * The S3 proxy: S3 clients talk to it as to S3 (path-style, `/{volume}/{key}`), it decides who they are and
 * what they may do, re-signs with the volume's role session and forwards to S3. One core (`createProxy`) behind
 * two fronts: the Lambda function URL (`functions/proxy/handler.ts`, `requestFromEvent`) and a Node HTTP server
 * (`containers/node-proxy/server.ts`). Wiring: `shared/wiring/proxy.ts`.
 */
export { createProxy, type ProxyDeps, type ProxyHandler } from './handle';
export type { FrontLimits, ProxyRequest, ProxyResponse, Upstream, UpstreamRequest, UpstreamResponse } from './types';
export type { AccessKeyResolver, GatewayKey } from './ports';
export { authenticate, looksLikeJwt, type Authenticated, type Principal } from './authenticate';
export { classify, OPERATIONS, type Operation, type OperationName } from './operations';
export { clientKey, clientKeyEncoded, realKey, realPrefix, rootOf, MAX_KEY_BYTES } from './keys';
export { createProxyAudit, type ProxyAudit } from './audit';
export { createVolumeLookup, type VolumeLookup } from './volume-lookup';
export { forwardingCredentials } from './forwarding-credentials';
export { createHttpUpstream, s3Endpoint } from './upstream/http-upstream';
export { FUNCTION_URL_LIMITS, FUNCTION_URL_MAX_RESPONSE_BYTES, requestFromEvent } from './function-url';
export { nextflowConfig, type NextflowConfig } from './nextflow-config';
export { errorResponse, S3Refusal } from './errors';
