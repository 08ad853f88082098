/**
 * Routes that reach data without the proxy: credentials, presigned URLs, browser uploads, download links. The
 * credential route's function is `credentials-handler.ts`'s: it needs no S3 client, so its bundle carries none.
 */
import { once, onFirstCall } from '../../shared/wiring/lazy';
import { vendingDefaults } from '../../shared/wiring/vending';
import { makeHandlers } from './routes';

const handlers = once(() => makeHandlers(vendingDefaults()));
export const presign = onFirstCall(() => handlers().presign);
export const startUploadHandler = onFirstCall(() => handlers().startUpload);
export const partsUploadHandler = onFirstCall(() => handlers().partsUpload);
export const completeUploadHandler = onFirstCall(() => handlers().completeUpload);
export const abortUploadHandler = onFirstCall(() => handlers().abortUpload);
export const download = onFirstCall(() => handlers().download);
