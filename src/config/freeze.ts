/**
 * Deep freeze of the loaded configuration. Functions (a JS config's `orders.criteria`) are kept
 * as they are: freezing a user's function would break one that memoises on itself.
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  for (const child of Object.values(value as Record<string, unknown>)) deepFreeze(child);
  return Object.freeze(value);
}
