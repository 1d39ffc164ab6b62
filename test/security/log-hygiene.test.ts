// A failed query must not put its parameters (customer emails, whole payloads) in a log line, nor
// in the failure we store and show on the operator page.
import { sql } from 'drizzle-orm'
import { afterEach, expect, test } from 'vitest'
import { stripeEvents } from '../../backend/src/db/schema'
import { startHarness, type Harness } from '../support/harness'
import { waitFor } from '../support/wait'

let h: Harness | undefined
afterEach(async () => {
  await h?.close()
  h = undefined
})

test('a webhook whose write fails logs the SQL and the reason, never the customer email', async () => {
  const logLines: string[] = []
  h = await startHarness({ emulator: true, logLines, env: { OPERATOR_TOKEN: 'op-token-logs' } })
  const merchant = await h.installMerchant()
  const email = 'refused-by-db@example.com'
  // The database refuses this one row, as it would a value out of range or an encoding it rejects.
  await h.database.executeSql(
    `alter table stripe_customers add constraint refuse_one_email check (email <> '${email}')`
  )

  await h.stripeAs(merchant.accountId).customers.create({ email, name: 'Refused' })
  const failedLine = () =>
    logLines.find((l) => l.includes('"msg":"event not applied"') && l.includes('customer.created'))
  await waitFor(async () => failedLine() !== undefined, { what: 'the failed apply is logged' })

  expect(failedLine()).toMatch(/Failed query \(.+\): .*refuse_one_email.*\(SQLSTATE 23514\)/)
  expect(logLines.join('\n')).not.toContain(email)
  const storedErrors = async () =>
    (await h!.db().select({ error: stripeEvents.error }).from(stripeEvents))
      .map((e) => e.error)
      .filter(Boolean)
  await waitFor(async () => (await storedErrors()).length > 0, { what: 'the failure stored' })
  const errors = await storedErrors()
  expect(errors.join('\n')).not.toContain(email)
  const overview = await h.request('/operator.json', {
    headers: { authorization: `Bearer ${h.config.operatorToken}` },
  })
  expect(JSON.stringify(overview.body)).not.toContain(email)
})

test('a logged query error keeps the statement and the database reason, not the values', async () => {
  const logLines: string[] = []
  h = await startHarness({ logLines })
  const email = 'someone@example.com'
  const err = await h
    .db()
    .execute(sql`select ${email}::jsonb as broken`)
    .catch((e: unknown) => e)
  expect(err).toBeInstanceOf(Error)
  h.log.error('query failed', { err })
  const line = logLines.find((l) => l.includes('"msg":"query failed"'))
  expect(line).toContain('Failed query (select $1::jsonb as broken')
  expect(line).not.toContain(email)
  expect(line).not.toContain('someone')
})
