// Runs before the Postgres project: DATABASE_URL set but unreachable fails the whole run.
import postgres from 'postgres'

export default async function setup() {
  const url = process.env.DATABASE_URL
  if (!url) throw new Error('The postgres test project needs DATABASE_URL')
  const sql = postgres(url, { max: 1, connect_timeout: 5, onnotice: () => {} })
  try {
    await sql`select 1`
  } catch (err) {
    throw new Error(
      `DATABASE_URL is set but Postgres does not answer (${(err as Error).message}). ` +
        'Start it, or unset DATABASE_URL to test on PGlite only.'
    )
  } finally {
    await sql.end({ timeout: 2 })
  }
}
