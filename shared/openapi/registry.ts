/**
 * Every handler module's specs, keyed by the module's source file as serverless.yml names it
 * (`functions/volumes/handler.create` → `functions/volumes/handler.ts`, export `create`). Static imports, so
 * esbuild bundles them into the openapi function; test/shared/openapi fails when a route of serverless.yml
 * finds no spec here, so this cannot drift from serverless.yml unnoticed.
 */
import { specs as accessKeys } from '../../functions/access-keys/specs';
import { specs as audit } from '../../functions/audit/specs';
import { specs as health } from '../../functions/health/specs';
import { specs as me } from '../../functions/me/specs';
import { specs as members } from '../../functions/members/specs';
import { specs as openapi } from '../../functions/openapi/specs';
import { specs as preflight } from '../../functions/preflight/specs';
import { nextflowConfigSpecs } from '../../functions/proxy/specs';
import { specs as vending } from '../../functions/vending/specs';
import { specs as volumes } from '../../functions/volumes/specs';
import type { RouteDoc } from './route-doc';

export type SpecRegistry = Record<string, Record<string, RouteDoc>>;

export const routeSpecs: SpecRegistry = {
  'functions/access-keys/handler.ts': accessKeys,
  'functions/audit/handler.ts': audit,
  'functions/health/handler.ts': health,
  'functions/me/handler.ts': me,
  'functions/members/handler.ts': members,
  'functions/openapi/handler.ts': openapi,
  'functions/preflight/handler.ts': preflight,
  'functions/proxy/nextflow-config.ts': nextflowConfigSpecs,
  'functions/vending/handler.ts': vending,
  'functions/volumes/handler.ts': volumes,
};
