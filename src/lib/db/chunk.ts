/**
 * The most ids one statement binds. SQLite refuses more than 32,766 bound variables per statement ("too many SQL
 * variables") and PostgreSQL 65,535; 500 keeps every `IN (…)` list far below both and the statements cacheable.
 */
export const ID_CHUNK = 500;

/** Splits a list into consecutive pieces of at most `size` items (every id list bound into SQL goes through this). */
export function chunk<T>(items: readonly T[], size: number = ID_CHUNK): T[][] {
  if (!Number.isInteger(size) || size < 1) throw new RangeError('chunk size must be a positive integer');
  const pieces: T[][] = [];
  for (let i = 0; i < items.length; i += size) pieces.push(items.slice(i, i + size));
  return pieces;
}
