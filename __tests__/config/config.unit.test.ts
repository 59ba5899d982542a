import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { ConfigError, parseConfig, parseDuration, splitArgs, type RawInputs } from '../../src/config.js'

const root = mkdtempSync(path.join(os.tmpdir(), 'msc-config-'))
mkdirSync(path.join(root, 'app', 'prisma'), { recursive: true })
writeFileSync(path.join(root, 'app', 'prisma', 'schema.prisma'), '')
writeFileSync(path.join(root, 'file.txt'), '')
afterAll(() => rmSync(root, { recursive: true, force: true }))

const URL_OK = 'postgresql://postgres:s3cr3t-pw@localhost:5432/postgres'

function parse(raw: RawInputs, env: NodeJS.ProcessEnv = {}) {
  return parseConfig({ 'database-url': URL_OK, ...raw }, { cwd: root, repoRoot: root, env })
}

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn()
  } catch (error) {
    if (error instanceof ConfigError) return error
    throw error
  }
  throw new Error('expected a ConfigError')
}

describe('upgrade-rows and migration-safety', () => {
  test('defaults: auto rows, warn', () => {
    expect(parse({})).toMatchObject({ upgradeRows: 'auto', migrationSafety: 'warn' })
    expect(parse({ 'upgrade-rows': 'AUTO' }).upgradeRows).toBe('auto')
  })
  test('values', () => {
    expect(parse({ 'upgrade-rows': '5,000', 'migration-safety': 'FAIL' })).toMatchObject({
      upgradeRows: 5000,
      migrationSafety: 'fail'
    })
    expect(parse({ 'upgrade-rows': '0', 'migration-safety': 'off' })).toMatchObject({
      upgradeRows: 0,
      migrationSafety: 'off'
    })
  })
  test('bad values name the input and the fix', () => {
    expect(errorOf(() => parse({ 'upgrade-rows': 'many' })).message).toMatch(
      /^Input 'upgrade-rows': 'many' is not a number of rows\. Give a whole number from 0 to 1,000,000/
    )
    expect(errorOf(() => parse({ 'upgrade-rows': '2000000' })).input).toBe('upgrade-rows')
    expect(errorOf(() => parse({ 'migration-safety': 'strict' })).message).toMatch(
      /^Input 'migration-safety': 'strict' is not one of warn, fail, off/
    )
  })
})

describe('parseConfig', () => {
  test('defaults', () => {
    const config = parse({})
    // No `database-url-env`: the variables the project's datasource reads are found at run time.
    expect(config.databaseUrlEnv).toBeUndefined()
    expect(config).toMatchObject({
      workingDirectory: root,
      generate: true,
      failOn: ['migrate', 'seed', 'drift'],
      comment: true,
      stepTimeoutMs: 600_000,
      connectTimeoutMs: 60_000,
      allowNonEmptyDatabase: false,
      seed: { kind: 'configured' }
    })
    expect(config.reportDir).toBe(path.join(root, 'migrate-seed-check-report'))
  })

  test('database URL from DATABASE_URL when the input is empty', () => {
    const config = parseConfig({ 'database-url': '' }, { cwd: root, env: { DATABASE_URL: URL_OK } })
    expect(config.databaseUrl).toBe(URL_OK)
  })

  test.each([
    [{ 'database-url': '' }, 'database-url', /no database URL/],
    [{ 'database-url': 'not a url' }, 'database-url', /not a valid URL/],
    [{ 'database-url': 'mysql://u:p@h/db' }, 'database-url', /scheme is 'mysql'/],
    [{ 'working-directory': 'missing' }, 'working-directory', /does not exist/],
    [{ 'working-directory': 'file.txt' }, 'working-directory', /is a file/],
    [{ 'working-directory': '../..' }, 'working-directory', /outside the repository/],
    [{ 'working-directory': 'app', schema: 'prisma/nope.prisma' }, 'schema', /does not exist/],
    [{ 'fail-on': 'migrate,drfit' }, 'fail-on', /unknown value 'drfit'/],
    [{ generate: 'maybe' }, 'generate', /not a boolean/],
    [{ 'step-timeout': 'ten minutes' }, 'step-timeout', /not a duration/],
    [{ 'connect-timeout': '0s' }, 'connect-timeout', /longer than zero/],
    [{ 'pr-number': '-3' }, 'pr-number', /not a pull-request number/],
    [{ 'database-url-env': 'DATABASE URL;rm' }, 'database-url-env', /not an environment variable name/],
    [{ 'seed-command': 'npm run seed && rm -rf /' }, 'seed-command', /would need a shell/],
    [{ 'seed-command': 'echo $(whoami)' }, 'seed-command', /would need a shell/],
    [{ 'seed-command': 'node "unterminated' }, 'seed-command', /unterminated/],
    [{ 'base-ref': '--upload-pack=evil' }, 'base-ref', /not a git revision/],
    [{ 'upgrade-test': 'sometimes' }, 'upgrade-test', /not a boolean/]
  ] as [RawInputs, string, RegExp][])('%j fails naming %s', (raw, input, message) => {
    const error = errorOf(() => parse(raw))
    expect(error.input).toBe(input)
    expect(error.message).toMatch(message)
    expect(error.message).toContain(`Input '${input}'`)
  })

  test('no error message repeats the database password', () => {
    for (const url of [
      'postgresql://u:s3cr3t-pw@',
      'mysql://u:s3cr3t-pw@h/db',
      'postgresql://u:s3cr3t-pw@:5432/db'
    ]) {
      expect(errorOf(() => parse({ 'database-url': url })).message).not.toContain('s3cr3t-pw')
    }
  })

  test('lists, booleans, durations', () => {
    const config = parse({
      'database-url-env': 'DATABASE_URL, DIRECT_URL\nSHADOW',
      'fail-on': 'drift, warning',
      generate: 'false',
      'allow-non-empty-database': 'TRUE',
      'step-timeout': '90s',
      'connect-timeout': '1500ms',
      'working-directory': 'app',
      schema: 'prisma/schema.prisma'
    })
    expect(config.databaseUrlEnv).toEqual(['DATABASE_URL', 'DIRECT_URL', 'SHADOW'])
    expect(config.failOn).toEqual(['drift', 'warning'])
    expect(config.generate).toBe(false)
    expect(config.allowNonEmptyDatabase).toBe(true)
    expect(config.stepTimeoutMs).toBe(90_000)
    expect(config.connectTimeoutMs).toBe(1500)
    expect(config.schema).toBe(path.join(root, 'app', 'prisma', 'schema.prisma'))
    expect(parse({ 'fail-on': 'none' }).failOn).toEqual([])
  })

  test('seed-command: none, and quoted arguments passed literally', () => {
    expect(parse({ 'seed-command': 'none' }).seed).toEqual({ kind: 'none' })
    expect(parse({ 'seed-command': `node -e "console.log('a; b | c')"` }).seed).toMatchObject({
      kind: 'command',
      argv: ['node', '-e', "console.log('a; b | c')"]
    })
  })
})

test('splitArgs and parseDuration', () => {
  expect(splitArgs(`tsx  prisma/seed.ts --flag 'two words' ""`)).toEqual([
    'tsx',
    'prisma/seed.ts',
    '--flag',
    'two words',
    ''
  ])
  expect(parseDuration('x', '10m')).toBe(600_000)
  expect(parseDuration('x', '1h')).toBe(3_600_000)
  expect(parseDuration('x', '45')).toBe(45_000)
  expect(() => parseDuration('x', '7h')).toThrow(/6-hour/)
})

describe('seed-command is split as a shell splits words, and what needs a shell is refused', () => {
  const argv = (command: string) => splitArgs(command)

  test('quotes and backslashes as a shell reads them; quoted operators are plain text', () => {
    expect(argv(`npx tsx prisma/seed.ts`)).toEqual(['npx', 'tsx', 'prisma/seed.ts'])
    expect(argv(`node -e 'console.log("a && b | c; d > e")'`)).toEqual([
      'node',
      '-e',
      'console.log("a && b | c; d > e")'
    ])
    expect(argv(`node seed.js a\\;b two\\ words "say \\"hi\\""`)).toEqual([
      'node',
      'seed.js',
      'a;b',
      'two words',
      'say "hi"'
    ])
    expect(argv(`node -e '$HOME' "back\`tick\`"`)).toEqual(['node', '-e', '$HOME', 'back`tick`'])
  })

  test('a glob is passed on as it is written (nothing expands it)', () => {
    expect(argv('node seed.js data/*.json')).toEqual(['node', 'seed.js', 'data/*.json'])
  })

  test.each([
    ['npm run build && npm run seed', "'&&'"],
    ['npm run seed || true', "'||'"],
    ['node seed.js | tee log', "'|'"],
    ['node a.js; node b.js', "';'"],
    ['node seed.js > out.log', "'>'"],
    ['node seed.js 2>&1', "'>&'"],
    ['node seed.js < rows.csv', "'<'"],
    ['node seed.js &', "'&'"],
    ['echo $(whoami)', "'('"],
    ['node seed.js `whoami`', "'`'"],
    ['node seed.js $SEED_ROWS', 'the variable $SEED_ROWS'],
    ['node seed.js "${SEED_ROWS}"', 'the variable $SEED_ROWS'],
    ['node seed.js # all rows', "'#' (a comment)"]
  ])('%s is refused, naming %s, the input and the fix', (command, what) => {
    const error = errorOf(() => parse({ 'seed-command': command }))
    expect(error.input).toBe('seed-command')
    expect(error.message).toContain(`Input 'seed-command': ${what} would need a shell`)
    expect(error.message).toMatch(/package\.json script or a wrapper script.*`sh -c '…'`.*single quotes/)
  })

  test.each([`node "seed.js`, `node 'seed.js`, `node $'seed.js`])('%s: an open quote is named', (command) => {
    expect(errorOf(() => parse({ 'seed-command': command })).message).toMatch(
      /^Input 'seed-command': unterminated ["'] quote\.$/
    )
  })
})

describe('durations', () => {
  test.each([
    ['45', 45_000],
    ['1.5', 1_500],
    ['1500ms', 1_500],
    ['90s', 90_000],
    ['90 s', 90_000],
    ['90\ts', 90_000],
    ['10m', 600_000],
    ['10M', 600_000],
    ['1h', 3_600_000],
    ['1.5h', 5_400_000],
    ['0.5s', 500],
    // What `ms` reads beyond the short units.
    ['2 minutes', 120_000],
    ['30 secs', 30_000],
    ['1 hour', 3_600_000]
  ])('%s is %d ms', (text, expected) => {
    expect(parseDuration('step-timeout', text)).toBe(expected)
  })

  test.each([
    ['ten minutes', /'ten minutes' is not a duration\. Use a number with a unit: 90s, 10m, 1h\./],
    ['10 parsecs', /not a duration/],
    ['0', /must be longer than zero/],
    ['-5s', /must be longer than zero/],
    ['7h', /longer than GitHub's 6-hour job limit/],
    ['1d', /longer than GitHub's 6-hour job limit/]
  ])('%s is refused', (text, message) => {
    expect(() => parseDuration('step-timeout', text)).toThrow(message)
  })
})
