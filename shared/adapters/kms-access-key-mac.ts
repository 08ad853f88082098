/**
 * The {@link AccessKeyMac} on AWS KMS: GenerateMac (HMAC_SHA_256) with the deployment's HMAC_256 key, which never
 * leaves KMS. A failure is a `dependencyFailure`: 503 `AccessKeySecretsUnavailable` while KMS is throttling or down,
 * 500 `DependencyMisconfigured` when it refuses the service (a missing grant, a key of the wrong kind).
 */
import { GenerateMacCommand, type KMSClient } from '@aws-sdk/client-kms';
import type { AccessKeyMac } from '../access-keys/ports';
import { dependencyFailure } from './aws-errors';

export function kmsAccessKeyMac(client: Pick<KMSClient, 'send'>): AccessKeyMac {
  return {
    async generateMac(keyId, message) {
      let answer;
      try {
        answer = await client.send(
          new GenerateMacCommand({ KeyId: keyId, Message: Buffer.from(message, 'utf8'), MacAlgorithm: 'HMAC_SHA_256' }),
        );
      } catch (error) {
        throw dependencyFailure('KMS (access-key secrets)', 'AccessKeySecretsUnavailable', error);
      }
      if (!answer.Mac || !answer.KeyId) {
        throw dependencyFailure('KMS (access-key secrets)', 'AccessKeySecretsUnavailable', new Error('GenerateMac answered no MAC'));
      }
      return { mac: answer.Mac, keyArn: answer.KeyId };
    },
  };
}
