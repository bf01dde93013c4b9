/** The collection that holds a time-series collection's data (copied and restored as buckets, as mongodump does). */
export function bucketsOf(name: string): string {
  return `system.buckets.${name}`;
}
