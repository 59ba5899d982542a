/** Defaults compared by value: the spellings PostgreSQL keeps for the same default. */
import type { ColumnInfo } from '../../src/db/catalog.js'
import { AUTOINCREMENT, canonicalDefault } from '../../src/catalog-diff/defaults.js'

function column(type: string, defaultExpr?: string, extra: Partial<ColumnInfo> = {}): ColumnInfo {
  return {
    name: 'c',
    position: 1,
    type,
    typeSchema: 'pg_catalog',
    typeName: type,
    isEnum: false,
    isArray: type.endsWith('[]'),
    notNull: false,
    ...(defaultExpr === undefined ? {} : { default: defaultExpr }),
    ...extra
  }
}

const same = (type: string, a: string, b: string) =>
  expect(canonicalDefault(column(type, a))).toBe(canonicalDefault(column(type, b)))
const differ = (type: string, a: string, b: string) =>
  expect(canonicalDefault(column(type, a))).not.toBe(canonicalDefault(column(type, b)))

describe('canonicalDefault', () => {
  test('empty arrays: constructor and text form', () => {
    same('text[]', 'ARRAY[]::text[]', `'{}'::text[]`)
    same('text[]', `ARRAY['a'::text, 'b c'::text]`, `'{a,"b c"}'::text[]`)
    differ('text[]', 'ARRAY[]::text[]', `'{a}'::text[]`)
  })

  test('string literals whatever their casts', () => {
    same('character varying(10)', `'x'::character varying`, `'x'::text`)
    same('character varying(10)', `'it''s'::character varying(10)`, `'it''s'`)
    same('"Theme"', `'DARK'::"Theme"`, `'DARK'`)
    differ('text', `'x'::text`, `'y'::text`)
  })

  test('now() and CURRENT_TIMESTAMP', () => {
    same('timestamp(3) without time zone', 'now()', 'CURRENT_TIMESTAMP')
    same('timestamp(3) without time zone', 'CURRENT_TIMESTAMP(3)', 'now()')
  })

  test('numbers by value, only for numeric columns', () => {
    same('numeric(10,2)', '1.50', '1.5')
    same('integer', '(-1)', `'-1'::integer`)
    same('bigint', `'42'::bigint`, '42')
    differ('text', `'1.50'::text`, `'1.5'::text`)
  })

  test('booleans and JSON', () => {
    same('boolean', 'true', `'t'::boolean`)
    same('jsonb', `'{}'::jsonb`, `'{ }'::jsonb`)
    differ('jsonb', `'{}'::jsonb`, `'[]'::jsonb`)
  })

  test('serial sequences and identity are all autoincrement', () => {
    expect(canonicalDefault(column('integer', `nextval('users_id_seq'::regclass)`))).toBe(AUTOINCREMENT)
    expect(canonicalDefault(column('integer', undefined, { identity: 'BY DEFAULT' }))).toBe(AUTOINCREMENT)
    expect(canonicalDefault(column('integer'))).toBeUndefined()
  })

  test('other expressions compare without regard to case and spacing outside quotes', () => {
    same('uuid', 'gen_random_uuid()', 'GEN_RANDOM_UUID()')
    differ('text', `lower('A')`, `lower('a')`)
  })
})
