/** POST /volumes/{id}/credentials: its own module, wired without the S3 signer and multipart store it never calls. */
import { credentialDefaults } from '../../shared/wiring/credential-vending';
import { onFirstCall } from '../../shared/wiring/lazy';
import { credentialsRoute } from './routes';

export const credentials = onFirstCall(() => credentialsRoute(credentialDefaults()));
