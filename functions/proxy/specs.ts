/**
 * The HTTP API route of this directory, as declared once: `nextflow-config.ts`'s `handler`. (The S3 proxy in
 * `handler.ts` sits behind a function URL, not the HTTP API, and speaks S3, so it has no operation here.)
 */
import * as z from 'zod/mini';
import { defineRoutes } from '../../shared/openapi/route-doc';
import { volumeIdParam } from '../../shared/openapi/schemas/common';
import { errors } from '../../shared/openapi/schemas/errors';
import { nextflowConfig } from '../../shared/openapi/schemas/misc';

export const nextflowConfigSpecs = defineRoutes({
  handler: {
    summary: 'Nextflow config for a volume',
    description:
      'A ready `aws { … }` block pointing Nextflow at the S3 proxy for the volume: at its Node front when the deployment names one ' +
      '(`NODE_PROXY_PUBLIC_URL`). A Lambda function URL is never named: AWS renames the Content-Length of its streamed answers, ' +
      'so HeadObject carries no object size there (Nextflow sizes and copies files from it), and Lambda refuses requests over ' +
      'about 4.5 MiB. Otherwise at `PROXY_PUBLIC_URL` when that is not a function URL, else a placeholder; a note says to use ' +
      'the Node front or `credential_process` straight to S3.',
    auth: 'jwt',
    params: z.object({ id: volumeIdParam }),
    responses: { 200: { description: 'The config block and notes.', schema: nextflowConfig }, ...errors(401, 404) },
    tags: ['data'],
  },
});
