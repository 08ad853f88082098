/** An error as a person reads it: the API's `message` (never a stack), announced to screen readers. */
import { ApiError } from '../api';

export function describe(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error && error.message) return error.message;
  return 'Something went wrong; try again.';
}

export function ErrorMessage({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  return (
    <div class="error" role="alert">
      {title ? <strong>{title}: </strong> : null}
      {describe(error)}
    </div>
  );
}
