/**
 * Migration checksums as Prisma computes them: SHA-256 of migration.sql,
 * rendered as 64 hex digits, stored in `_prisma_migrations.checksum`
 * (verified by running `migrate deploy` and comparing with `sha256sum`).
 *
 * When Prisma compares a script with a stored checksum it also accepts the
 * script with CRLF turned into LF and with LF turned into CRLF, because git
 * may rewrite line endings on checkout (schema-engine `checksum.rs`,
 * `script_matches_checksum`). A change of line endings alone is therefore not
 * an edit, and this module follows the same rule.
 */
import { createHash } from 'node:crypto'

/** SHA-256 of the script, hex: the checksum Prisma records for a migration. */
export function migrationChecksum(script: string | Buffer): string {
  return createHash('sha256').update(script).digest('hex')
}

/** Whether `script` matches `checksum` the way Prisma decides it (line endings tolerated). */
export function scriptMatchesChecksum(script: string, checksum: string): boolean {
  const want = checksum.toLowerCase()
  if (migrationChecksum(script) === want) return true
  if (script.includes('\r\n') && migrationChecksum(script.replaceAll('\r\n', '\n')) === want) return true
  return migrationChecksum(script.replaceAll('\n', '\r\n')) === want
}
