// The command line as the CLI reads it (node:util's parseArgs underneath):
// the action's input names as flags, and messages that name the flag.
import { parseCliArgs } from '../../src/cli.js'

const parse = (...argv: string[]) => parseCliArgs(argv, {}, false)

test('--name value and --name=value give an input; the last one given wins', () => {
  expect(parse('--step-timeout', '5m', '--fail-on=drift', '--step-timeout=7m').inputs).toEqual({
    'step-timeout': '7m',
    'fail-on': 'drift'
  })
})

test('a value may hold = and spaces, and may be empty', () => {
  expect(parse('--seed-command', 'node seed.js --a=b', '--schema=').inputs).toEqual({
    'seed-command': 'node seed.js --a=b',
    schema: ''
  })
})

test('generate and allow-non-empty-database alone mean true, and still take a value after them', () => {
  expect(parse('--allow-non-empty-database').inputs).toEqual({ 'allow-non-empty-database': 'true' })
  expect(parse('--allow-non-empty-database', '--verbose')).toMatchObject({
    inputs: { 'allow-non-empty-database': 'true' },
    verbose: true
  })
  expect(parse('--generate', 'false', '--allow-non-empty-database=no').inputs).toEqual({
    generate: 'false',
    'allow-non-empty-database': 'no'
  })
})

test('the CLI’s own flags: --json, --verbose, --no-color, -h and --help', () => {
  expect(parse('--json', 'out.json', '--verbose', '--no-color')).toEqual({
    inputs: {},
    json: 'out.json',
    verbose: true,
    color: false,
    help: false
  })
  expect(parse('-h').help).toBe(true)
  expect(parse('--help').help).toBe(true)
})

test('colour on a terminal, unless NO_COLOR is set or --no-color given', () => {
  expect(parseCliArgs([], {}, true).color).toBe(true)
  expect(parseCliArgs([], { NO_COLOR: '1' }, true).color).toBe(false)
  expect(parseCliArgs(['--no-color'], {}, true).color).toBe(false)
  expect(parseCliArgs([], {}, false).color).toBe(false)
})

test.each([
  [['--no-such-flag'], "Unknown option '--no-such-flag'."],
  [['-x'], "Unknown option '-x'."],
  // The comment's inputs are the action's alone.
  [['--github-token', 't'], "Unknown option '--github-token'."],
  [['--step-timeout'], "Option '--step-timeout' needs a value."],
  [['--json'], "Option '--json' needs a value."],
  [['--upgrade-test'], "Option '--upgrade-test' needs a value."],
  [['--verbose=yes'], "Option '--verbose' takes no value."],
  [['prisma/schema.prisma'], "Unexpected argument 'prisma/schema.prisma'."],
  [['--', '--verbose'], "Unexpected argument '--'."]
])('%j is refused: %s', (argv, message) => {
  expect(() => parse(...argv)).toThrow(message)
})
