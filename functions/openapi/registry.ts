/**
 * Every handler module's specs, keyed by the module's source file as serverless.yml names it
 * (`functions/volumes/handler.create` → `functions/volumes/handler.ts`, export `create`). Static imports, so
 * esbuild bundles them into the openapi function; test/shared/openapi fails when a route of serverless.yml
 * finds no spec here, so this cannot drift from serverless.yml unnoticed. It lives beside the openapi handler,
 * not in shared/, because it imports the handlers' specs (shared/ never imports functions/).
 */
import type { RouteDoc } from '../../shared/openapi/route-doc';
import { specs as accessKeys } from '../access-keys/specs';
import { specs as audit } from '../audit/specs';
import { specs as health } from '../health/specs';
import { specs as links } from '../links/specs';
import { specs as me } from '../me/specs';
import { specs as members } from '../members/specs';
import { specs as objects } from '../objects/specs';
import { specs as oidcIssuer } from '../oidc-issuer/specs';
import { specs as preflight } from '../preflight/specs';
import { nextflowConfigSpecs } from '../proxy/specs';
import { specs as vending } from '../vending/specs';
import { specs as volumes } from '../volumes/specs';
import { specs as openapi } from './specs';

// The routes with an entry file of their own (a smaller bundle: no S3 client in the credential route's, none of STS
// or S3 in the other volume routes'), each under its own file.
const { verifyVolume, ...volumeStore } = volumes;
const { credentials, presign, download: vendingDownload, ...vendingUploads } = vending;
const { download: linkDownload, head: linkHead, ...linkRoutes } = links;

export type SpecRegistry = Record<string, Record<string, RouteDoc>>;

export const routeSpecs: SpecRegistry = {
  'functions/access-keys/handler.ts': accessKeys,
  'functions/audit/handler.ts': audit,
  'functions/health/handler.ts': health,
  'functions/links/handler.ts': linkRoutes,
  'functions/links/download-handler.ts': { download: linkDownload, head: linkHead },
  'functions/me/handler.ts': me,
  'functions/members/handler.ts': members,
  'functions/objects/handler.ts': objects,
  'functions/oidc-issuer/handler.ts': oidcIssuer,
  'functions/openapi/handler.ts': openapi,
  'functions/preflight/handler.ts': preflight,
  'functions/proxy/nextflow-config.ts': nextflowConfigSpecs,
  'functions/vending/handler.ts': vendingUploads,
  'functions/vending/credentials-handler.ts': { credentials },
  'functions/vending/presign-handler.ts': { presign },
  'functions/vending/download-handler.ts': { download: vendingDownload },
  'functions/volumes/handler.ts': volumeStore,
  'functions/volumes/verify-handler.ts': { verifyVolume },
};
