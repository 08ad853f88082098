/** An answer larger than the front can return is refused before it starts, saying where it can be read instead. */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { FUNCTION_URL_LIMITS } from '../../../shared/proxy/function-url';
import { bodyText, type ProxyWorld, proxyWorld } from './world';

let w: ProxyWorld;
beforeEach(async () => {
  w = await proxyWorld();
});
afterEach(() => w.cleanup());

it(
  'refuses a GetObject over the function URL’s limit with 400 naming the Node front and ranged GETs, not clients that need a ' +
    'HeadObject size there',
  async () => {
    await w.send({ method: 'PUT', path: '/shared-genomes/big.bin', body: 'x'.repeat(2048) });
    const response = await w.proxy(await w.sign({ path: '/shared-genomes/big.bin' }), { ...FUNCTION_URL_LIMITS, maxResponseBytes: 1024 });
    expect(response.status).toBe(400);
    const message = /<Message>([^<]*)<\/Message>/.exec(await bodyText(response))?.[1] ?? '';
    expect(message).toMatch(/2048 bytes, more than the 1024 that the Lambda function URL can return/);
    expect(message).toMatch(/Node endpoint/);
    expect(message).toMatch(/ranged GETs? of at most 1024 bytes/);
    // Through a function URL these fail before any GET (no Content-Length on HeadObject: README, "Which endpoint").
    expect(message).not.toMatch(/aws s3 cp|download_file|rclone do so/);
  },
);

it('serves a ranged GetObject inside the limit of a larger object', async () => {
  await w.send({ method: 'PUT', path: '/shared-genomes/big.bin', body: 'y'.repeat(2048) });
  const response = await w.proxy(await w.sign({ path: '/shared-genomes/big.bin', headers: { range: 'bytes=0-999' } }), {
    ...FUNCTION_URL_LIMITS,
    maxResponseBytes: 1024,
  });
  expect(response.status).toBe(206);
  expect(await bodyText(response)).toBe('y'.repeat(1000));
});
