/** The gateway's OpenID Connect issuer as declared once: its discovery document and the JWKS it names (no token). */
import * as z from 'zod/mini';
import { defineRoutes } from '../../shared/openapi/route-doc';

const discoveryDocument = z
  .object({
    issuer: z.string().check(z.describe("The issuer: the API's public base URL, as the gateway's tokens name it in `iss`.")),
    jwks_uri: z.string(),
    response_types_supported: z.array(z.string()),
    subject_types_supported: z.array(z.string()),
    id_token_signing_alg_values_supported: z.array(z.string()),
    claims_supported: z.array(z.string()),
  })
  .check(z.describe('OpenID Connect Discovery 1.0, with what AWS IAM reads of an OIDC provider.'));

const jwks = z
  .object({
    keys: z.array(
      z.object({ kty: z.literal('RSA'), kid: z.string(), alg: z.literal('RS256'), use: z.literal('sig'), n: z.string(), e: z.string() }),
    ),
  })
  .check(z.describe('The keys that verify the gateway tokens: the current one first, then the previous one during a rotation.'));

const cacheControl = { 'cache-control': { description: 'How long the answer may be cached.' } };
const notOffered = { description: 'This deployment has no issuer (`GatewayIssuerNotConfigured`): gateway-oidc volumes are not offered.' };

export const specs = defineRoutes({
  discovery: {
    summary: "The gateway issuer's OpenID Connect discovery document",
    description:
      'The gateway mints a short-lived token for each STS call of a `gateway-oidc` volume (`sub` = `volume:<volumeId>`); the ' +
      "volume's owner registers this issuer as an OIDC provider of the role's account (the setup's commands), and AWS reads this " +
      'document and the JWKS it names to verify those tokens.',
    auth: 'public',
    responses: { 200: { description: 'The discovery document.', schema: discoveryDocument, headers: cacheControl }, 404: notOffered },
    tags: ['service'],
  },
  jwks: {
    summary: "The gateway issuer's signing keys (JWKS)",
    auth: 'public',
    responses: { 200: { description: 'The JSON Web Key Set.', schema: jwks, headers: cacheControl }, 404: notOffered },
    tags: ['service'],
  },
});
