/**
 * Files a run leaves for the user: the machine-readable result and, when
 * there is drift, the fix migration in a folder named the way Prisma names
 * migrations, ready to copy into prisma/migrations/.
 */
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { toJson, type JsonContext } from './json.js'
import type { CheckResult } from '../model/result.js'

/** `20250612143000`: Prisma's migration timestamp format (UTC). */
export function migrationTimestamp(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, '').slice(0, 14)
}

export interface Artifacts {
  reportJsonPath: string
  fixSqlPath?: string
}

/**
 * Writes `report.json` and `<timestamp>_fix_drift/migration.sql` under
 * `dir`; returns the result with `fixSqlPath` set. `clean` redacts secrets.
 */
export async function writeReportFiles(
  result: CheckResult,
  dir: string,
  clean: (text: string) => string,
  now = new Date(),
  context: JsonContext = {}
): Promise<CheckResult> {
  await mkdir(dir, { recursive: true })
  await removeEarlierFixFolders(dir)
  let fixSqlPath: string | undefined
  if (result.fixSql) {
    const folder = path.join(dir, `${migrationTimestamp(now)}_fix_drift`)
    await mkdir(folder, { recursive: true })
    fixSqlPath = path.join(folder, 'migration.sql')
    await writeFile(fixSqlPath, clean(result.fixSql))
  }
  const withPath: CheckResult = { ...result, fixSqlPath }
  const reportJsonPath = path.join(dir, 'report.json')
  await writeFile(reportJsonPath, clean(JSON.stringify(toJson(withPath, context), null, 2)) + '\n')
  return { ...withPath, reportJsonPath }
}

/**
 * A run leaves only its own files: the fix folders of earlier runs go (those
 * holding nothing but the migration.sql a run writes; anything else a person
 * put there stays).
 */
async function removeEarlierFixFolders(dir: string): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (!entry.isDirectory() || !/^\d{14}_fix_drift$/.test(entry.name)) continue
    const folder = path.join(dir, entry.name)
    const files = await readdir(folder)
    if (files.every((f) => f === 'migration.sql')) await rm(folder, { recursive: true, force: true })
  }
}
