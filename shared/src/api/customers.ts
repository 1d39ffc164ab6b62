// The extension ↔ backend contract for one customer (and one subscription): traits grouped for
// display, segments with why the customer is in them, lifecycle stage, a timeline page and the
// retention actions that apply now.
import { z } from 'zod'
import { LifecycleStage } from '../stages/stages'
import { TraitGroup, TraitType } from '../traits/catalog'

export const TraitValueSchema = z.union([z.string(), z.number(), z.boolean(), z.null()])

export const TraitEntry = z.object({
  key: z.string(),
  label: z.string(),
  type: TraitType,
  value: TraitValueSchema,
  /** For money traits: the currency of `value` (minor units). */
  currency: z.string().optional(),
})
export type TraitEntry = z.infer<typeof TraitEntry>

export const TraitGroupEntry = z.object({ group: TraitGroup, traits: z.array(TraitEntry) })
export type TraitGroupEntry = z.infer<typeof TraitGroupEntry>

export type ExplanationNode =
  | {
      kind: 'condition'
      trait: string
      op: string
      value?: unknown
      actual: string | number | boolean | null
      matched: boolean
      text: string
    }
  | { kind: 'group'; match: 'all' | 'any'; matched: boolean; children: ExplanationNode[] }

export const ExplanationSchema: z.ZodType<ExplanationNode> = z.lazy(() =>
  z.union([
    z.object({
      kind: z.literal('condition'),
      trait: z.string(),
      op: z.string(),
      value: z.unknown().optional(),
      actual: TraitValueSchema,
      matched: z.boolean(),
      text: z.string(),
    }),
    z.object({
      kind: z.literal('group'),
      match: z.enum(['all', 'any']),
      matched: z.boolean(),
      children: z.array(ExplanationSchema),
    }),
  ])
)

export const CustomerSegment = z.object({
  id: z.string(),
  name: z.string(),
  predefinedKey: z.string().nullable(),
  /** When the customer entered (null if membership is not stored yet). */
  enteredAt: z.string().nullable(),
  /** Why the customer is a member, evaluated against the current traits. */
  explanation: ExplanationSchema,
})
export type CustomerSegment = z.infer<typeof CustomerSegment>

export const TimelineEntry = z.object({
  id: z.string(),
  kind: z.string(),
  title: z.string(),
  at: z.string(),
  details: z.unknown().nullable(),
})
export type TimelineEntry = z.infer<typeof TimelineEntry>

export const TimelinePage = z.object({
  entries: z.array(TimelineEntry),
  /** Pass as `timelineCursor` for the next (older) page; null at the end. */
  nextCursor: z.string().nullable(),
})
export type TimelinePage = z.infer<typeof TimelinePage>

export const AvailableAction = z.object({
  kind: z.string(),
  label: z.string(),
  subscriptionId: z.string().nullable(),
})
export type AvailableAction = z.infer<typeof AvailableAction>

export const CustomerProfile = z.object({
  customerId: z.string(),
  computedAt: z.string(),
  traits: z.array(TraitGroupEntry),
  segments: z.array(CustomerSegment),
  stage: z.object({ stage: LifecycleStage, since: z.string().nullable() }),
  timeline: TimelinePage,
  actions: z.array(AvailableAction),
})
export type CustomerProfile = z.infer<typeof CustomerProfile>

export const CustomerProfileQuery = z.object({
  timelineCursor: z.string().max(100).optional(),
  timelineLimit: z.coerce.number().int().min(1).max(100).default(20),
})

export const SubscriptionTraits = z.object({
  subscriptionId: z.string(),
  customerId: z.string(),
  status: z.string().nullable(),
  traits: z.array(TraitGroupEntry),
})
export type SubscriptionTraits = z.infer<typeof SubscriptionTraits>
