// One input spec (src/inputs.ts): action.yml, the configuration's defaults,
// the CLI's help and the README's tables all say what it says.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import yaml from 'js-yaml'
import { renderActionYml } from '../../scripts/action-yml.js'
import { usage } from '../../src/cli.js'
import { parseConfig, type RawInputs } from '../../src/config.js'
import { INPUT_LIST, OUTPUT_LIST, type InputSpec } from '../../src/inputs.js'
import { REPO_ROOT } from '../helpers/project.js'

const read = (file: string) => readFileSync(path.join(REPO_ROOT, file), 'utf8')

interface ActionYml {
  inputs: Record<string, { description: string; required: boolean; default?: string }>
  outputs: Record<string, { description: string }>
}

describe('action.yml', () => {
  const text = read('action.yml')
  const action = yaml.load(text) as ActionYml

  test('is current: its inputs and outputs are written from the spec (npm run build rewrites them)', () => {
    expect(text).toBe(renderActionYml(text))
  })

  test('has every input of the spec, in order, with its description and default, none required', () => {
    expect(Object.keys(action.inputs)).toEqual(INPUT_LIST.map((input) => input.name))
    for (const input of INPUT_LIST) {
      expect({ name: input.name, ...action.inputs[input.name] }).toEqual({
        name: input.name,
        description: input.description,
        required: false,
        ...((input.default ?? input.actionDefault) ? { default: input.default ?? input.actionDefault } : {})
      })
    }
  })

  test('has every output of the spec with its description', () => {
    expect(Object.entries(action.outputs).map(([name, { description }]) => ({ name, description }))).toEqual(
      OUTPUT_LIST
    )
  })
})

describe('the configuration', () => {
  const parse = (raw: RawInputs) =>
    parseConfig(
      { 'database-url': 'postgresql://u:p@127.0.0.1:5432/db', ...raw },
      { cwd: REPO_ROOT, repoRoot: REPO_ROOT, env: {} }
    )

  test("takes each input's default from the spec: an empty input and the default given are one config", () => {
    const withDefaults = Object.fromEntries(
      INPUT_LIST.filter((input) => input.default !== undefined).map((input) => [input.name, input.default])
    )
    expect(Object.keys(withDefaults).length).toBeGreaterThan(10)
    expect(parse(withDefaults)).toEqual(parse({}))
  })
})

describe('the CLI help', () => {
  const help = usage()
  /** The help's entry of a flag: its line and the wrapped lines under it. */
  const entryOf = (flag: string): string | undefined =>
    new RegExp(`^  ${flag}(?= |$).*(?:\\n {20,}.*)*`, 'm').exec(help)?.[0].replace(/\s+/g, ' ')

  const cliInputs = INPUT_LIST.filter((input) => input.cli)
  const githubOnly = INPUT_LIST.filter((input) => !input.cli)

  test('the action-only inputs are the comment, the check run, publishing, and the token and pull request', () => {
    expect(githubOnly.map((input) => input.name)).toEqual([
      'comment',
      'check-run',
      'mode',
      'report-json',
      'github-token',
      'pr-number'
    ])
  })

  test.each(cliInputs.map((input) => [input.name, input] as [string, InputSpec]))(
    'lists --%s with its default',
    (name, input) => {
      const entry = entryOf(`--${name}`)
      expect(entry).toBeDefined()
      const shown = input.cli?.defaultText ?? input.default ?? input.defaultText
      expect(shown).toBeDefined()
      expect(entry).toContain(`(default: ${shown})`)
    }
  )

  test('lists no action-only input', () => {
    for (const input of githubOnly) expect(help).not.toContain(`--${input.name}`)
  })
})

/** The rows of the markdown table under a `## heading` of the README: cells of each row. */
function tableUnder(markdown: string, heading: string): string[][] {
  const section = markdown.split(/^## /m).find((s) => s.startsWith(`${heading}\n`))
  if (!section) throw new Error(`README.md has no '## ${heading}' section`)
  return section
    .split('\n')
    .filter((line) => line.startsWith('|'))
    .slice(2) // the header and its rule
    .map((line) =>
      line
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim())
    )
}

describe('README.md', () => {
  const readme = read('README.md')

  test("its inputs table has every input of the spec, with the spec's default", () => {
    const rows = tableUnder(readme, 'Inputs').map(([name, shown]) => ({ name, default: shown }))
    expect(rows).toEqual(
      INPUT_LIST.map((input) => {
        const literal = input.default ?? input.actionDefault
        return {
          name: `\`${input.name}\``,
          default: literal === undefined ? input.defaultText : `\`${literal}\``
        }
      })
    )
  })

  test('its outputs table has every output of the spec', () => {
    expect(tableUnder(readme, 'Outputs').map(([name]) => name)).toEqual(
      OUTPUT_LIST.map((output) => `\`${output.name}\``)
    )
  })
})
