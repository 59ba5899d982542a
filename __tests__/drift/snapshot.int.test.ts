/**
 * The catalog snapshot on a real PostgreSQL: what it reads, and that its
 * number of queries does not grow with the number of tables.
 */
import { snapshotCatalog } from '../../src/db/snapshot.js'
import { createTestDatabase, type TestDatabase } from '../helpers/pg.js'
import { runSql, withClient } from './harness.js'

/** One SQL batch creating `count` tables, each with a default, an index and a foreign key to the previous one. */
function manyTables(count: number): string {
  const statements: string[] = []
  for (let i = 0; i < count; i++) {
    const parent = i > 0 ? `, "parent_id" INTEGER REFERENCES "t${i - 1}"("id") ON DELETE CASCADE` : ''
    statements.push(
      `CREATE TABLE "t${i}" ("id" SERIAL PRIMARY KEY, "name" TEXT NOT NULL DEFAULT 'x'${parent});`,
      `CREATE INDEX "t${i}_name_idx" ON "t${i}"("name");`
    )
  }
  return statements.join('\n')
}

async function snapshotSized(count: number) {
  const db = await createTestDatabase('drift_size')
  try {
    await runSql(db.url, manyTables(count))
    return await withClient(db.url, (client) => snapshotCatalog(client, ['public']))
  } finally {
    await db.drop()
  }
}

describe('snapshotCatalog', () => {
  test('takes the same number of queries for 10 tables as for 500', async () => {
    const small = await snapshotSized(10)
    const large = await snapshotSized(500)
    expect(small.tables).toHaveLength(10)
    expect(large.tables).toHaveLength(500)
    expect(large.tables.find((t) => t.name === 't499')!.foreignKeys).toHaveLength(1)
    expect(large.queryCount).toBe(small.queryCount)
    // A figure for the report, not an assertion: no test asserts a time.
    console.log(
      `snapshot: ${large.queryCount} queries; 10 tables ${small.durationMs} ms, 500 tables ${large.durationMs} ms`
    )
  })

  describe('on a database with one of everything', () => {
    let db: TestDatabase
    beforeAll(async () => {
      db = await createTestDatabase('drift_snap')
      await runSql(
        db.url,
        `
CREATE SCHEMA "billing";
CREATE TYPE "billing"."Status" AS ENUM ('OPEN', 'PAID');
ALTER TYPE "billing"."Status" ADD VALUE 'DRAFT' BEFORE 'OPEN';
CREATE TABLE "_prisma_migrations" ("id" TEXT PRIMARY KEY);
CREATE TABLE "billing"."customers" ("id" INTEGER GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "email" TEXT NOT NULL);
ALTER TABLE "billing"."customers" ADD CONSTRAINT "customers_email_key" UNIQUE ("email");
CREATE TABLE "billing"."invoices" (
  "id" BIGSERIAL PRIMARY KEY,
  "customer_id" INTEGER NOT NULL,
  "status" "billing"."Status" NOT NULL DEFAULT 'OPEN',
  "amount" NUMERIC(10,2) NOT NULL CHECK ("amount" >= 0),
  "total" NUMERIC GENERATED ALWAYS AS ("amount" * 2) STORED,
  CONSTRAINT "invoices_customer_fkey" FOREIGN KEY ("customer_id") REFERENCES "billing"."customers"("id")
    ON DELETE SET NULL ON UPDATE RESTRICT DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX "invoices_status_idx" ON "billing"."invoices" ("status" DESC NULLS LAST, "amount") WHERE "status" <> 'PAID';
CREATE INDEX "invoices_email_trgm" ON "billing"."customers" USING hash ("email");
CREATE TABLE "billing"."events" ("at" DATE NOT NULL) PARTITION BY RANGE ("at");
CREATE TABLE "billing"."events_2025" PARTITION OF "billing"."events" FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE VIEW "billing"."open_invoices" AS SELECT "id" FROM "billing"."invoices" WHERE "status" = 'OPEN';
CREATE EXTENSION IF NOT EXISTS citext;
`
      )
    })
    afterAll(async () => {
      await db?.drop()
    })

    test('reads tables, columns, keys, indexes, foreign keys, checks, enums, sequences and views', async () => {
      const snapshot = await withClient(db.url, (client) => snapshotCatalog(client, ['billing', 'public']))
      expect(snapshot.tables.map((t) => `${t.schema}.${t.name}`)).toEqual([
        'billing.customers',
        'billing.events',
        'billing.events_2025',
        'billing.invoices'
      ])
      expect(snapshot.enums).toEqual([
        { schema: 'billing', name: 'Status', values: ['DRAFT', 'OPEN', 'PAID'] }
      ])

      const invoices = snapshot.tables.find((t) => t.name === 'invoices')!
      expect(invoices.columns.map((c) => c.name)).toEqual(['id', 'customer_id', 'status', 'amount', 'total'])
      const status = invoices.columns[2]!
      expect(status).toMatchObject({ type: 'billing."Status"', isEnum: true, notNull: true })
      expect(status.default).toBe(`'OPEN'::billing."Status"`)
      expect(invoices.columns[4]!.generated).toBe('(amount * (2)::numeric)')
      expect(invoices.columns[4]!.default).toBeUndefined()
      expect(invoices.primaryKey).toMatchObject({ name: 'invoices_pkey', columns: ['id'] })
      expect(invoices.checks).toHaveLength(1)
      expect(invoices.foreignKeys[0]).toMatchObject({
        name: 'invoices_customer_fkey',
        columns: ['customer_id'],
        referencedSchema: 'billing',
        referencedTable: 'customers',
        referencedColumns: ['id'],
        onDelete: 'SET NULL',
        onUpdate: 'RESTRICT',
        deferrable: true,
        initiallyDeferred: true
      })
      const index = invoices.indexes.find((i) => i.name === 'invoices_status_idx')!
      expect(index.columns).toEqual([
        { expression: 'status', column: 'status', descending: true, nullsFirst: false },
        { expression: 'amount', column: 'amount', descending: false, nullsFirst: false }
      ])
      expect(index.predicate).toBe(`(status <> 'PAID'::billing."Status")`)

      const customers = snapshot.tables.find((t) => t.name === 'customers')!
      expect(customers.columns[0]!.identity).toBe('ALWAYS')
      expect(customers.uniques).toEqual([
        { name: 'customers_email_key', columns: ['email'], definition: 'UNIQUE (email)' }
      ])
      expect(customers.indexes.find((i) => i.name === 'customers_email_key')!.constraint).toMatchObject({
        type: 'unique'
      })
      expect(customers.indexes.find((i) => i.name === 'invoices_email_trgm')!.method).toBe('hash')

      expect(snapshot.tables.find((t) => t.name === 'events')).toMatchObject({
        partitioned: true,
        partitionKey: 'RANGE (at)'
      })
      expect(snapshot.tables.find((t) => t.name === 'events_2025')!.partitionOf).toBe('billing.events')
      expect(snapshot.sequences.find((s) => s.name === 'invoices_id_seq')!.ownedBy).toEqual({
        table: 'invoices',
        column: 'id'
      })
      expect(snapshot.views).toEqual([
        expect.objectContaining({ schema: 'billing', name: 'open_invoices', materialized: false })
      ])
      expect(snapshot.extensions.map((e) => e.name)).toEqual(['citext'])
      // citext's own functions belong to the extension, not to the project.
      expect(snapshot.functions).toEqual([])
    })
  })
})
