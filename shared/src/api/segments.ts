// The extension ↔ backend contract for segments: list with counts and MRR, members page,
// create/update/delete of custom segments (predefined ones can be edited or hidden, not deleted).
import { z } from 'zod'
import { SegmentRule } from '../segments/rule'

export const MoneyTotals = z.record(z.string(), z.number().int())

export const SegmentSummary = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  predefinedKey: z.string().nullable(),
  hidden: z.boolean(),
  rule: SegmentRule,
  /** The rule in words. */
  ruleText: z.string(),
  version: z.number().int(),
  members: z.number().int(),
  /** Members' MRR per currency, minor units (currencies are never added together). */
  mrr: MoneyTotals,
})
export type SegmentSummary = z.infer<typeof SegmentSummary>

export const SegmentList = z.object({ segments: z.array(SegmentSummary) })
export type SegmentList = z.infer<typeof SegmentList>

export const SegmentListQuery = z.object({
  includeHidden: z.enum(['true', 'false']).default('false'),
})

export const SegmentMember = z.object({
  customerId: z.string(),
  email: z.string().nullable(),
  name: z.string().nullable(),
  subscriptionStatus: z.string().nullable(),
  mrr: MoneyTotals,
  enteredAt: z.string(),
})
export type SegmentMember = z.infer<typeof SegmentMember>

export const SegmentMembersQuery = z.object({
  /** Customer id to start after (from `nextCursor`). */
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
})

export const SegmentMembersPage = z.object({
  members: z.array(SegmentMember),
  nextCursor: z.string().nullable(),
})
export type SegmentMembersPage = z.infer<typeof SegmentMembersPage>

export const SegmentCreate = z.strictObject({
  name: z.string().trim().min(1).max(200),
  description: z.string().max(1000).nullable().optional(),
  rule: SegmentRule,
  hidden: z.boolean().optional(),
})
export type SegmentCreate = z.infer<typeof SegmentCreate>

export const SegmentUpdate = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  description: z.string().max(1000).nullable().optional(),
  rule: SegmentRule.optional(),
  hidden: z.boolean().optional(),
})
export type SegmentUpdate = z.infer<typeof SegmentUpdate>

/** The settings builder's live count: who would be in a segment with this rule, right now. */
export const SegmentPreviewRequest = z.strictObject({ rule: SegmentRule })
export const SegmentPreview = z.object({ members: z.number().int(), mrr: MoneyTotals })
export type SegmentPreview = z.infer<typeof SegmentPreview>

export const SegmentDeleted = z.object({ id: z.string(), deleted: z.literal(true) })
