/**
 * The last line of a long-running process (the Node front's container, `npm start`), not the fix for anything: every
 * server ends a failed or abandoned request itself. Should an error still escape one request (an unhandled
 * rejection, an uncaught exception), it is logged by its name and message only (no stack, no values that could
 * hold a secret) and the process carries on serving the others.
 */
import type { Logger } from '../../shared/log';

const described = (error: unknown) =>
  error instanceof Error
    ? { errorName: error.name, errorMessage: error.message }
    : { errorName: typeof error, errorMessage: 'a value that is not an Error was thrown' };

export function keepServing(log: Logger): void {
  process.on('unhandledRejection', (reason) => log.error('unhandled rejection (the process carries on)', described(reason)));
  process.on('uncaughtException', (error) => log.error('uncaught exception (the process carries on)', described(error)));
}
