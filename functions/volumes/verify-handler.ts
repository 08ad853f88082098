/** POST /volumes/{id}/verify: its own module, as the one volume route that probes the customer's role (STS, S3). */
import { onFirstCall } from '../../shared/wiring/lazy';
import { volumeDefaults } from '../../shared/wiring/volumes';
import { makeHandlers } from './handler';

export const verifyVolume = onFirstCall(() => makeHandlers(volumeDefaults()).verify);
