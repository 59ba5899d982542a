// Seeds the sample CMS with a few users and articles. It sets only the
// minimal user fields, as the design doc describes: every column the auth
// migration added is nullable or has a default.
import { PrismaPg } from '@prisma/adapter-pg'
import { PrismaClient } from '../generated/prisma/index.js'

const prisma = new PrismaClient({
  adapter: new PrismaPg({ connectionString: process.env.DATABASE_URL })
})

async function main() {
  const admin = await prisma.user.upsert({
    where: { email: 'admin@example.com' },
    update: {},
    create: {
      email: 'admin@example.com',
      passwordHash: '$2b$10$seedseedseedseedseedseOq8Hh3L2eQ1bE6Xn8i0Q1',
      name: 'Ada Admin',
      role: 'ADMIN'
    }
  })
  const editor = await prisma.user.upsert({
    where: { email: 'editor@example.com' },
    update: {},
    create: {
      email: 'editor@example.com',
      passwordHash: '$2b$10$seedseedseedseedseedseOq8Hh3L2eQ1bE6Xn8i0Q2',
      name: 'Eddie Editor'
    }
  })
  const news = await prisma.category.upsert({
    where: { slug: 'news' },
    update: {},
    create: { name: 'News', slug: 'news' }
  })
  await prisma.article.upsert({
    where: { slug: 'hello-world' },
    update: {},
    create: {
      title: 'Hello, world',
      slug: 'hello-world',
      body: 'The first article of the sample CMS.',
      status: 'PUBLISHED',
      tags: ['welcome'],
      publishedAt: new Date('2025-03-01T09:00:00Z'),
      authorId: editor.id,
      categoryId: news.id
    }
  })
  console.log(`Seeded users ${admin.email} and ${editor.email}`)
}

main()
  .catch((e) => {
    console.error('❌ Seeding failed:', e)
    process.exit(1)
  })
  .finally(async () => {
    await prisma.$disconnect()
  })
