import type { InputHTMLAttributes, ReactNode, SelectHTMLAttributes } from 'react';

/** A form row: the label's text above its control, one clickable label. */
export function Field({ label, className = 'field-label', children }: { label: ReactNode; className?: string; children: ReactNode }) {
  return (
    <label className={className || undefined}>
      {label}
      {children}
    </label>
  );
}

export interface Option {
  value: string;
  label: ReactNode;
}

/** A select over a list of options, each keyed by its value. */
export function Select({ options, ...rest }: { options: readonly Option[] } & SelectHTMLAttributes<HTMLSelectElement>) {
  return (
    <select {...rest}>
      {options.map((o) => (
        <option key={o.value} value={o.value}>
          {o.label}
        </option>
      ))}
    </select>
  );
}

/** A free text input that offers known values first (a datalist); anything else can still be typed. */
export function SuggestInput({ listId, suggestions, ...rest }: { listId: string; suggestions: readonly string[] } & InputHTMLAttributes<HTMLInputElement>) {
  return (
    <>
      <input list={listId} {...rest} />
      <datalist id={listId}>
        {suggestions.map((s) => (
          <option key={s} value={s} />
        ))}
      </datalist>
    </>
  );
}
