import type { DeskError } from '../../shared/errors';

/** A refused call, with the engine's reason code and its sentence, exactly as given. */
export function Refusal({ error, testId = 'refusal' }: { error: DeskError | null; testId?: string }) {
  if (!error) return null;
  return (
    <div className="banner banner-red refusal" role="alert" data-testid={testId} data-code={error.code}>
      <code>{error.code}</code> {error.message}
    </div>
  );
}
