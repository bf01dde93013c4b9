import type { SliceLook } from './backup-format';

/**
 * A slice's state as a shape, so it reads without colour too: hollow circle captured, half-filled circle
 * shipped, diamond verified, filled circle with a tick applied, square with a cross failed, dashed circle
 * blocked behind a gap.
 */
export function SliceIcon({ look, size = 22 }: { look: SliceLook; size?: number }) {
  const c = 12;
  return (
    <svg className={`slice-icon look-${look}`} width={size} height={size} viewBox="0 0 24 24" aria-hidden="true">
      {look === 'captured' && <circle cx={c} cy={c} r={9} className="hollow" />}
      {look === 'shipped' && (
        <>
          <circle cx={c} cy={c} r={9} className="hollow" />
          <path d="M12 3 a9 9 0 0 1 0 18 z" className="solid" />
        </>
      )}
      {look === 'verified' && <path d="M12 2.5 L21.5 12 L12 21.5 L2.5 12 Z" className="solid" />}
      {look === 'applied' && (
        <>
          <circle cx={c} cy={c} r={10} className="solid" />
          <path d="M7 12.5 l3.2 3.2 L17 8.8" className="mark" />
        </>
      )}
      {look === 'failed' && (
        <>
          <rect x={3} y={3} width={18} height={18} rx={2.5} className="solid" />
          <path d="M8 8 L16 16 M16 8 L8 16" className="mark" />
        </>
      )}
      {look === 'blocked' && <circle cx={c} cy={c} r={9} className="hollow dashed" />}
    </svg>
  );
}
