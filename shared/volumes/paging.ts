/** Page requests as the domain takes them: the schema's defaults and bounds, applied again for direct callers. */
import { ValidationFailed } from '../errors';
import type { PageRequest } from './ports';

export const DEFAULT_PAGE_SIZE = 25;
export const MAX_PAGE_SIZE = 100;
const MAX_TOKEN_LENGTH = 4096;

export function pageRequest(page: { limit?: number; nextToken?: string } = {}): PageRequest {
  const limit = page.limit ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw new ValidationFailed(`limit: must be a whole number from 1 to ${MAX_PAGE_SIZE} (got ${limit}).`, 'limit');
  }
  if (page.nextToken === undefined) return { limit };
  if (page.nextToken === '' || page.nextToken.length > MAX_TOKEN_LENGTH) {
    throw new ValidationFailed(`nextToken: must be the nextToken of the previous page, 1 to ${MAX_TOKEN_LENGTH} characters.`, 'nextToken');
  }
  return { limit, nextToken: page.nextToken };
}
