/** Response building blocks shared by several routes. */
import * as z from 'zod';

/** One page of a listing; `nextToken` is opaque and absent on the last page. */
export const page = <Item extends z.ZodType>(item: Item, what: string) =>
  z
    .object({
      items: z.array(item).describe(what),
      nextToken: z.string().optional().describe('Pass it as `?nextToken=` for the next page; absent on the last page.'),
    })
    .describe(`One page of ${what}.`);

export const isoDate = (what: string) => z.string().describe(`${what} (ISO 8601).`);

export const volumeIdParam = z.string().describe("The volume's id (`vol-…`).");
