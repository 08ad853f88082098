/**
 * Whether a string can be an HTTP header value, the rule S3 applies to the `response-*` overrides of a GET before
 * it puts them in its answer: ISO-8859-1 text without control characters (tab aside), which is also what Node's
 * `writeHead` takes (it throws on anything else, which was a 500). S3 words the non-Latin-1 case as 400
 * InvalidArgument, "Header value cannot be represented using ISO-8859-1." with ArgumentName and ArgumentValue
 * (github.com/guardian/grid/pull/1716, CartoDB/cartodb#10701).
 */

export interface HeaderValueProblem {
  message: string;
  /** Whether the value may be echoed back in `<ArgumentValue>`: not when it holds control characters. */
  echo: boolean;
}

const CONTROL = /[\x00-\x08\x0a-\x1f\x7f]/;
const BEYOND_LATIN1 = /[^\x00-\xff]/;

/** What is wrong with `value` as a header value, or undefined when nothing is. */
export function headerValueProblem(value: string): HeaderValueProblem | undefined {
  if (CONTROL.test(value)) return { message: 'Header value cannot contain control characters (CR, LF, NUL…).', echo: false };
  if (BEYOND_LATIN1.test(value)) return { message: 'Header value cannot be represented using ISO-8859-1.', echo: true };
  return undefined;
}
