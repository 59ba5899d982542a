/** The files a run leaves in report-dir: its report.json and its own fix folder, nothing of earlier runs. */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { writeReportFiles } from '../../src/report/artifacts.js'
import { designDocResult, passingResult } from './fixtures.js'

const dirs: string[] = []
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })))

const same = (text: string): string => text

test('each run leaves only its own files; what a person put there stays', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'msc-artifacts-'))
  dirs.push(dir)
  const failing = { ...designDocResult(), fixSql: 'SELECT 1;\n' }
  await writeReportFiles(failing, dir, same, new Date('2026-01-01T10:00:00Z'))
  await writeReportFiles(failing, dir, same, new Date('2026-01-02T10:00:00Z'))
  expect(readdirSync(dir).sort()).toEqual(['20260102100000_fix_drift', 'report.json'])

  writeFileSync(path.join(dir, 'notes.md'), 'mine\n')
  mkdirSync(path.join(dir, '20250101000000_fix_drift'))
  writeFileSync(path.join(dir, '20250101000000_fix_drift', 'README.md'), 'kept by hand\n')
  const passed = await writeReportFiles(passingResult(), dir, same, new Date('2026-01-03T10:00:00Z'))
  expect(passed.fixSqlPath).toBeUndefined()
  expect(readdirSync(dir).sort()).toEqual(['20250101000000_fix_drift', 'notes.md', 'report.json'])
})
