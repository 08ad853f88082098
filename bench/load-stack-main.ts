/**
 * The load stack's process: `local/start.ts` as `npm start` runs it, then the environment the stack completed
 * for its functions (`local/stack.ts`: endpoints, table names, the container-credentials URL, the access-key
 * master key) written to `stack-env.json` in its data directory (mode 0600, removed with it), so that a Node
 * front started in a process of its own (`proxy-front.ts`) reads the same environment, as a container would.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const before = { ...process.env };
await import('../local/start');
const changed = Object.fromEntries(Object.entries(process.env).filter(([name, value]) => before[name] !== value));
const removed = Object.keys(before).filter((name) => !(name in process.env));
writeFileSync(join(process.env.LOCAL_DATA_DIR!, 'stack-env.json'), JSON.stringify({ changed, removed }), { mode: 0o600 });
