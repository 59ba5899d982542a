import { JSON_REPORT_VERSION, toJson, toJsonString } from '../../src/report/json.js'
import { designDocResult, passingResult } from './fixtures.js'

describe('toJson', () => {
  it('has the documented shape for the design doc case', () => {
    const json = toJson(designDocResult())
    expect(json).toMatchObject({
      version: JSON_REPORT_VERSION,
      status: 'failed',
      workingDirectory: '.',
      prismaVersion: '6.19.3',
      failedOn: ['seed', 'drift'],
      counts: { error: 35, warning: 0, notice: 0, info: 0 },
      fixSqlPath: '.migrate-seed-check/20250701120000_fix_drift/migration.sql'
    })
    expect(json.stages.map((stage) => [stage.name, stage.status])).toContainEqual(['seed', 'failed'])
    expect(json.drift).toContainEqual({
      kind: 'column',
      change: 'missing',
      object: 'users.profile_picture',
      severity: 'error',
      expected: 'varchar(500)',
      location: { file: 'prisma/schema.prisma', line: 56 },
      fixSql: 'ALTER TABLE "users" ADD COLUMN "profile_picture" VARCHAR(500);'
    })
    expect(json.problems[0]).toMatchObject({
      stage: 'seed',
      code: 'P2022',
      explainedBy: ['users.profile_picture']
    })
  })

  it('omits absent optional fields instead of writing null', () => {
    const text = toJsonString(passingResult())
    expect(text).not.toContain('null')
    expect(text).not.toContain('fixSqlPath')
    expect(text).not.toContain('"output"')
    expect(JSON.parse(text)).toMatchObject({ status: 'passed', drift: [], problems: [] })
  })
})
