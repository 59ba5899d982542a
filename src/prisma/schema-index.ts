/**
 * What the schema reader (schema.ts) finds in a Prisma schema: models, views,
 * enums, fields, their attributes and the datasource, each with its file and
 * line, in Prisma names and database names (`@map`/`@@map`).
 */
import type { PslAttribute } from './schema-syntax.js'

/** A field of an index or key, with its sort order when given (`title(sort: Desc)`). */
export interface IndexField {
  /** Prisma field name. */
  name: string
  sort?: 'Asc' | 'Desc'
}

/** `@relation(…)` on a relation field. */
export interface RelationInfo {
  /** Relation name (first positional string or `name:`). */
  name?: string
  /** Prisma names of the scalar fields holding the foreign key. */
  fields: string[]
  references: string[]
  onDelete?: string
  onUpdate?: string
  /** Foreign key constraint name (`map:`). */
  map?: string
}

export interface FieldInfo {
  name: string
  /** Column name: `@map` or the field name. */
  dbName: string
  /** Type name without `?`/`[]` (`String`, `UserRole`, `User`, `Unsupported`). */
  type: string
  optional: boolean
  list: boolean
  line: number
  endLine: number
  /** `@id`, with its constraint name (`map:`) when given. */
  id?: { map?: string }
  /** `@unique`, with its constraint name (`map:`) when given. */
  unique?: { map?: string }
  /** `@default(…)` as written. */
  default?: string
  relation?: RelationInfo
  attributes: PslAttribute[]
}

/** `@@id`, `@@unique`, `@@index`, `@@fulltext`. */
export interface BlockIndexInfo {
  kind: 'id' | 'unique' | 'index' | 'fulltext'
  fields: IndexField[]
  /** Database name (`map:`). */
  map?: string
  /** Client name (`name:`, for `@@id`/`@@unique`). */
  name?: string
  /** `type: Hash`, `type: Gin`… */
  type?: string
  line: number
  endLine: number
}

export interface ModelInfo {
  name: string
  /** Table name: `@@map` or the model name. */
  dbName: string
  /** `@@schema("…")`, when given. */
  schema?: string
  isView: boolean
  file: string
  line: number
  endLine: number
  fields: FieldInfo[]
  indexes: BlockIndexInfo[]
  attributes: PslAttribute[]
}

export interface EnumValueInfo {
  name: string
  /** `@map` or the name. */
  dbName: string
  line: number
}

export interface EnumInfo {
  name: string
  /** Type name: `@@map` or the enum name. */
  dbName: string
  schema?: string
  file: string
  line: number
  endLine: number
  values: EnumValueInfo[]
}

export interface DatasourceInfo {
  name: string
  provider?: string
  /** `schemas = [...]` (multiSchema). */
  schemas?: string[]
  /** The variables of `url = env("…")`, `directUrl = env("…")` and `shadowDatabaseUrl = env("…")` (Prisma 5 and 6). */
  env: { url?: string; directUrl?: string; shadowDatabaseUrl?: string }
  file: string
  line: number
}

/** Everything the schema declares, with positions. */
export interface SchemaIndex {
  models: ModelInfo[]
  views: ModelInfo[]
  enums: EnumInfo[]
  datasource?: DatasourceInfo
}
