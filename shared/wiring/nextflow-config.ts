/**
 * Wiring for GET /volumes/{id}/nextflow-config: the volume table's ports (`volume-store.ts`: no STS or S3 client)
 * and where the proxy's fronts are. It reads a volume and writes the config; it forwards nothing.
 */
import { loadProxyConfig } from './proxy-config';
import { type VolumeHandlerDeps, volumeStoreDefaults } from './volume-store';

export interface NextflowConfigDeps extends VolumeHandlerDeps {
  /** PROXY_PUBLIC_URL, when the deployment sets it. */
  proxyPublicUrl?: string;
  /** NODE_PROXY_PUBLIC_URL, when the deployment sets it. */
  nodeProxyPublicUrl?: string;
}

/** The Nextflow-config route's deps: the volume table's wiring and where the proxy is. */
export function nextflowConfigDefaults(): NextflowConfigDeps {
  const { publicUrl, nodePublicUrl } = loadProxyConfig();
  return {
    ...volumeStoreDefaults(),
    ...(publicUrl ? { proxyPublicUrl: publicUrl } : {}),
    ...(nodePublicUrl ? { nodeProxyPublicUrl: nodePublicUrl } : {}),
  };
}
