/**
 * The catalog queries, one per kind of object: each aggregates over every
 * table of the requested schemas (`$1`, an array of schema names), so their
 * number does not grow with the database. Objects owned by an extension and
 * Prisma's `_prisma_migrations` are left out. The table queries (tables,
 * columns, constraints, indexes) take `$2`: the OIDs of the only tables to
 * read, or NULL for all.
 */

/** Prisma's own bookkeeping table is not part of the schema. */
const MIGRATIONS_TABLE = '_prisma_migrations'

/**
 * Objects that belong to an extension (PostGIS's `spatial_ref_sys`, pgcrypto's
 * functions…) are not the project's: every query leaves them out with this test.
 */
const notExtensionMember = (classTable: string, oid: string) =>
  `NOT EXISTS (SELECT 1 FROM pg_depend dep WHERE dep.classid = '${classTable}'::regclass AND dep.objid = ${oid} AND dep.deptype = 'e')`

export const TABLES_SQL = `
SELECT n.nspname AS schema, c.relname AS name, c.relkind = 'p' AS partitioned,
       CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END AS partition_key,
       CASE WHEN c.relispartition THEN (
         SELECT pn.nspname || '.' || pc.relname FROM pg_inherits i
         JOIN pg_class pc ON pc.oid = i.inhparent JOIN pg_namespace pn ON pn.oid = pc.relnamespace
         WHERE i.inhrelid = c.oid LIMIT 1) END AS partition_of
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY($1) AND c.relkind IN ('r', 'p') AND c.relname <> '${MIGRATIONS_TABLE}'
  AND ${notExtensionMember('pg_class', 'c.oid')}
  AND ($2::oid[] IS NULL OR c.oid = ANY($2::oid[]))
ORDER BY 1, 2`

/** How many tables `TABLES_SQL` reads when it reads them all. */
export const TABLE_COUNT_SQL = `
SELECT count(*)::int AS count
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY($1) AND c.relkind IN ('r', 'p') AND c.relname <> '${MIGRATIONS_TABLE}'
  AND ${notExtensionMember('pg_class', 'c.oid')}`

export const COLUMNS_SQL = `
SELECT n.nspname AS schema, c.relname AS table, a.attname AS name, a.attnum AS position,
       format_type(a.atttypid, a.atttypmod) AS type,
       COALESCE(en.nspname, tn.nspname) AS type_schema, COALESCE(et.typname, t.typname) AS type_name,
       COALESCE(et.typtype, t.typtype) = 'e' AS is_enum, et.oid IS NOT NULL AS is_array,
       a.attnotnull AS not_null,
       pg_get_expr(d.adbin, d.adrelid) AS default_expr,
       a.attidentity AS identity, a.attgenerated AS generated
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_type t ON t.oid = a.atttypid
JOIN pg_namespace tn ON tn.oid = t.typnamespace
LEFT JOIN pg_type et ON et.oid = t.typelem AND t.typcategory = 'A'
LEFT JOIN pg_namespace en ON en.oid = et.typnamespace
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE n.nspname = ANY($1) AND c.relkind IN ('r', 'p') AND c.relname <> '${MIGRATIONS_TABLE}'
  AND a.attnum > 0 AND NOT a.attisdropped
  AND ($2::oid[] IS NULL OR c.oid = ANY($2::oid[]))
ORDER BY 1, 2, 4`

// Primary key, unique, foreign key and check constraints. PostgreSQL 18 also
// stores NOT NULL as constraints (contype 'n'); nullability comes from the columns.
export const CONSTRAINTS_SQL = `
SELECT n.nspname AS schema, c.relname AS table, con.conname AS name, con.contype AS type,
       pg_get_constraintdef(con.oid) AS definition,
       (SELECT array_agg(a.attname::text ORDER BY k.i) FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, i)
          JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum) AS columns,
       rn.nspname AS ref_schema, rc.relname AS ref_table,
       (SELECT array_agg(a.attname::text ORDER BY k.i) FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, i)
          JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum) AS ref_columns,
       con.confdeltype AS on_delete, con.confupdtype AS on_update,
       con.condeferrable AS deferrable, con.condeferred AS deferred
FROM pg_constraint con
JOIN pg_class c ON c.oid = con.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_class rc ON rc.oid = con.confrelid
LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace
WHERE n.nspname = ANY($1) AND c.relkind IN ('r', 'p') AND c.relname <> '${MIGRATIONS_TABLE}'
  AND con.contype IN ('p', 'u', 'f', 'c')
  AND ($2::oid[] IS NULL OR c.oid = ANY($2::oid[]))
ORDER BY 1, 2, 3`

// One row per index with its key columns aggregated in index order. indkey,
// indclass and indoption are 0-based vectors; bit 1 of indoption is DESC and
// bit 2 is NULLS FIRST.
export const INDEXES_SQL = `
SELECT n.nspname AS schema, t.relname AS table, i.relname AS name,
       ix.indisunique AS unique, ix.indisprimary AS primary, am.amname AS method,
       pg_get_expr(ix.indpred, ix.indrelid) AS predicate, pg_get_indexdef(ix.indexrelid) AS definition,
       con.conname AS constraint_name, con.contype AS constraint_type,
       CASE WHEN con.oid IS NOT NULL THEN pg_get_constraintdef(con.oid) END AS constraint_definition,
       (SELECT json_agg(json_build_object(
                 'expression', pg_get_indexdef(ix.indexrelid, k.n, true),
                 'column', a.attname,
                 'opclass', CASE WHEN NOT opc.opcdefault THEN opc.opcname END,
                 'descending', (ix.indoption[k.n - 1] & 1) <> 0,
                 'nullsFirst', (ix.indoption[k.n - 1] & 2) <> 0,
                 'collation', CASE WHEN ix.indcollation[k.n - 1] <> 0
                                    AND ix.indcollation[k.n - 1] IS DISTINCT FROM a.attcollation
                                   THEN (SELECT collname FROM pg_collation WHERE oid = ix.indcollation[k.n - 1]) END
               ) ORDER BY k.n)
          FROM generate_series(1, ix.indnkeyatts) AS k(n)
          LEFT JOIN pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = ix.indkey[k.n - 1] AND ix.indkey[k.n - 1] <> 0
          LEFT JOIN pg_opclass opc ON opc.oid = ix.indclass[k.n - 1]) AS columns,
       (SELECT array_agg(a.attname::text ORDER BY k.n)
          FROM generate_series(ix.indnkeyatts + 1, ix.indnatts) AS k(n)
          JOIN pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = ix.indkey[k.n - 1]) AS include
FROM pg_index ix
JOIN pg_class i ON i.oid = ix.indexrelid
JOIN pg_class t ON t.oid = ix.indrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
JOIN pg_am am ON am.oid = i.relam
LEFT JOIN pg_constraint con ON con.conindid = ix.indexrelid AND con.conrelid = ix.indrelid AND con.contype IN ('p', 'u', 'x')
WHERE n.nspname = ANY($1) AND t.relkind IN ('r', 'p') AND t.relname <> '${MIGRATIONS_TABLE}'
  AND ($2::oid[] IS NULL OR t.oid = ANY($2::oid[]))
ORDER BY 1, 2, 3`

export const ENUMS_SQL = `
SELECT n.nspname AS schema, t.typname AS name, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS values
FROM pg_type t
JOIN pg_namespace n ON n.oid = t.typnamespace
JOIN pg_enum e ON e.enumtypid = t.oid
WHERE n.nspname = ANY($1) AND ${notExtensionMember('pg_type', 't.oid')}
GROUP BY 1, 2
ORDER BY 1, 2`

export const SEQUENCES_SQL = `
SELECT n.nspname AS schema, c.relname AS name, format_type(s.seqtypid, NULL) AS data_type,
       owner.relname AS owner_table, oa.attname AS owner_column
FROM pg_sequence s
JOIN pg_class c ON c.oid = s.seqrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid
                     AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
LEFT JOIN pg_class owner ON owner.oid = d.refobjid
LEFT JOIN pg_attribute oa ON oa.attrelid = d.refobjid AND oa.attnum = d.refobjsubid
WHERE n.nspname = ANY($1) AND ${notExtensionMember('pg_class', 'c.oid')}
ORDER BY 1, 2`

export const VIEWS_SQL = `
SELECT n.nspname AS schema, c.relname AS name, c.relkind = 'm' AS materialized,
       pg_get_viewdef(c.oid, true) AS definition
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY($1) AND c.relkind IN ('v', 'm') AND ${notExtensionMember('pg_class', 'c.oid')}
ORDER BY 1, 2`

// Extensions are database-wide, wherever their objects live.
export const EXTENSIONS_SQL = `
SELECT e.extname AS name, n.nspname AS schema, e.extversion AS version
FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
WHERE e.extname <> 'plpgsql'
ORDER BY 1`

export const FUNCTIONS_SQL = `
SELECT n.nspname AS schema, p.proname AS name, pg_get_function_identity_arguments(p.oid) AS arguments,
       CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate' WHEN 'w' THEN 'window' ELSE 'function' END AS kind
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname = ANY($1) AND ${notExtensionMember('pg_proc', 'p.oid')}
ORDER BY 1, 2, 3`

export const TRIGGERS_SQL = `
SELECT n.nspname AS schema, c.relname AS table, tg.tgname AS name, pg_get_triggerdef(tg.oid) AS definition
FROM pg_trigger tg
JOIN pg_class c ON c.oid = tg.tgrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY($1) AND NOT tg.tgisinternal AND c.relname <> '${MIGRATIONS_TABLE}'
ORDER BY 1, 2, 3`
