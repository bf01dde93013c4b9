import type { FormEventHandler, ReactNode } from 'react';

interface Props {
  title: ReactNode;
  /** What stands right of the title: a hint, a button, a pill. */
  aside?: ReactNode;
  /** A form card submits; the rest are sections. */
  as?: 'section' | 'form';
  onSubmit?: FormEventHandler<HTMLElement>;
  /** Classes beside `card`. */
  className?: string;
  label?: string;
  testId?: string;
  children?: ReactNode;
  /** data-* attributes the tests and styles read (state, outcome). */
  [data: `data-${string}`]: string | undefined;
}

/** A page's card: the titled header row and the card's content below. */
export function Card({ title, aside, as: Tag = 'section', onSubmit, className, label, testId, children, ...data }: Props) {
  return (
    <Tag className={className ? `card ${className}` : 'card'} aria-label={label} data-testid={testId} onSubmit={onSubmit} {...data}>
      <header className="card-header">
        <h2>{title}</h2>
        {aside}
      </header>
      {children}
    </Tag>
  );
}
