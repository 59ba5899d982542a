export default async function globalTeardown() {
  await globalThis.__MSC_PG__?.stop()
}
