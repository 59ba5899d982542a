/**
 * The problems section of the markdown report: each problem with its place,
 * its message, the drift that explains it, and the tail of its stage's output.
 */
import type { CheckResult } from '../model/result.js'
import type { DriftItem } from '../model/drift.js'
import type { Problem, StageResult } from '../model/findings.js'
import { outputAddsTo } from '../prisma/output.js'
import { codeBlock, escapeHtml, escapeMessage, escapeText, inlineCode } from './escape.js'
import { clip, describeChange, explainingItems, formatLocation, stageLabel, tailLines } from './facts.js'
import { SEVERITY_ICON, type Detail } from './markdown-options.js'

/** Characters kept of one line of process output (minified code makes lines of kilobytes). */
const OUTPUT_LINE_CHARS = 500
/** How many explaining drift items a problem lists by name. */
const EXPLAINED_BY_SHOWN = 5

export function problemsSection(result: CheckResult, detail: Detail): string | undefined {
  const problems = result.problems
  const shownOutputs = new Set<string>()
  const blocks = problems.map((problem) => {
    const stage = result.stages.find((s) => s.name === problem.stage)
    // Prisma's output once per problem: not again when the message already quotes all of it.
    const quoted = stage?.output !== undefined && !outputAddsTo(problem.message, stage.output)
    if (stage && quoted) shownOutputs.add(stage.name)
    const withOutput = stage && !shownOutputs.has(stage.name) ? stage : undefined
    if (withOutput) shownOutputs.add(withOutput.name)
    return problemBlock(result, problem, withOutput, detail)
  })
  // A failed stage without a problem still deserves its output: it is all there is to read.
  for (const stage of result.stages) {
    if (stage.status === 'failed' && !shownOutputs.has(stage.name)) {
      const output = outputBlock(stage, detail)
      if (output) blocks.push(output)
    }
  }
  return blocks.length ? ['### Problems', ...blocks].join('\n\n') : undefined
}

function problemBlock(result: CheckResult, problem: Problem, stage: StageResult | undefined, detail: Detail) {
  const where = problem.location ? ` · ${inlineCode(formatLocation(problem.location))}` : ''
  const code = problem.code ? ` · ${inlineCode(problem.code)}` : ''
  const parts = [
    `**${SEVERITY_ICON[problem.severity]} ${escapeMessage(problem.title)}**${where}${code}`,
    messageText(clip(problem.message, detail.messageChars)),
    explainedByList(result, problem) ?? missingObjectText(problem),
    stage ? outputBlock(stage, detail) : undefined
  ]
  return parts.filter(Boolean).join('\n\n')
}

/** Each line escaped on its own and joined by hard breaks, so the message keeps its shape. */
function messageText(message: string): string | undefined {
  const lines = message.split('\n').map((line) => escapeMessage(line))
  while (lines.length && lines[lines.length - 1] === '') lines.pop()
  return lines.length ? lines.join('  \n') : undefined
}

function explainedByList(result: CheckResult, problem: Problem): string | undefined {
  const items = explainingItems(result, problem.explainedBy)
  if (!items.length) return undefined
  const lines = items.slice(0, EXPLAINED_BY_SHOWN).map((item) => `- ${driftReference(item)}`)
  if (items.length > EXPLAINED_BY_SHOWN)
    lines.push(`- … and ${items.length - EXPLAINED_BY_SHOWN} more in the drift table`)
  return [`Caused by drift:`, ...lines].join('\n')
}

/** Without a drift item to blame (drift was not compared), at least name what the seed missed. */
function missingObjectText(problem: Problem): string | undefined {
  const missing = problem.missingObject
  if (!missing?.table && !missing?.column) return undefined
  const name = [missing.table, missing.column].filter(Boolean).join('.')
  return `The migrated database has no ${missing.column ? 'column' : 'table'} ${inlineCode(name)}.`
}

/** "`users.profile_picture` — missing column, declared at `prisma/schema.prisma:56`". */
function driftReference(item: DriftItem): string {
  const where = item.location ? `, declared at ${inlineCode(formatLocation(item.location))}` : ''
  return `${inlineCode(item.object)} — ${escapeText(describeChange(item))}${where}`
}

function outputBlock(stage: StageResult, detail: Detail): string | undefined {
  if (!stage.output?.trim() || detail.outputLines === 0) return undefined
  if (stage.status !== 'failed' && stage.status !== 'warning') return undefined
  const tail = tailLines(stage.output, detail.outputLines)
  const { dropped } = tail
  // Prisma quotes the failing line of its generated client, which is minified:
  // one such line is kilobytes of code that would fill the comment on its own.
  const text = tail.text
    .split('\n')
    .map((line) =>
      line.length <= OUTPUT_LINE_CHARS
        ? line
        : `${line.slice(0, OUTPUT_LINE_CHARS)}… (${(line.length - OUTPUT_LINE_CHARS).toLocaleString('en-US')} more characters)`
    )
    .join('\n')
  const command = stage.command?.length
    ? `<code>${escapeHtml(stage.command.join(' '))}</code>`
    : stageLabel(stage.name)
  const exit = stage.timedOut ? 'timed out' : stage.exitCode != null ? `exit code ${stage.exitCode}` : ''
  const facts = [exit, dropped ? `last ${detail.outputLines} lines` : ''].filter(Boolean).join(', ')
  const summary = `Output of ${command}${facts ? ` (${facts})` : ''}`
  return `<details><summary>${summary}</summary>\n\n${codeBlock(text, 'text')}\n\n</details>`
}
