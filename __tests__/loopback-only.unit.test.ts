// Tests and benchmarks may only send traffic to the loopback range: this
// fails when one of their files names an address or a database host outside it.
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { farAddresses, isLoopback } from './helpers/addresses.js'
import { REPO_ROOT } from './helpers/project.js'

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sources(full)
    return /\.(ts|mts|cts|js|mjs|cjs|json|sql|prisma|sh)$/.test(entry.name) ? [full] : []
  })
}

test('no test, fixture or benchmark file names an address outside 127.0.0.0/8 and ::1', () => {
  const files = [...sources(path.join(REPO_ROOT, '__tests__')), ...sources(path.join(REPO_ROOT, 'bench'))]
  expect(files.length).toBeGreaterThan(50)
  const far = files.flatMap((file) =>
    farAddresses(readFileSync(file, 'utf8')).map(
      (a) => `${path.relative(REPO_ROOT, file)}:${a.line} ${a.address}`
    )
  )
  expect(far).toEqual([])
})

// The literals below are assembled at run time so that this file passes its own check.
const dotted = (...parts: number[]) => parts.join('.')

test.each([
  [`const url = 'postgresql://u:p@${dotted(10, 255, 255, 1)}:5432/app'`, [dotted(10, 255, 255, 1)]],
  [`connect('${dotted(192, 168, 0, 10)}')`, [dotted(192, 168, 0, 10)]],
  [`fetch('http://${dotted(8, 8, 8, 8)}/')`, [dotted(8, 8, 8, 8)]],
  [`host: '${['fe80', '', '1'].join(':')}'`, [['fe80', '', '1'].join(':')]],
  [`'postgresql://u:p@${['db', 'example', 'com'].join('.')}:5432/x'`, [['db', 'example', 'com'].join('.')]],
  [`'postgresql://u:p@127.0.0.1:5432/x' and '[::1]' and localhost`, []],
  [`'postgresql://u:p@db..invalid:5432/x'`, []],
  [`version 1.2.3 and 12:30:45 and prisma@6.19.3`, []],
  ['server.listen(0, "0.0.0.0")', []]
])('the check finds far addresses in %s', (source, expected) => {
  expect(farAddresses(source).map((a) => a.address)).toEqual(expected)
})

test('loopback is 127.0.0.0/8, ::1 and localhost only', () => {
  expect(['127.0.0.1', '127.255.0.9', '::1', 'localhost', '[::1]'].every(isLoopback)).toBe(true)
  expect([dotted(128, 0, 0, 1), ['', '', '2'].join(':'), 'db', dotted(10, 0, 0, 1)].some(isLoopback)).toBe(
    false
  )
})
