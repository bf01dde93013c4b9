/** A minimal typed event emitter; a listener that throws is isolated from the others and from the emitter. */
export class TypedEmitter<Events extends object> {
  private readonly listeners = new Map<keyof Events, Set<(payload: never) => void>>();
  private readonly any = new Set<(event: keyof Events, payload: unknown) => void>();

  on<E extends keyof Events>(event: E, listener: (payload: Events[E]) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as (payload: never) => void);
    return () => void set.delete(listener as (payload: never) => void);
  }

  /** Every event, e.g. to forward them all over a transport. */
  onAny(listener: (event: keyof Events, payload: unknown) => void): () => void {
    this.any.add(listener);
    return () => void this.any.delete(listener);
  }

  emit<E extends keyof Events>(event: E, payload: Events[E]): void {
    for (const l of [...(this.listeners.get(event) ?? [])]) safely(() => (l as (p: Events[E]) => void)(payload));
    for (const l of [...this.any]) safely(() => l(event, payload));
  }
}

function safely(fn: () => void): void {
  try {
    fn();
  } catch (err) {
    process.emitWarning(`DR Desk event listener failed: ${(err as Error).message}`);
  }
}
