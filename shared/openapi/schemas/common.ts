/** Response building blocks shared by several routes. */
import * as z from 'zod/mini';

/** One page of a listing; `nextToken` is opaque and absent on the last page. */
export const page = <Item extends z.ZodMiniType>(item: Item, what: string) =>
  z
    .object({
      items: z.array(item).check(z.describe(what)),
      nextToken: z.optional(z.string()).check(z.describe('Pass it as `?nextToken=` for the next page; absent on the last page.')),
    })
    .check(z.describe(`One page of ${what}.`));

export const isoDate = (what: string) => z.string().check(z.describe(`${what} (ISO 8601).`));

export const volumeIdParam = z.string().check(z.describe("The volume's id (`vol-…`)."));
