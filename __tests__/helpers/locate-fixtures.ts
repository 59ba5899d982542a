import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

/** Absolute path of `__tests__/fixtures/locate/`. */
export const fixtureDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'locate')

/** A fixture's text. */
export function fixture(name: string): string {
  return readFileSync(path.join(fixtureDir, name), 'utf8')
}
