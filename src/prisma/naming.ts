/**
 * Prisma's naming rules: the database names Prisma gives the constraints and
 * indexes a schema does not name with `map:`.
 */

/** Prisma's default constraint names: `<table>_<cols>_<suffix>`, `<table>_pkey`. */
export function defaultConstraintName(
  table: string,
  columns: string[],
  suffix: 'key' | 'idx' | 'fkey' | 'pkey'
): string {
  const name = suffix === 'pkey' ? `${table}_pkey` : `${table}_${columns.join('_')}_${suffix}`
  // PostgreSQL truncates identifiers to 63 bytes; Prisma's names follow.
  return name.length > 63 ? name.slice(0, 63) : name
}
