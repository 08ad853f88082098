/** GET /volumes/{id}/download/{key+}: its own module, wired with the URL signer alone (no S3 client, no multipart store). */
import { onFirstCall } from '../../shared/wiring/lazy';
import { urlSigningDefaults } from '../../shared/wiring/url-signing';
import { downloadRoute } from './routes';

export const download = onFirstCall(() => downloadRoute(urlSigningDefaults()));
