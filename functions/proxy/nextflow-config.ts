/** GET /volumes/{id}/nextflow-config: the `aws { … }` block that points Nextflow at the S3 proxy for a volume. */
import { callerOf } from '../../shared/http/caller';
import { route } from '../../shared/http/route';
import { ok } from '../../shared/http/types';
import { nextflowConfig } from '../../shared/proxy/nextflow-config';
import { onFirstCall } from '../../shared/wiring/lazy';
import { type NextflowConfigDeps, nextflowConfigDefaults } from '../../shared/wiring/nextflow-config';
import { nextflowConfigSpecs } from './specs';

export const makeHandler = (deps: NextflowConfigDeps) =>
  route(nextflowConfigSpecs.handler, async (r) =>
    ok(
      await nextflowConfig(deps.volumes.repo, callerOf(r), r.pathParameters.id!, {
        publicUrl: deps.proxyPublicUrl,
        nodeUrl: deps.nodeProxyPublicUrl,
      }),
    ),
  )(deps);

export const handler = onFirstCall(() => makeHandler(nextflowConfigDefaults()));
