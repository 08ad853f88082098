/**
 * The data routes, one maker each over the wiring it is given, so a handler file that imports one maker bundles that
 * route's domain code alone: `credentials-handler.ts`, `presign-handler.ts`, `download-handler.ts` and `handler.ts`
 * (the upload routes) give theirs.
 */
import { callerOf } from '../../shared/http/caller';
import { route } from '../../shared/http/route';
import { ok } from '../../shared/http/types';
import { abortUpload, completeUpload, downloadUrl, presignObject, presignParts, startUpload, vendCredentials } from '../../shared/vending';
import type { VendingHandlerDeps } from '../../shared/wiring/credential-vending';
import { specs } from './specs';

export const credentialsRoute = (deps: VendingHandlerDeps) =>
  route(specs.credentials, async (r) => ok(await vendCredentials(deps.vending, callerOf(r), r.pathParameters.id!, r.body)))(deps);

export const presignRoute = (deps: VendingHandlerDeps) =>
  route(specs.presign, async (r) => ok(await presignObject(deps.vending, callerOf(r), r.pathParameters.id!, r.body)))(deps);

export const downloadRoute = (deps: VendingHandlerDeps) =>
  route(specs.download, async (r) => {
    const url = await downloadUrl(deps.vending, callerOf(r), r.pathParameters.id!, r.pathParameters.key!, r.query);
    return ok(undefined, 302, { location: url, 'cache-control': 'no-store' });
  })(deps);

export function uploadRoutes(deps: VendingHandlerDeps) {
  const vending = deps.vending;
  return {
    startUpload: route(specs.startUploadHandler, async (r) =>
      ok(await startUpload(vending, callerOf(r), r.pathParameters.id!, r.body), 201),
    )(deps),
    partsUpload: route(specs.partsUploadHandler, async (r) =>
      ok(await presignParts(vending, callerOf(r), r.pathParameters.id!, r.pathParameters.uploadId!, r.body)),
    )(deps),
    completeUpload: route(specs.completeUploadHandler, async (r) =>
      ok(await completeUpload(vending, callerOf(r), r.pathParameters.id!, r.pathParameters.uploadId!, r.body)),
    )(deps),
    abortUpload: route(specs.abortUploadHandler, async (r) => {
      await abortUpload(vending, callerOf(r), r.pathParameters.id!, r.pathParameters.uploadId!, r.body);
      return ok(undefined, 204);
    })(deps),
  };
}
