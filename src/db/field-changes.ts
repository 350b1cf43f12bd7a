/** One field's old and new value, as history rows and events record them. */
export interface FieldChange {
  field: string;
  from: unknown;
  to: unknown;
}

/**
 * The changes between two snapshots of the same fields, in a stable order. Objects and arrays
 * compare by content, so re-sending the same tags is no change.
 */
export function diff(before: Record<string, unknown>, after: Record<string, unknown>): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const field of Object.keys(after)) {
    const from = before[field] ?? null;
    const to = after[field] ?? null;
    if (JSON.stringify(from) !== JSON.stringify(to)) changes.push({ field, from, to });
  }
  return changes;
}
