// Ingest keys authenticate POST /v1/track from the merchant's own product. We store only a
// SHA-256 of the key; creating a new one revokes the previous one (rotation), and the key is
// shown once.
import type { Scope } from '../kernel/scope'
import { createHash, randomBytes } from 'node:crypto'
import { and, desc, eq, isNull, ne } from 'drizzle-orm'
import type { Db } from '../db/client'
import { accounts, ingestKeys } from '../db/schema'

export const hashIngestKey = (key: string) => createHash('sha256').update(key).digest('hex')

export async function rotateIngestKey(
  db: Db,
  scope: Scope,
  now: Date
): Promise<{ key: string; createdAt: Date }> {
  const key = `hf_ik_${scope.livemode ? 'live' : 'test'}_${randomBytes(24).toString('base64url')}`
  await db.transaction(async (tx) => {
    await tx
      .update(ingestKeys)
      .set({ revokedAt: now })
      .where(
        and(
          eq(ingestKeys.accountId, scope.accountId),
          eq(ingestKeys.livemode, scope.livemode),
          isNull(ingestKeys.revokedAt)
        )
      )
    await tx.insert(ingestKeys).values({ keyHash: hashIngestKey(key), ...scope, createdAt: now })
  })
  return { key, createdAt: now }
}

export async function currentIngestKey(db: Db, scope: Scope) {
  const [row] = await db
    .select({ createdAt: ingestKeys.createdAt })
    .from(ingestKeys)
    .where(
      and(
        eq(ingestKeys.accountId, scope.accountId),
        eq(ingestKeys.livemode, scope.livemode),
        isNull(ingestKeys.revokedAt)
      )
    )
    .orderBy(desc(ingestKeys.createdAt))
    .limit(1)
  return row ?? null
}

/** The installation a (non-revoked) key belongs to, or null; none once the app is uninstalled. */
export async function scopeOfIngestKey(db: Db, key: string): Promise<Scope | null> {
  const [row] = await db
    .select({ accountId: ingestKeys.accountId, livemode: ingestKeys.livemode })
    .from(ingestKeys)
    .innerJoin(
      accounts,
      and(eq(accounts.accountId, ingestKeys.accountId), eq(accounts.livemode, ingestKeys.livemode))
    )
    .where(
      and(
        eq(ingestKeys.keyHash, hashIngestKey(key)),
        isNull(ingestKeys.revokedAt),
        ne(accounts.status, 'uninstalled')
      )
    )
  return row ?? null
}
