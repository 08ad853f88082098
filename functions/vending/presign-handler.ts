/** POST /volumes/{id}/presign: its own module, wired with the URL signer alone (no S3 client, no multipart store). */
import { onFirstCall } from '../../shared/wiring/lazy';
import { urlSigningDefaults } from '../../shared/wiring/url-signing';
import { presignRoute } from './routes';

export const presign = onFirstCall(() => presignRoute(urlSigningDefaults()));
