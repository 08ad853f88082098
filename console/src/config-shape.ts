/** What `/config.json` holds (no DOM types: the local server and the deploy script write it too). */
export interface ConsoleConfig {
  /** The HTTP API, no trailing slash. */
  apiUrl: string;
  oidc: { issuer: string; clientId: string; scope: string };
  /** The proxy's fronts, for the snippets the access-keys page writes (S3 endpoint for Nextflow, rclone, aws cli). */
  proxyUrl?: string;
  nodeProxyUrl?: string;
}
