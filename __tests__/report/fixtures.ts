/**
 * Hand-built `CheckResult` values for the report tests. The main one is the
 * design doc's case: the schema of prisma/schema.prisma with the migrations
 * stopping before `add_auth_and_user_features` — five `users` columns, seven
 * tables, three enums, their keys and indexes, and a seed that fails on them.
 */
import type { CheckResult } from '../../src/model/result.js'
import type { DriftItem } from '../../src/model/drift.js'
import type { Problem, StageResult } from '../../src/model/findings.js'

const SCHEMA = 'prisma/schema.prisma'

function at(line: number): { file: string; line: number } {
  return { file: SCHEMA, line }
}

function missingEnum(name: string, values: string[], line: number): DriftItem {
  const list = values.map((value) => `'${value}'`).join(', ')
  return {
    kind: 'enum',
    change: 'missing',
    object: name,
    target: { schema: 'public', enum: name },
    severity: 'error',
    expected: `enum (${values.join(', ')})`,
    location: at(line),
    fixSql: `CREATE TYPE "${name}" AS ENUM (${list});`
  }
}

function missingColumn(column: string, type: string, line: number): DriftItem {
  return {
    kind: 'column',
    change: 'missing',
    object: `users.${column}`,
    target: { schema: 'public', table: 'users', column },
    severity: 'error',
    expected: type,
    location: at(line),
    fixSql: `ALTER TABLE "users" ADD COLUMN "${column}" ${type.toUpperCase()};`
  }
}

function missingTable(table: string, line: number, columns: number): DriftItem {
  return {
    kind: 'table',
    change: 'missing',
    object: table,
    target: { schema: 'public', table },
    severity: 'error',
    expected: `${columns} columns, primary key (id)`,
    location: at(line),
    fixSql: `CREATE TABLE "${table}" (\n    "id" TEXT NOT NULL,\n    CONSTRAINT "${table}_pkey" PRIMARY KEY ("id")\n);`
  }
}

function missingForeignKey(table: string, onDelete: string, line: number): DriftItem {
  const constraint = `${table}_user_id_fkey`
  return {
    kind: 'foreignKey',
    change: 'missing',
    object: constraint,
    target: { schema: 'public', table, constraint, columns: ['user_id'], referencedTable: 'users' },
    severity: 'error',
    expected: `(user_id) REFERENCES users(id) ON DELETE ${onDelete} ON UPDATE CASCADE`,
    location: at(line),
    fixSql: `ALTER TABLE "${table}" ADD CONSTRAINT "${constraint}" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE ${onDelete} ON UPDATE CASCADE;`
  }
}

function missingIndex(table: string, columns: string[], line: number, unique = false): DriftItem {
  const constraint = `${table}_${columns.join('_')}_${unique ? 'key' : 'idx'}`
  const list = columns.map((column) => `"${column}"`).join(', ')
  return {
    kind: unique ? 'unique' : 'index',
    change: 'missing',
    object: constraint,
    target: { schema: 'public', table, constraint, columns },
    severity: 'error',
    expected: `${unique ? 'UNIQUE ' : ''}btree (${columns.join(', ')})`,
    location: at(line),
    fixSql: `CREATE ${unique ? 'UNIQUE ' : ''}INDEX "${constraint}" ON "${table}"(${list});`
  }
}

/** The 35 drift items of the design doc's case, in schema order. */
export function designDocDrift(): DriftItem[] {
  return [
    missingEnum('Theme', ['LIGHT', 'DARK', 'SYSTEM'], 27),
    missingEnum(
      'NotificationType',
      [
        'ARTICLE_PUBLISHED',
        'COMMENT_ADDED',
        'SECURITY_ALERT',
        'PASSWORD_CHANGED',
        'TWO_FACTOR_ENABLED',
        'SYSTEM'
      ],
      33
    ),
    missingEnum('EmailStatus', ['PENDING', 'SENT', 'FAILED', 'BOUNCED'], 42),
    missingColumn('profile_picture', 'varchar(500)', 56),
    missingColumn('email_verified', 'timestamp(3)', 57),
    missingColumn('two_factor_secret', 'varchar(255)', 58),
    missingColumn('two_factor_enabled', 'boolean NOT NULL DEFAULT false', 59),
    missingColumn('last_login_at', 'timestamp(3)', 60),
    missingTable('user_preferences', 107, 8),
    missingIndex('user_preferences', ['user_id'], 109, true),
    missingForeignKey('user_preferences', 'CASCADE', 117),
    missingTable('audit_logs', 122, 9),
    missingForeignKey('audit_logs', 'SET NULL', 133),
    missingIndex('audit_logs', ['user_id'], 135),
    missingIndex('audit_logs', ['entity_type', 'entity_id'], 136),
    missingIndex('audit_logs', ['created_at'], 137),
    missingTable('sessions', 141, 7),
    missingIndex('sessions', ['token'], 144, true),
    missingForeignKey('sessions', 'CASCADE', 150),
    missingIndex('sessions', ['user_id'], 152),
    missingIndex('sessions', ['expires_at'], 153),
    missingTable('backup_codes', 157, 5),
    missingForeignKey('backup_codes', 'CASCADE', 164),
    missingIndex('backup_codes', ['user_id'], 166),
    missingTable('password_reset_tokens', 170, 6),
    missingIndex('password_reset_tokens', ['token_hash'], 173, true),
    missingForeignKey('password_reset_tokens', 'CASCADE', 178),
    missingIndex('password_reset_tokens', ['user_id'], 180),
    missingTable('notifications', 184, 7),
    missingForeignKey('notifications', 'CASCADE', 193),
    missingIndex('notifications', ['user_id', 'read_at'], 195),
    missingTable('email_logs', 199, 9),
    missingForeignKey('email_logs', 'SET NULL', 210),
    missingIndex('email_logs', ['user_id'], 212),
    missingIndex('email_logs', ['status'], 213)
  ]
}

/** The stages of a run whose migrations pass and whose seed fails on the drift. */
export function designDocStages(): StageResult[] {
  return [
    { name: 'connect', status: 'passed', durationMs: 310, summary: 'PostgreSQL 17.2 ready, database empty' },
    {
      name: 'generate',
      status: 'passed',
      durationMs: 1840,
      summary: 'Prisma Client generated',
      command: ['npx', 'prisma', 'generate'],
      exitCode: 0
    },
    {
      name: 'migrate',
      status: 'passed',
      durationMs: 10620,
      summary: '1 migration applied: `20250301090000_init`',
      command: ['npx', 'prisma', 'migrate', 'deploy'],
      exitCode: 0
    },
    {
      name: 'seed',
      status: 'failed',
      durationMs: 2130,
      summary: 'P2022: column `users.profile_picture` does not exist',
      command: ['npx', 'prisma', 'db', 'seed'],
      exitCode: 1,
      output: [
        'Running seed command `tsx prisma/seed.ts` ...',
        '❌ Seeding failed: PrismaClientKnownRequestError:',
        'Invalid `prisma.user.create()` invocation in',
        '/home/runner/work/cms/cms/prisma/seed.ts:18:34',
        '',
        'The column `users.profile_picture` does not exist in the current database.',
        '    at async main (/home/runner/work/cms/cms/prisma/seed.ts:18:3) {',
        "  code: 'P2022',",
        "  meta: { modelName: 'User', column: 'users.profile_picture' }",
        '}'
      ].join('\n')
    },
    { name: 'expect', status: 'passed', durationMs: 940, summary: 'schema applied to a scratch database' },
    { name: 'inspect', status: 'passed', durationMs: 95, summary: '2 databases read: 10 and 3 tables' },
    { name: 'compare', status: 'failed', durationMs: 12, summary: '35 differences' }
  ]
}

/** The seed failure, linked to the drift that explains it. */
export function designDocSeedProblem(): Problem {
  return {
    stage: 'seed',
    severity: 'error',
    title: 'Seed failed',
    message:
      'The column `users.profile_picture` does not exist in the current database.\n' +
      'The seed failed because `users.profile_picture` is declared at prisma/schema.prisma:56 but no migration creates it.',
    location: { file: 'prisma/seed.ts', line: 18 },
    code: 'P2022',
    explainedBy: ['users.profile_picture']
  }
}

/** The whole design-doc result. */
export function designDocResult(): CheckResult {
  const drift = designDocDrift()
  return {
    status: 'failed',
    workingDirectory: '.',
    prismaVersion: '6.19.3',
    stages: designDocStages(),
    problems: [designDocSeedProblem()],
    drift,
    fixSqlPath: '.migrate-seed-check/20250701120000_fix_drift/migration.sql',
    fixSql: [
      '-- Suggested by migrate-seed-check: review before committing.',
      ...drift.map((item) => item.fixSql)
    ].join('\n\n'),
    failedOn: ['seed', 'drift'],
    durationMs: 16_450
  }
}

/** A passing run: every stage green, no drift. */
export function passingResult(): CheckResult {
  return {
    status: 'passed',
    workingDirectory: '.',
    prismaVersion: '6.19.3',
    stages: designDocStages().map((stage) => ({
      ...stage,
      status: 'passed',
      output: undefined,
      summary: stage.name === 'compare' ? 'no drift' : stage.name === 'seed' ? 'seed ran' : stage.summary
    })),
    problems: [],
    drift: [],
    failedOn: [],
    durationMs: 15_000
  }
}

/** A run whose verdict Prisma wrote but could not be read (the catalog comparison found nothing). */
export function unreadableVerdictResult(): CheckResult {
  const passing = passingResult()
  return {
    ...passing,
    status: 'failed',
    failedOn: ['drift'],
    stages: passing.stages.map((stage) =>
      stage.name === 'compare'
        ? { ...stage, status: 'failed', summary: "Prisma's verdict could not be read" }
        : stage
    ),
    problems: [
      {
        stage: 'compare',
        severity: 'error',
        title: "Prisma's verdict could not be read",
        message:
          'Prisma\'s verdict could not be read: syntax error at or near "◇" (line 1: ◇ injected env (0) from .env).',
        code: 'verdict-unreadable'
      }
    ],
    verdict: {
      source: 'catalog',
      summary: "catalog comparison: Prisma 7.10's differ's verdict could not be read"
    }
  }
}

/** A run whose second migration fails on a statement, with hostile text in the migration's name. */
export function failedMigrationResult(name = '20250612143000_add_auth'): CheckResult {
  const file = `prisma/migrations/${name}/migration.sql`
  return {
    status: 'failed',
    workingDirectory: '.',
    prismaVersion: '6.19.3',
    stages: [
      { name: 'generate', status: 'passed', durationMs: 1500, summary: 'Prisma Client generated' },
      {
        name: 'migrate',
        status: 'failed',
        durationMs: 3200,
        summary: `migration ${name} failed`,
        command: ['npx', 'prisma', 'migrate', 'deploy'],
        exitCode: 1,
        output: `Applying migration \`${name}\`\nError: P3018\nDatabase error code: 42P01\nrelation "user" does not exist`
      },
      { name: 'seed', status: 'skipped', durationMs: 0, summary: 'skipped: a migration failed' },
      { name: 'compare', status: 'skipped', durationMs: 0, summary: 'skipped: a migration failed' }
    ],
    problems: [
      {
        stage: 'migrate',
        severity: 'error',
        title: `Migration ${name} failed`,
        message: `relation "user" does not exist (PostgreSQL 42P01)\nat statement 3 of ${file}`,
        location: { file, line: 14 },
        code: 'P3018'
      }
    ],
    drift: [],
    failedOn: ['migrate'],
    durationMs: 5000
  }
}

/** `count` missing columns of one table, each on its own line, for size and limit tests. */
export function manyColumnsDrift(count: number, table = 'wide'): DriftItem[] {
  return Array.from({ length: count }, (_, i) => ({
    kind: 'column' as const,
    change: 'missing' as const,
    object: `${table}.column_${String(i).padStart(4, '0')}`,
    target: { schema: 'public', table, column: `column_${i}` },
    severity: 'error' as const,
    expected: "varchar(255) NOT NULL DEFAULT 'some default value'",
    location: { file: SCHEMA, line: 100 + i },
    fixSql: `ALTER TABLE "${table}" ADD COLUMN "column_${i}" VARCHAR(255) NOT NULL DEFAULT 'some default value';`
  }))
}

/** A drift-only failed result around the given items. */
export function driftResult(drift: DriftItem[]): CheckResult {
  const passed = passingResult()
  return {
    ...passed,
    status: 'failed',
    stages: passed.stages.map((stage) =>
      stage.name === 'compare'
        ? { ...stage, status: 'failed', summary: `${drift.length} differences` }
        : stage
    ),
    problems: [],
    drift,
    fixSql: drift.map((item) => item.fixSql).join('\n'),
    fixSqlPath: '.migrate-seed-check/20250701120000_fix_drift/migration.sql',
    failedOn: ['drift']
  }
}
