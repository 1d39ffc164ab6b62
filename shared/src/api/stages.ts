// Account settings behind lifecycle stages and activity: the status → stage mapping, the
// identity key POST /v1/track resolves customers by, and the ingest key that authenticates it.
import { z } from 'zod'
import { StageMapping } from '../stages/stages'

export const StageSettings = z.object({ mapping: StageMapping })
export type StageSettings = z.infer<typeof StageSettings>

/** How POST /v1/track finds the customer behind `userId`: by email or a customer metadata key. */
export const IdentitySetting = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('email') }),
  z.strictObject({
    kind: z.literal('metadata'),
    key: z
      .string()
      .min(1)
      .max(40)
      .regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . - only'),
  }),
])
export type IdentitySetting = z.infer<typeof IdentitySetting>

export const IngestKeyStatus = z.object({
  exists: z.boolean(),
  createdAt: z.string().nullable(),
  identity: IdentitySetting,
})

export const IngestKeyCreated = z.object({
  /** Shown once: store it in the product that calls POST /v1/track. */
  key: z.string(),
  createdAt: z.string(),
})

/** 9999-12-31T23:59:59Z: any later date is a mistake (JS dates end at 8.64e12 s, Postgres sooner). */
const MAX_UNIX_SECONDS = 253_402_300_799
const Timestamp = z.union([
  z
    .number()
    .int()
    .positive()
    .max(MAX_UNIX_SECONDS, 'unix seconds, at most 253402300799 (year 9999)'),
  z.iso.datetime({ offset: true }).refine((iso) => {
    const ms = Date.parse(iso)
    return ms >= 0 && ms <= MAX_UNIX_SECONDS * 1000
  }, 'a date between 1970 and 9999'),
])

export const TrackRequest = z
  .strictObject({
    customerId: z.string().min(1).max(255).optional(),
    email: z.string().min(3).max(512).optional(),
    metadata: z
      .strictObject({ key: z.string().min(1).max(40), value: z.string().min(1).max(500) })
      .optional(),
    /** Your own user id, matched by the account's identity setting (email or metadata key). */
    userId: z.string().min(1).max(500).optional(),
    event: z.string().min(1).max(200),
    /** Unix seconds or ISO 8601; defaults to now. */
    timestamp: Timestamp.optional(),
  })
  .refine(
    (b) =>
      [b.customerId, b.email, b.metadata, b.userId].filter((v) => v !== undefined).length === 1,
    { message: 'give exactly one of customerId, email, metadata or userId' }
  )
export type TrackRequest = z.infer<typeof TrackRequest>

export const TrackResponse = z.object({
  customerId: z.string(),
  lastActivityAt: z.string(),
})
