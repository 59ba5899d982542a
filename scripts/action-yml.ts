// action.yml's `inputs:` and `outputs:` are generated from the input spec
// (src/inputs.ts), so that a name, default or description is written once.
// `npm run build` runs this; `node --import tsx scripts/action-yml.ts` alone
// does too. The rest of action.yml (name, branding, runs) is kept as it is.
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import yaml from 'js-yaml'
import { INPUT_LIST, OUTPUT_LIST, type InputSpec, type OutputSpec } from '../src/inputs.js'

/** action.yml with its inputs and outputs those of the spec. */
export function renderActionYml(
  current: string,
  inputs: readonly InputSpec[] = INPUT_LIST,
  outputs: readonly OutputSpec[] = OUTPUT_LIST
): string {
  const action = yaml.load(current) as Record<string, unknown>
  action.inputs = Object.fromEntries(
    inputs.map((input) => {
      const fallback = input.default ?? input.actionDefault
      return [
        input.name,
        {
          description: input.description,
          required: false,
          ...(fallback === undefined ? {} : { default: fallback })
        }
      ]
    })
  )
  action.outputs = Object.fromEntries(
    outputs.map((output) => [output.name, { description: output.description }])
  )
  const text = yaml.dump(action, { lineWidth: -1, quotingType: "'", forceQuotes: true })
  // A blank line before each long section, as a person would lay the file out.
  return text.replace(/^(inputs|outputs|runs):/gm, '\n$1:')
}

/** Rewrites `<root>/action.yml` from the spec; returns whether it changed. */
export function writeActionYml(root: string): boolean {
  const file = path.join(root, 'action.yml')
  const current = readFileSync(file, 'utf8')
  const next = renderActionYml(current)
  if (next === current) return false
  writeFileSync(file, next)
  return true
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
  process.stdout.write(
    writeActionYml(root) ? 'action.yml: rewritten from src/inputs.ts\n' : 'action.yml: current\n'
  )
}
