/**
 * The local deployment's KMS keys: serverless.yml's `AWS::KMS::Key` resources, made in the platform account at the
 * stack's start as CloudFormation makes them at a deploy (tagged with their logical id), once: a key already in the
 * store (the data directory is kept between runs) is used as it is, so tokens and access keys outlive a restart.
 */
import type { KmsKeyModel } from '../../serverless-model';
import type { KeySpec, KeyUsage, KmsKey, KmsStore } from './store';

const SUPPORTED: Record<string, KeyUsage> = {
  RSA_2048: 'SIGN_VERIFY',
  RSA_3072: 'SIGN_VERIFY',
  RSA_4096: 'SIGN_VERIFY',
  HMAC_256: 'GENERATE_VERIFY_MAC',
};

export function deployKmsKeys(
  store: KmsStore,
  keys: KmsKeyModel[],
  options: { accountId: string; region: string; now: Date },
): Record<string, KmsKey> {
  const deployed: Record<string, KmsKey> = {};
  for (const model of keys) {
    if (SUPPORTED[model.keySpec] !== model.keyUsage) {
      throw new Error(`serverless.yml: the local KMS cannot make ${model.logicalId} (${model.keySpec}, ${model.keyUsage})`);
    }
    const arn = `arn:aws:kms:${options.region}:${options.accountId}:key/${model.keyId}`;
    deployed[model.logicalId] =
      store.key(arn) ??
      store.create({
        keyId: model.keyId,
        accountId: options.accountId,
        region: options.region,
        keySpec: model.keySpec as KeySpec,
        keyUsage: model.keyUsage,
        description: model.description,
        tags: [
          ...model.tags.map((tag) => ({ TagKey: tag.Key, TagValue: tag.Value })),
          { TagKey: 'aws:cloudformation:logical-id', TagValue: model.logicalId },
        ],
        now: options.now,
      });
  }
  return deployed;
}
