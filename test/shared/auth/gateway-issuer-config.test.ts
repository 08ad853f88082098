import { describe, expect, it } from 'vitest';
import { discoveryDocument } from '../../../shared/auth/gateway-issuer';
import { loadGatewayIssuerSettings } from '../../../shared/auth/gateway-issuer-config';
import { ConfigError } from '../../../shared/config';

describe('the gateway issuer settings', () => {
  it('are absent without GATEWAY_ISSUER_URL: gateway-oidc volumes are not offered', () => {
    expect(loadGatewayIssuerSettings({})).toBeUndefined();
  });

  it('take the API base URL without a trailing slash, and sts.amazonaws.com as the default audience', () => {
    expect(loadGatewayIssuerSettings({ GATEWAY_ISSUER_URL: 'https://abc.execute-api.eu-central-1.amazonaws.com/' })).toEqual({
      issuer: 'https://abc.execute-api.eu-central-1.amazonaws.com',
      audience: 'sts.amazonaws.com',
      thumbprints: [],
    });
    expect(loadGatewayIssuerSettings({ GATEWAY_ISSUER_URL: 'http://127.0.0.1:3000', GATEWAY_TOKEN_AUDIENCE: 'aud-x' })?.audience).toBe(
      'aud-x',
    );
  });

  it('refuse plain http off loopback, queries and malformed thumbprints, naming the variable', () => {
    for (const env of [
      { GATEWAY_ISSUER_URL: 'http://api.example.org' },
      { GATEWAY_ISSUER_URL: 'https://api.example.org/?x=1' },
      { GATEWAY_ISSUER_URL: 'not a url' },
      { GATEWAY_ISSUER_URL: 'https://api.example.org', GATEWAY_ISSUER_THUMBPRINTS: 'abc' },
    ]) {
      expect(() => loadGatewayIssuerSettings(env)).toThrow(ConfigError);
    }
  });
});

describe('the discovery document', () => {
  it('names the issuer, its JWKS and what AWS IAM needs of an OIDC provider', () => {
    expect(discoveryDocument('https://api.example.org')).toMatchObject({
      issuer: 'https://api.example.org',
      jwks_uri: 'https://api.example.org/.well-known/jwks.json',
      response_types_supported: ['id_token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
    });
  });
});
