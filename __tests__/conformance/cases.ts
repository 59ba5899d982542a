/**
 * The conformance cases: schemas that use what real projects use, and their
 * migrations edited the way teams edit them by hand. Each case's truth is
 * Prisma's own verdict, computed when the case runs; nothing here says what
 * the answer should be.
 */
import type { ConformanceCase } from './harness.js'

const DATASOURCE = `datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}
`

// engineType "client": the CLI would otherwise fetch a native query engine it does not need here.
const GENERATOR = `generator client {
  provider   = "prisma-client-js"
  engineType = "client"
}
`

/** Lists, enums, 1:n, implicit and explicit m:n, self relations, composite keys, native types, defaults, index options. */
export const BLOG = `${GENERATOR}
${DATASOURCE}
enum Role {
  ADMIN
  EDITOR
  VIEWER
}

model User {
  id        Int       @id @default(autoincrement())
  email     String    @unique
  name      String?   @db.VarChar(200)
  roles     Role[]
  tags      String[]
  scores    Int[]     @default([])
  role      Role      @default(VIEWER)
  balance   Decimal   @default(0) @db.Decimal(10, 2)
  meta      Json      @default("{}") @db.JsonB
  createdAt DateTime  @default(now()) @db.Timestamptz(6)
  updatedAt DateTime  @updatedAt
  managerId Int?
  manager   User?     @relation("Reports", fields: [managerId], references: [id], onDelete: SetNull)
  reports   User[]    @relation("Reports")
  posts     Post[]
  profile   Profile?

  @@index([createdAt(sort: Desc)])
  @@index([name])
}

model Profile {
  id     String @id @default(dbgenerated("gen_random_uuid()")) @db.Uuid
  userId Int    @unique
  bio    String @default("")
  user   User   @relation(fields: [userId], references: [id], onDelete: Cascade)
}

model Post {
  id         Int            @id @default(autoincrement())
  slug       String
  title      String
  body       String?
  authorId   Int
  author     User           @relation(fields: [authorId], references: [id])
  tags       Tag[]
  categories PostCategory[]
  publishedAt DateTime?

  @@unique([authorId, slug])
  @@index([title])
  @@index([authorId, publishedAt])
}

model Tag {
  id    Int    @id @default(autoincrement())
  label String @unique
  posts Post[]
}

model Category {
  id    Int            @id @default(autoincrement())
  name  String
  posts PostCategory[]
}

model PostCategory {
  postId     Int
  categoryId Int
  post       Post     @relation(fields: [postId], references: [id], onDelete: Cascade)
  category   Category @relation(fields: [categoryId], references: [id], onDelete: Cascade)

  @@id([postId, categoryId])
}
`

/** Replaces `from` by `to`, failing loudly when Prisma's SQL no longer contains `from`. */
export function edit(sql: string, from: string | RegExp, to: string): string {
  const found = typeof from === 'string' ? sql.includes(from) : from.test(sql)
  if (!found) throw new Error(`Prisma's SQL does not contain ${String(from)}`)
  return sql.replace(from, to)
}

/** Long table and column names: Prisma's default names of keys and indexes pass PostgreSQL's 63 bytes. */
export const LONG_NAMES = `${GENERATOR}
${DATASOURCE}
model CustomerSubscriptionRecordWithAnUnusuallyLongName {
  id          Int                                         @id @default(autoincrement())
  assignments CustomerSubscriptionEntitlementAssignment[]
}

model CustomerSubscriptionEntitlementAssignment {
  id                              Int                                                @id @default(autoincrement())
  subscriptionIdentifierReference Int
  entitlementIdentifierReference  Int
  assignedAtTimestampWithTimezone DateTime
  subscription                    CustomerSubscriptionRecordWithAnUnusuallyLongName @relation(fields: [subscriptionIdentifierReference], references: [id])

  @@unique([subscriptionIdentifierReference, assignedAtTimestampWithTimezone])
  @@index([subscriptionIdentifierReference, entitlementIdentifierReference])
}
`

/**
 * A migration that writes one of Prisma's default names in full (PostgreSQL
 * keeps its first 63 bytes, Prisma's own truncation keeps the suffix).
 */
function fullName(sql: string, suffix: 'idx' | 'fkey'): string {
  const full = {
    idx: 'CustomerSubscriptionEntitlementAssignment_subscriptionIdentifierReference_entitlementIdentifierReference_idx',
    fkey: 'CustomerSubscriptionEntitlementAssignment_subscriptionIdentifierReference_fkey'
  }[suffix]
  return edit(
    sql,
    new RegExp(`"CustomerSubscriptionEntitlementAssignment_[A-Za-z_]*_${suffix}"`),
    `"${full}"`
  )
}

/** Implicit many-to-many, as Prisma 5+ writes it (a primary key) and as Prisma 4 did (a unique index). */
export const MANY_TO_MANY = `${GENERATOR}
${DATASOURCE}
model Article {
  id     Int      @id @default(autoincrement())
  labels Label[]
}

model Label {
  id       Int       @id @default(autoincrement())
  name     String    @unique
  articles Article[]
}
`

/** relationMode = "prisma": relations without foreign keys, indexed by hand. */
export const RELATION_MODE_PRISMA = `${GENERATOR}
datasource db {
  provider     = "postgresql"
  url          = env("DATABASE_URL")
  relationMode = "prisma"
}

model Account {
  id      Int      @id @default(autoincrement())
  members Member[]
}

model Member {
  id        Int     @id @default(autoincrement())
  accountId Int
  account   Account @relation(fields: [accountId], references: [id], onDelete: Cascade)

  @@index([accountId])
}
`

/** Several schemas, a view, extensions (as the postgresqlExtensions preview feature declares them), native types. */
export const PLATFORM = `generator client {
  provider        = "prisma-client-js"
  engineType      = "client"
  previewFeatures = ["views", "postgresqlExtensions"]
}

datasource db {
  provider   = "postgresql"
  url        = env("DATABASE_URL")
  extensions = [citext, pg_trgm]
  schemas    = ["public", "audit"]
}

model Customer {
  id        String   @id @default(dbgenerated("gen_random_uuid()")) @db.Uuid
  email     String   @unique @db.Citext
  name      String   @db.VarChar(120)
  code      String   @db.Char(8)
  level     Int      @default(1) @db.SmallInt
  ratio     Float    @db.Real
  opensAt   DateTime @db.Time(3)
  bornOn    DateTime @db.Date
  seenFrom  String?  @db.Inet
  flags     String   @db.Bit(8)
  notes     String?
  createdAt DateTime @default(now())
  updatedAt DateTime @updatedAt

  @@index([name(ops: raw("gist_trgm_ops"))], type: Gist)
  @@index([createdAt], type: Brin)
  @@schema("public")
}

model Event {
  id      BigInt   @id @default(autoincrement())
  at      DateTime @db.Timestamptz(3)
  payload Bytes?
  kind    String

  @@index([kind], type: Hash)
  @@schema("audit")
}

view CustomerName {
  id   String @unique @db.Uuid
  name String

  @@schema("public")
}
`

const blog = (name: string, covers: string[], migrations: (base: string) => string[]): ConformanceCase => ({
  name: `blog: ${name}`,
  covers,
  schema: BLOG,
  migrations
})

export const CASES: ConformanceCase[] = [
  blog('migrations as Prisma wrote them', ['in sync'], (base) => [base]),
  blog('SET NOT NULL on list columns', ['scalar lists'], (base) => [
    base,
    'ALTER TABLE "User" ALTER COLUMN "tags" SET NOT NULL; ALTER TABLE "User" ALTER COLUMN "scores" SET NOT NULL; ALTER TABLE "User" ALTER COLUMN "roles" SET NOT NULL;'
  ]),
  blog("a list default spelled '{}' instead of ARRAY[]", ['scalar lists', 'defaults'], (base) => [
    edit(base, /"scores" INTEGER\[\] DEFAULT ARRAY\[\]::INTEGER\[\]/, `"scores" INTEGER[] DEFAULT '{}'`)
  ]),
  blog('a list default the migrations forgot', ['scalar lists', 'defaults'], (base) => [
    edit(base, / DEFAULT ARRAY\[\]::INTEGER\[\]/, '')
  ]),
  blog('an index recreated in another order', ['index sort order'], (base) => [
    base,
    'DROP INDEX "User_createdAt_idx"; CREATE INDEX "User_createdAt_idx" ON "User"("createdAt");'
  ]),
  blog('an index with NULLS FIRST and another collation', ['index options Prisma ignores'], (base) => [
    base,
    'DROP INDEX "Post_title_idx"; CREATE INDEX "Post_title_idx" ON "Post"("title" COLLATE "C" NULLS FIRST);'
  ]),
  blog(
    'a B-tree index given an operator class the schema does not declare',
    ['index operator class'],
    (base) => [
      base,
      'DROP INDEX "Post_title_idx"; CREATE INDEX "Post_title_idx" ON "Post"("title" text_pattern_ops);'
    ]
  ),
  blog('an index built with another method', ['index method'], (base) => [
    base,
    'DROP INDEX "User_name_idx"; CREATE INDEX "User_name_idx" ON "User" USING HASH ("name");'
  ]),
  blog('an index created CONCURRENTLY in a migration of its own', ['CONCURRENTLY'], (base) => [
    edit(base, 'CREATE INDEX "Post_title_idx" ON "Post"("title");', ''),
    'CREATE INDEX CONCURRENTLY "Post_title_idx" ON "Post"("title");'
  ]),
  blog('an index with INCLUDE columns', ['index options'], (base) => [
    base,
    'DROP INDEX "Post_title_idx"; CREATE INDEX "Post_title_idx" ON "Post"("title") INCLUDE ("id");'
  ]),
  blog('a unique index with INCLUDE columns', ['index options'], (base) => [
    base,
    'DROP INDEX "Tag_label_key"; CREATE UNIQUE INDEX "Tag_label_key" ON "Tag"("label") INCLUDE ("id");'
  ]),
  blog('an index with a storage parameter', ['index options'], (base) => [
    base,
    'DROP INDEX "Post_title_idx"; CREATE INDEX "Post_title_idx" ON "Post"("title") WITH (fillfactor = 90);'
  ]),
  blog('an index with INCLUDE columns and a storage parameter', ['index options'], (base) => [
    base,
    'DROP INDEX "Post_title_idx"; CREATE INDEX "Post_title_idx" ON "Post"("title") INCLUDE ("id") WITH (fillfactor = 90);'
  ]),
  blog('an index only the migrations create, with INCLUDE columns', ['index options'], (base) => [
    base,
    'CREATE INDEX "post_slug_covering" ON "Post"("slug") INCLUDE ("title");'
  ]),
  blog('an index created CONCURRENTLY IF NOT EXISTS', ['index options', 'CONCURRENTLY'], (base) => [
    edit(base, 'CREATE INDEX "Post_title_idx" ON "Post"("title");', ''),
    'CREATE INDEX CONCURRENTLY IF NOT EXISTS "Post_title_idx" ON "Post"("title");'
  ]),
  blog(
    'a partial and an expression index only the migrations create',
    ['partial and expression indexes'],
    (base) => [
      base,
      'CREATE INDEX "posts_published_title" ON "Post"("title") WHERE "publishedAt" IS NOT NULL; CREATE INDEX "users_email_lower" ON "User"(lower("email"));'
    ]
  ),
  blog('a second unique index on a column the schema keeps unique', ['duplicate index'], (base) => [
    base,
    'CREATE UNIQUE INDEX "users_email_old_key" ON "User"("email");'
  ]),
  blog(
    'a second copy of a declared index, and a plain index on a unique column',
    ['duplicate index'],
    (base) => [
      base,
      'CREATE INDEX "post_title_copy" ON "Post"("title"); CREATE INDEX "user_email_plain" ON "User"("email");'
    ]
  ),
  blog(
    'renamed constraints: an index, a unique key, a foreign key and a primary key',
    ['renamed constraint'],
    (base) => [
      base,
      [
        'ALTER INDEX "Post_title_idx" RENAME TO "post_title";',
        'ALTER INDEX "Tag_label_key" RENAME TO "tag_label_unique";',
        'ALTER TABLE "Post" RENAME CONSTRAINT "Post_authorId_fkey" TO "post_author";',
        'ALTER TABLE "Category" RENAME CONSTRAINT "Category_pkey" TO "category_pk";'
      ].join('\n')
    ]
  ),
  blog('a dropped default, an extra column and a column of another type', ['column drift'], (base) => [
    base,
    'ALTER TABLE "User" ALTER COLUMN "role" DROP DEFAULT; ALTER TABLE "Post" ADD COLUMN "legacyId" TEXT; ALTER TABLE "User" ALTER COLUMN "name" TYPE VARCHAR(100);'
  ]),
  blog(
    'a nullable column the schema requires, and a required one it makes optional',
    ['nullability'],
    (base) => [
      base,
      'ALTER TABLE "Post" ALTER COLUMN "title" DROP NOT NULL; ALTER TABLE "Post" ALTER COLUMN "body" SET DEFAULT \'\'; UPDATE "Post" SET "body" = \'\'; ALTER TABLE "Post" ALTER COLUMN "body" SET NOT NULL;'
    ]
  ),
  blog('a foreign key whose ON DELETE differs, and a missing one', ['foreign keys'], (base) => [
    edit(
      edit(
        base,
        /ON DELETE CASCADE ON UPDATE CASCADE;(\s*-- AddForeignKey\s*ALTER TABLE "Post")/,
        'ON DELETE RESTRICT ON UPDATE CASCADE;$1'
      ),
      /ALTER TABLE "PostCategory" ADD CONSTRAINT "PostCategory_categoryId_fkey"[^;]*;/,
      ''
    )
  ]),
  blog('missing objects: a table, an index, a unique key, an enum value', ['missing objects'], (base) => [
    edit(
      edit(
        edit(
          edit(base, /-- CreateTable\s*CREATE TABLE "Tag" \([^;]*;/, ''),
          /CREATE UNIQUE INDEX "Tag_label_key"[^;]*;/,
          ''
        ),
        /CREATE INDEX "Post_authorId_publishedAt_idx"[^;]*;/,
        ''
      ),
      `'ADMIN', 'EDITOR', 'VIEWER'`,
      `'ADMIN', 'VIEWER'`
    )
      .replace(/-- CreateTable\s*CREATE TABLE "_PostToTag"[\s\S]*?;\s*/, '')
      .replace(/CREATE (UNIQUE )?INDEX "_PostToTag[^;]*;/g, '')
      .replace(/ALTER TABLE "_PostToTag"[^;]*;/g, '')
  ]),
  blog('enum values in another order, and a value only the migrations have', ['enums'], (base) => [
    edit(base, `'ADMIN', 'EDITOR', 'VIEWER'`, `'VIEWER', 'ADMIN', 'EDITOR', 'OWNER'`)
  ]),
  blog(
    '@updatedAt given a database default, and a default uuid function',
    ['@updatedAt and dbgenerated'],
    (base) => [
      base,
      'ALTER TABLE "User" ALTER COLUMN "updatedAt" SET DEFAULT CURRENT_TIMESTAMP; ALTER TABLE "Profile" ALTER COLUMN "id" DROP DEFAULT;'
    ]
  ),
  blog('an identity column where Prisma writes SERIAL', ['autoincrement'], (base) => [
    edit(
      base,
      '"id" SERIAL NOT NULL,\n    "label"',
      '"id" INTEGER GENERATED BY DEFAULT AS IDENTITY,\n    "label"'
    )
  ]),
  blog('a composite primary key in another column order', ['composite keys'], (base) => [
    edit(
      base,
      'CONSTRAINT "PostCategory_pkey" PRIMARY KEY ("postId","categoryId")',
      'CONSTRAINT "PostCategory_pkey" PRIMARY KEY ("categoryId","postId")'
    )
  ]),
  blog('raw SQL: a function, a trigger and a check constraint', ['raw objects'], (base) => [
    base,
    `CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW."updatedAt" = now(); RETURN NEW; END $$;
CREATE TRIGGER user_touch BEFORE UPDATE ON "User" FOR EACH ROW EXECUTE FUNCTION touch();
ALTER TABLE "User" ADD CONSTRAINT "balance_not_negative" CHECK ("balance" >= 0);`
  ]),
  {
    name: 'long names: as Prisma truncates them',
    covers: ['names over 63 bytes', 'in sync'],
    schema: LONG_NAMES,
    migrations: (base) => [base]
  },
  {
    name: 'long names: an index name written in full, truncated by PostgreSQL',
    covers: ['names over 63 bytes'],
    schema: LONG_NAMES,
    migrations: (base) => [fullName(base, 'idx')]
  },
  {
    name: 'long names: a foreign key name written in full, truncated by PostgreSQL',
    covers: ['names over 63 bytes'],
    schema: LONG_NAMES,
    migrations: (base) => [fullName(base, 'fkey')]
  },
  {
    name: 'implicit many-to-many: as Prisma 5 and later write it',
    covers: ['implicit many-to-many', 'in sync'],
    schema: MANY_TO_MANY,
    migrations: (base) => [base]
  },
  {
    name: 'implicit many-to-many: a unique index where Prisma now has a primary key',
    covers: ['implicit many-to-many'],
    schema: MANY_TO_MANY,
    migrations: (base) => [
      edit(
        edit(base, /,\s*CONSTRAINT "_ArticleToLabel_AB_pkey" PRIMARY KEY \("A","B"\)/, ''),
        'CREATE INDEX "_ArticleToLabel_B_index"',
        'CREATE UNIQUE INDEX "_ArticleToLabel_AB_unique" ON "_ArticleToLabel"("A", "B");\nCREATE INDEX "_ArticleToLabel_B_index"'
      )
    ]
  },
  {
    name: 'relationMode prisma: as Prisma writes it',
    covers: ['relationMode prisma', 'in sync'],
    schema: RELATION_MODE_PRISMA,
    migrations: (base) => [base]
  },
  {
    name: 'relationMode prisma: foreign keys left from before',
    covers: ['relationMode prisma'],
    schema: RELATION_MODE_PRISMA,
    migrations: (base) => [
      base,
      'ALTER TABLE "Member" ADD CONSTRAINT "Member_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;'
    ]
  },
  {
    name: 'platform: several schemas, a view, extensions and native types as Prisma writes them',
    covers: ['several schemas', 'views', 'extensions', 'native types', 'index methods', 'in sync'],
    schema: PLATFORM,
    schemas: ['public', 'audit'],
    migrations: (base) => [base, 'CREATE VIEW "CustomerName" AS SELECT "id", "name" FROM "Customer";']
  },
  {
    name: 'platform: another native type, a missing table in the second schema, an undeclared extension',
    covers: ['several schemas', 'native types', 'extensions'],
    schema: PLATFORM,
    schemas: ['public', 'audit'],
    migrations: (base) => [
      edit(
        edit(base, '"name" VARCHAR(120) NOT NULL', '"name" VARCHAR(200) NOT NULL'),
        /-- CreateTable\s*CREATE TABLE "audit"\."Event" \([^;]*;/,
        ''
      ).replace(/CREATE INDEX "Event_kind_idx"[^;]*;/, ''),
      'CREATE EXTENSION IF NOT EXISTS "hstore";'
    ]
  }
]
