/**
 * The differential conformance suite: every case's drift verdict, in both
 * modes, against Prisma's own (see harness.ts). It prints the table of
 * agreements and disagreements; the goal, and the assertion, is none.
 */
import { CASES } from './cases.js'
import { conformanceTable, runCase, type CaseOutcome } from './harness.js'

const outcomes: CaseOutcome[] = []

afterAll(() => {
  if (outcomes.length) console.log(`conformance with Prisma's own verdict:\n${conformanceTable(outcomes)}`)
})

test.concurrent.each(CASES.map((c) => [c.name, c] as const))(
  '%s: both modes agree with prisma migrate diff',
  async (_name, c) => {
    const outcome = await runCase(c)
    outcomes.push(outcome)
    if (process.env.CONFORMANCE_VERBOSE)
      console.log(
        `${c.name}\n--- Prisma ---\n${outcome.script}\n--- catalog ---\n${outcome.catalog.map((i) => `${i.severity} ${i.kind} ${i.change} ${i.object} ${i.aspects?.join(',') ?? ''}`).join('\n')}`
      )
    expect({ case: c.name, disagreements: outcome.disagreements, prisma: outcome.script.trim() }).toEqual({
      case: c.name,
      disagreements: [],
      prisma: outcome.script.trim()
    })
  },
  300_000
)
