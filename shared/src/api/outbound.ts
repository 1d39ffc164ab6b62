// Downstream webhooks: endpoints a merchant registers, and the log of what we sent them.
import { z } from 'zod'

export const OUTBOUND_EVENT_TYPES = ['segment.entered', 'segment.left', 'stage.changed'] as const
export const OutboundEventType = z.enum(OUTBOUND_EVENT_TYPES)
export type OutboundEventType = z.infer<typeof OutboundEventType>

export const OutboundEndpointCreate = z.strictObject({
  url: z.url({ protocol: /^https?$/ }).max(2000),
  eventTypes: z
    .array(OutboundEventType)
    .min(1)
    .default([...OUTBOUND_EVENT_TYPES]),
})

export const OutboundEndpointUpdate = z
  .strictObject({
    url: z
      .url({ protocol: /^https?$/ })
      .max(2000)
      .optional(),
    eventTypes: z.array(OutboundEventType).min(1).optional(),
    enabled: z.boolean().optional(),
  })
  .refine((b) => Object.keys(b).length > 0, {
    message: 'give at least one of url, eventTypes or enabled to change',
  })

export const OutboundEndpoint = z.object({
  id: z.string(),
  url: z.string(),
  eventTypes: z.array(OutboundEventType),
  enabled: z.boolean(),
  createdAt: z.string(),
})
export type OutboundEndpoint = z.infer<typeof OutboundEndpoint>

export const OutboundEndpointCreated = OutboundEndpoint.extend({
  /** Shown once: verify the `Holdfast-Signature` header with it. */
  secret: z.string(),
})

export const OutboundDelivery = z.object({
  id: z.string(),
  eventType: OutboundEventType,
  state: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.number().int(),
  lastStatus: z.number().int().nullable(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  deliveredAt: z.string().nullable(),
})

/** The JSON body we POST downstream. */
export const OutboundEvent = z.object({
  id: z.string(),
  type: OutboundEventType,
  created: z.number().int(),
  accountId: z.string(),
  livemode: z.boolean(),
  data: z.object({
    customerId: z.string(),
    segment: z.object({ id: z.string(), name: z.string() }).optional(),
    stage: z.object({ from: z.string().nullable(), to: z.string() }).optional(),
  }),
})
export type OutboundEvent = z.infer<typeof OutboundEvent>
