/**
 * The browser upload routes: start, more part URLs, complete, abort. Presign, download and the credential route have
 * entry files of their own (`presign-handler.ts`, `download-handler.ts`, `credentials-handler.ts`), so their bundles
 * carry neither these routes nor the multipart store's S3 client.
 */
import { once, onFirstCall } from '../../shared/wiring/lazy';
import { vendingDefaults } from '../../shared/wiring/vending';
import { uploadRoutes } from './routes';

const handlers = once(() => uploadRoutes(vendingDefaults()));
export const startUploadHandler = onFirstCall(() => handlers().startUpload);
export const partsUploadHandler = onFirstCall(() => handlers().partsUpload);
export const completeUploadHandler = onFirstCall(() => handlers().completeUpload);
export const abortUploadHandler = onFirstCall(() => handlers().abortUpload);
