/**
 * Paging of the API's listings (`limit` + the opaque `nextToken`): the tokens of the pages seen so far are kept, so
 * "Previous" goes back without the API having to page backwards. `usePages` gives the token of the page to load.
 */
import { useState } from 'preact/hooks';

export interface Pages {
  /** The `nextToken` to send for the page shown (undefined for the first). */
  token: string | undefined;
  /** 1 for the first page. */
  number: number;
  next: (token: string) => void;
  previous: () => void;
  first: () => void;
}

export function usePages(): Pages {
  const [tokens, setTokens] = useState<Array<string | undefined>>([undefined]);
  return {
    token: tokens[tokens.length - 1],
    number: tokens.length,
    next: (token) => setTokens((seen) => [...seen, token]),
    previous: () => setTokens((seen) => (seen.length > 1 ? seen.slice(0, -1) : seen)),
    first: () => setTokens([undefined]),
  };
}

/** "Previous" and "Next" under a table; `nextToken` is the shown page's (absent on the last page). */
export function Pager({ pages, nextToken, label }: { pages: Pages; nextToken: string | undefined; label: string }) {
  if (pages.number === 1 && !nextToken) return null;
  return (
    <nav class="pager actions" aria-label={`Pages of ${label}`}>
      <button type="button" class="secondary" disabled={pages.number === 1} onClick={pages.previous}>
        Previous page
      </button>
      <span>Page {pages.number}</span>
      <button type="button" class="secondary" disabled={!nextToken} onClick={() => nextToken && pages.next(nextToken)}>
        Next page
      </button>
    </nav>
  );
}
