import type { DeskError } from '../../../shared/errors';

/** An engine refusal exactly as given: its code and the sentence that says what to do. */
export function ErrorLine({ error, testId = 'action-error' }: { error: DeskError | null; testId?: string }) {
  if (!error) return null;
  return (
    <div className="banner banner-red error-line" role="alert" data-testid={testId} data-code={error.code}>
      <code>{error.code}</code> {error.message}
    </div>
  );
}
