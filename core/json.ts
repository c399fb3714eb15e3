/** A JSON object: not null, not an array. The one test the whole project uses for "is this an object?". */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
