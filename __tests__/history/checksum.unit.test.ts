import { describe, expect, test } from '@jest/globals'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { firstChangedLine } from '../../src/history/check.js'
import { migrationChecksum, scriptMatchesChecksum } from '../../src/history/checksum.js'
import { REPO_ROOT } from '../helpers/project.js'

describe('migration checksums', () => {
  test('are the SHA-256 Prisma records in _prisma_migrations (values read after `prisma migrate deploy`)', () => {
    // Recorded by applying the sample project with prisma 6.19.3 and reading _prisma_migrations.checksum.
    const recorded = {
      '20250301090000_init': 'cfa03eab8fe0d3a6d8197a47c006bdd1f7eff0177448f9f4a09d44b46b6f944c',
      '20250612143000_add_auth_and_user_features':
        '601363132fcec159295cf6075346fca49ea6c5481b624d2e38fd7370fcc16056'
    }
    for (const [name, checksum] of Object.entries(recorded)) {
      const sql = readFileSync(path.join(REPO_ROOT, 'prisma', 'migrations', name, 'migration.sql'))
      expect(migrationChecksum(sql)).toBe(checksum)
      expect(scriptMatchesChecksum(sql.toString('utf8'), checksum)).toBe(true)
    }
  })

  test('tolerate line endings both ways, like Prisma, but nothing else', () => {
    const lf = 'CREATE TABLE "a" ("id" INT);\nSELECT 1;\n'
    const crlf = lf.replaceAll('\n', '\r\n')
    expect(scriptMatchesChecksum(crlf, migrationChecksum(lf))).toBe(true)
    expect(scriptMatchesChecksum(lf, migrationChecksum(crlf))).toBe(true)
    expect(scriptMatchesChecksum(lf + ' ', migrationChecksum(lf))).toBe(false)
  })

  test('first changed line', () => {
    expect(firstChangedLine('a\nb\nc\n', 'a\nB\nc\n')).toBe(2)
    expect(firstChangedLine('a\nb\n', 'a\nb\nc\n')).toBe(3)
    expect(firstChangedLine('a\nb\nc', 'a\nb')).toBe(2)
    expect(firstChangedLine('a\r\nb\r\n', 'a\nX\n')).toBe(2)
  })
})
