// Runs once before the pglite project: migrates one PGlite database (ours and pg-boss's schema)
// and leaves its dump in a file that every test process copies (test-database.ts).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildMigratedPgliteDump } from './test-database'

export default async function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'holdfast-pglite-'))
  const file = join(dir, 'migrated.tar')
  writeFileSync(file, Buffer.from(await (await buildMigratedPgliteDump()).arrayBuffer()))
  process.env.HOLDFAST_TEST_PGLITE_DUMP = file
  return () => rmSync(dir, { recursive: true, force: true })
}
