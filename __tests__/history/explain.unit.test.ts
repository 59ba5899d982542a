/** How the upgrade test words a failure caused by existing rows, from the statement's parse tree. */
import { explainDataFailure } from '../../src/upgrade/index.js'

describe('explainDataFailure', () => {
  const nulls = { code: '23502', table: 'users', column: 'nickname' }

  test('ADD COLUMN … NOT NULL, however the statement is spelled', () => {
    for (const statement of [
      'ALTER TABLE "users" ADD COLUMN "nickname" TEXT NOT NULL',
      'alter table users add nickname text not null',
      'ALTER TABLE ONLY public.users ADD COLUMN IF NOT EXISTS nickname TEXT NOT NULL, ADD COLUMN x INT'
    ])
      expect(explainDataFailure(nulls, statement, 3)).toMatch(
        /^ADD COLUMN "nickname" … NOT NULL without a default/
      )
  })

  test('SET NOT NULL; a comment or a string that only mentions ADD COLUMN does not count', () => {
    expect(explainDataFailure(nulls, 'ALTER TABLE "users" ALTER COLUMN "nickname" SET NOT NULL', 3)).toMatch(
      /^SET NOT NULL on "users"\."nickname"/
    )
    expect(
      explainDataFailure(nulls, "-- ADD COLUMN nickname\nUPDATE users SET bio = 'ADD COLUMN nickname x'", 3)
    ).toMatch(/^Existing rows of "users" hold NULL/)
  })
})
