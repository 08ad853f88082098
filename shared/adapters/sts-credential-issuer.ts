/**
 * The credential issuer on STS: AssumeRole with our own credentials (external ID, source identity,
 * session tags and policy), and AssumeRoleWithWebIdentity, which needs no caller credentials.
 * A refusal by the customer's trust policy (or of the request's parameters) is {@link AssumeRoleRefused}
 * with STS's code and message; STS not answering is DependencyUnavailable, so a probe can tell which.
 */
import { AssumeRoleCommand, AssumeRoleWithWebIdentityCommand, type Credentials, STSClient } from '@aws-sdk/client-sts';
import { countMetric } from '../metrics';
import { AssumeRoleRefused, type CredentialIssuer, type TemporaryCredentials } from '../volumes/ports';
import { dependencyFailure, errorCode, errorMessage, unavailable, wasAborted } from './aws-errors';
import { type RegionClients, regionClients } from './region-clients';

export interface StsCredentialIssuerOptions {
  /**
   * Makes the STS client for a region; it is called once per region and the client reused. By default
   * a client with the SDK's default credentials chain and endpoint resolution (which reads
   * `AWS_ENDPOINT_URL` itself), shared by every issuer in this module.
   */
  client?: (region: string) => STSClient;
}

/**
 * STS's refusals, under the SDK's error names and STS's wire codes alike, mapped to the wire code.
 * Each means "STS answered and said no" (trust policy, token, parameters), never "STS is down".
 */
const REFUSALS: Record<string, string> = {
  AccessDenied: 'AccessDenied',
  InvalidIdentityToken: 'InvalidIdentityToken',
  InvalidIdentityTokenException: 'InvalidIdentityToken',
  IDPRejectedClaim: 'IDPRejectedClaim',
  IDPRejectedClaimException: 'IDPRejectedClaim',
  ExpiredTokenException: 'ExpiredTokenException',
  ValidationError: 'ValidationError',
  PackedPolicyTooLarge: 'PackedPolicyTooLarge',
  PackedPolicyTooLargeException: 'PackedPolicyTooLarge',
  RegionDisabledException: 'RegionDisabledException',
  MalformedPolicyDocument: 'MalformedPolicyDocument',
  MalformedPolicyDocumentException: 'MalformedPolicyDocument',
  InvalidParameterValue: 'InvalidParameterValue',
};

const defaultClients = regionClients((region) => new STSClient({ region }));

/** Forgets the shared default clients (tests). */
export function resetStsClients(): void {
  defaultClients.clear();
}

function translate(error: unknown, signal: AbortSignal | undefined): unknown {
  if (wasAborted(error, signal)) return error;
  const refusal = REFUSALS[errorCode(error)];
  if (refusal) return new AssumeRoleRefused(refusal, errorMessage(error) || `STS refused the request (${refusal}).`, { cause: error });
  return dependencyFailure('STS', 'StsUnavailable', error);
}

function temporary(credentials: Credentials | undefined): TemporaryCredentials {
  const { AccessKeyId, SecretAccessKey, SessionToken, Expiration } = credentials ?? {};
  if (!AccessKeyId || !SecretAccessKey || !SessionToken || !Expiration) {
    throw unavailable('STS did not answer; try again shortly.', 'StsUnavailable', new Error('STS returned no credentials'));
  }
  return { accessKeyId: AccessKeyId, secretAccessKey: SecretAccessKey, sessionToken: SessionToken, expiration: Expiration };
}

export function createStsCredentialIssuer(options: StsCredentialIssuerOptions = {}): CredentialIssuer {
  const clients: RegionClients<STSClient> = options.client ? regionClients(options.client) : defaultClients;

  return {
    async assumeRole(request) {
      const command = new AssumeRoleCommand({
        RoleArn: request.roleArn,
        RoleSessionName: request.sessionName,
        DurationSeconds: request.durationSeconds,
        ExternalId: request.externalId,
        SourceIdentity: request.sourceIdentity,
        Tags: request.tags ? Object.entries(request.tags).map(([Key, Value]) => ({ Key, Value })) : undefined,
        Policy: request.policy,
      });
      let result;
      countMetric('StsCalls', { Operation: 'AssumeRole' });
      try {
        result = await clients.get(request.region).send(command, { abortSignal: request.signal });
      } catch (error) {
        throw translate(error, request.signal);
      }
      return temporary(result.Credentials);
    },

    async assumeRoleWithWebIdentity(request) {
      const command = new AssumeRoleWithWebIdentityCommand({
        RoleArn: request.roleArn,
        RoleSessionName: request.sessionName,
        WebIdentityToken: request.webIdentityToken,
        DurationSeconds: request.durationSeconds,
        Policy: request.policy,
      });
      let result;
      countMetric('StsCalls', { Operation: 'AssumeRoleWithWebIdentity' });
      try {
        result = await clients.get(request.region).send(command, { abortSignal: request.signal });
      } catch (error) {
        throw translate(error, request.signal);
      }
      return temporary(result.Credentials);
    },
  };
}
