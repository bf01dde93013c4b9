import type { PersonRef } from '../../../shared/api/approvals';
import { personName, shortFingerprint } from './labels';

/** A key fingerprint: short in the line, whole on hover and for screen readers. */
export function Fingerprint({ value, full = false }: { value: string; full?: boolean }) {
  return (
    <code className="fp" title={value} aria-label={`key ${value}`}>
      {full ? value : shortFingerprint(value)}
    </code>
  );
}

/** "Alice [IT] SHA256:…": a person as the roster knows them, always with their key. */
export function Person({ person }: { person: PersonRef }) {
  return (
    <span className={person.name ? 'person' : 'person unknown-person'}>
      <strong>{personName(person)}</strong>
      {person.group && <span className="group-tag">{person.group}</span>} <Fingerprint value={person.fingerprint} />
    </span>
  );
}
