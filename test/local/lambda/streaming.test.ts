import { afterEach, describe, expect, it } from 'vitest';
import { installAwsLambdaGlobal, isStreamingHandler } from '../../../local/lambda/streaming';

const global = globalThis as { awslambda?: Record<string, unknown> };
afterEach(() => {
  delete global.awslambda;
});

describe('the local awslambda global', () => {
  it('adds the runtime members to an object the AWS SDK already put there, keeping its own', () => {
    const sdkOwn = { InvokeStore: 'the SDK’s' };
    global.awslambda = sdkOwn;
    installAwsLambdaGlobal();
    expect(global.awslambda).toBe(sdkOwn);
    expect(global.awslambda.InvokeStore).toBe('the SDK’s');
    const handler = (global.awslambda.streamifyResponse as (h: unknown) => unknown)(async () => undefined);
    expect(isStreamingHandler(handler)).toBe(true);
  });

  it('creates the global when there is none', () => {
    installAwsLambdaGlobal();
    expect(typeof global.awslambda?.streamifyResponse).toBe('function');
  });
});
