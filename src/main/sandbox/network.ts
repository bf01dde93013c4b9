/**
 * The simulated network between members of the sandbox (all of them live in one process). A partition
 * blocks heartbeats, votes and replication between two members; client TCP connections are not affected,
 * as in a real partition between servers where the application can still reach both sides.
 */
export class Network {
  private readonly blocked = new Set<string>();

  private static key(a: string, b: string): string {
    return a < b ? `${a}|${b}` : `${b}|${a}`;
  }

  block(a: string, b: string): void {
    if (a !== b) this.blocked.add(Network.key(a, b));
  }

  /** Removes every block that involves one of these members. */
  healMembers(names: Iterable<string>): number {
    const set = new Set(names);
    let n = 0;
    for (const k of [...this.blocked]) {
      const [a, b] = k.split('|');
      if (set.has(a) || set.has(b)) {
        this.blocked.delete(k);
        n++;
      }
    }
    return n;
  }

  healAll(): void {
    this.blocked.clear();
  }

  connected(a: string, b: string): boolean {
    return a === b || !this.blocked.has(Network.key(a, b));
  }

  partitions(): Array<[string, string]> {
    return [...this.blocked].map((k) => k.split('|') as [string, string]);
  }
}
