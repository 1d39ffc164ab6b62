// GET /openapi.json: the backend's HTTP API, with request and response bodies generated from the
// same zod schemas the routes parse with (shared/src/api), so the document cannot drift from them.
import { Hono } from 'hono'
import { z } from 'zod'
import {
  CustomerProfile,
  ExplanationSchema,
  CustomerProfileQuery,
  SubscriptionTraits,
} from '@holdfast/shared/api/customers'
import {
  OutboundDelivery,
  OutboundEndpoint,
  OutboundEndpointCreate,
  OutboundEndpointCreated,
  OutboundEndpointUpdate,
  OutboundEvent,
} from '@holdfast/shared/api/outbound'
import {
  SegmentCreate,
  SegmentDeleted,
  SegmentList,
  SegmentMembersPage,
  SegmentMembersQuery,
  SegmentPreview,
  SegmentPreviewRequest,
  SegmentSummary,
  SegmentUpdate,
} from '@holdfast/shared/api/segments'
import {
  IdentitySetting,
  IngestKeyCreated,
  IngestKeyStatus,
  StageSettings,
  TrackRequest,
  TrackResponse,
} from '@holdfast/shared/api/stages'
import {
  ActionList,
  ActionListQuery,
  ActionResult,
  ActionSummary,
  ApplyDiscountRequest,
  CancelRequest,
  ChangePlanPreview,
  ChangePlanPreviewRequest,
  ChangePlanRequest,
  ExtendTrialRequest,
  PauseCollectionRequest,
  PauseSubscriptionRequest,
  DiscountOptions,
  DiscountOptionsQuery,
  PlanOptions,
  ReactivateRequest,
  ResumeCollectionRequest,
  ResumeSubscriptionRequest,
} from '@holdfast/shared/api/actions'
import {
  CreateOfferRequest,
  Offer,
  OfferList,
  UpdateOfferRequest,
} from '@holdfast/shared/api/offers'
import {
  SyncHealth,
  SyncImportRequest,
  SyncRunDetail,
  SyncStarted,
} from '@holdfast/shared/api/sync'
import { GuardrailCheck, OfferGuardrails } from '@holdfast/shared/api/guardrails'
import { RoleOverrideRequest, RolePolicyAnswer } from '@holdfast/shared/roles/policy'
import { RuleNode } from '@holdfast/shared/segments/rule'
import type { AppDeps } from '../../kernel/deps'
import type { AppEnv } from '../context'

type Op = {
  summary: string
  tag: string
  auth?: 'extension' | 'ingest' | 'stripe' | 'none'
  params?: string[]
  query?: z.ZodObject
  body?: z.ZodType
  response?: z.ZodType
  status?: number
  contentType?: string
}

// Recursive schemas (rule trees, explanations) become named entries of components.schemas: zod
// would otherwise embed them as `definitions` inside each schema, with `$ref`s that do not
// resolve from the document's root (an OpenAPI 3.0 document has no top-level `definitions`).
const schemaNames = z.registry<{ id: string }>()
schemaNames.add(RuleNode, { id: 'RuleNode' })
schemaNames.add(ExplanationSchema, { id: 'ExplanationNode' })

type JsonSchema = Record<string, unknown>

function pointRefsAtComponents(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(pointRefsAtComponents)
  if (node === null || typeof node !== 'object') return node
  const out: JsonSchema = {}
  for (const [key, value] of Object.entries(node)) {
    out[key] =
      key === '$ref' && typeof value === 'string'
        ? value.replace('#/definitions/', '#/components/schemas/')
        : pointRefsAtComponents(value)
  }
  return out
}

/** The JSON schema of `schema`; named sub-schemas are moved into `components` (one entry per name). */
function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output', components: Map<string, unknown>) {
  const { definitions, ...rest } = z.toJSONSchema(schema, {
    io,
    unrepresentable: 'any',
    target: 'openapi-3.0',
    metadata: schemaNames,
  }) as JsonSchema & { definitions?: Record<string, unknown> }
  for (const [name, definition] of Object.entries(definitions ?? {})) {
    const entry = pointRefsAtComponents(definition)
    const known = components.get(name)
    if (known !== undefined && JSON.stringify(known) !== JSON.stringify(entry)) {
      throw new Error(`openapi: two different schemas are named ${name}`)
    }
    components.set(name, entry)
  }
  return pointRefsAtComponents(rest)
}

const ErrorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), requestId: z.string().optional() }),
})

const ops: Record<string, Record<string, Op>> = {
  '/healthz': { get: { summary: 'Liveness and database check', tag: 'Service', auth: 'none' } },
  '/': {
    get: {
      summary: 'Operator page (HTML; needs OPERATOR_TOKEN: Bearer header or sign-in cookie)',
      tag: 'Service',
      auth: 'none',
      contentType: 'text/html',
    },
  },
  '/operator.json': {
    get: {
      summary: 'Operator overview as JSON (needs OPERATOR_TOKEN: Bearer header or sign-in cookie)',
      tag: 'Service',
      auth: 'none',
    },
  },
  '/login': {
    get: {
      summary: 'Operator sign-in form (HTML)',
      tag: 'Service',
      auth: 'none',
      contentType: 'text/html',
    },
    post: {
      summary: 'Operator sign-in with OPERATOR_TOKEN (form field token); sets the session cookie',
      tag: 'Service',
      auth: 'none',
      contentType: 'text/html',
    },
  },
  '/login/{code}': {
    get: {
      summary: 'One-time operator sign-in link (printed by the demo); sets the session cookie',
      tag: 'Service',
      auth: 'none',
      params: ['code'],
      contentType: 'text/html',
    },
  },
  '/openapi.json': { get: { summary: 'This document', tag: 'Service', auth: 'none' } },
  '/webhooks/stripe': {
    post: { summary: 'Stripe (Connect) webhook intake', tag: 'Service', auth: 'stripe' },
  },
  '/oauth/install': { get: { summary: 'Start the OAuth install', tag: 'Install', auth: 'none' } },
  '/oauth/callback': { get: { summary: 'OAuth redirect target', tag: 'Install', auth: 'none' } },
  '/v1/track': {
    post: {
      summary: 'Record activity of one customer from your product',
      tag: 'Activity',
      auth: 'ingest',
      body: TrackRequest,
      response: TrackResponse,
      status: 202,
    },
  },
  '/api/v1/account': { get: { summary: 'This installation', tag: 'Account' } },
  '/api/v1/account/api-key/check': {
    post: {
      summary: 'Check a restricted key: account and missing permissions',
      tag: 'Account',
      body: z.object({ apiKey: z.string() }),
    },
  },
  '/api/v1/account/api-key': {
    post: {
      summary: 'Save a restricted key (sealed) and start the import',
      tag: 'Account',
      body: z.object({ apiKey: z.string() }),
    },
  },
  '/api/v1/account/disconnect': {
    post: {
      summary: 'Disconnect: tokens deleted now, data after the grace period',
      tag: 'Account',
    },
  },
  '/api/v1/subscriptions/{id}/pause-collection': {
    post: {
      summary: 'Pause collection',
      tag: 'Actions',
      params: ['id'],
      body: PauseCollectionRequest,
      response: ActionResult,
    },
  },
  '/api/v1/subscriptions/{id}/resume-collection': {
    post: {
      summary: 'Resume collection',
      tag: 'Actions',
      params: ['id'],
      body: ResumeCollectionRequest,
      response: ActionResult,
    },
  },
  '/api/v1/subscriptions/{id}/pause-subscription': {
    post: {
      summary: 'Pause the subscription (status paused: no invoices, no access, renewal moves)',
      tag: 'Actions',
      params: ['id'],
      body: PauseSubscriptionRequest,
      response: ActionResult,
    },
  },
  '/api/v1/subscriptions/{id}/resume-subscription': {
    post: {
      summary: 'Resume a paused subscription (new period now, or the old renewal date prorated)',
      tag: 'Actions',
      params: ['id'],
      body: ResumeSubscriptionRequest,
      response: ActionResult,
    },
  },
  '/api/v1/subscriptions/{id}/apply-discount/check': {
    post: {
      summary: 'Check a discount against the offer guardrails before confirming (no change)',
      tag: 'Actions',
      params: ['id'],
      body: ApplyDiscountRequest,
      response: GuardrailCheck,
    },
  },
  '/api/v1/subscriptions/{id}/apply-discount': {
    post: {
      summary: 'Apply a discount (offer, coupon or promotion code), keeping the others',
      tag: 'Actions',
      params: ['id'],
      body: ApplyDiscountRequest,
      response: ActionResult,
    },
  },
  '/api/v1/subscriptions/{id}/change-plan/preview': {
    post: {
      summary: 'What a plan change costs now and on the next invoice',
      tag: 'Actions',
      params: ['id'],
      body: ChangePlanPreviewRequest,
      response: ChangePlanPreview,
    },
  },
  '/api/v1/subscriptions/{id}/change-plan': {
    post: {
      summary: 'Change plan (quantity kept, proration as chosen)',
      tag: 'Actions',
      params: ['id'],
      body: ChangePlanRequest,
      response: ActionResult,
    },
  },
  '/api/v1/subscriptions/{id}/cancel': {
    post: {
      summary: 'Cancel now or at period end',
      tag: 'Actions',
      params: ['id'],
      body: CancelRequest,
      response: ActionResult,
    },
  },
  '/api/v1/subscriptions/{id}/reactivate': {
    post: {
      summary: 'Undo a period-end cancellation',
      tag: 'Actions',
      params: ['id'],
      body: ReactivateRequest,
      response: ActionResult,
    },
  },
  '/api/v1/subscriptions/{id}/extend-trial': {
    post: {
      summary: 'Extend a trial',
      tag: 'Actions',
      params: ['id'],
      body: ExtendTrialRequest,
      response: ActionResult,
    },
  },
  '/api/v1/actions': {
    get: {
      summary: 'Audited action runs, filtered and paged',
      tag: 'Actions',
      query: ActionListQuery,
      response: ActionList,
    },
  },
  '/api/v1/actions/summary': {
    get: {
      summary: 'Saves and saved MRR by offer and by agent',
      tag: 'Actions',
      response: ActionSummary,
    },
  },
  '/api/v1/offers': {
    get: { summary: 'Offers of this mode', tag: 'Offers', response: OfferList },
    post: {
      summary: 'Create an offer (a discount offer creates its coupon)',
      tag: 'Offers',
      body: CreateOfferRequest,
      response: Offer,
      status: 201,
    },
  },
  '/api/v1/offers/{id}': {
    get: { summary: 'One offer', tag: 'Offers', params: ['id'], response: Offer },
    patch: {
      summary: 'Rename an offer',
      tag: 'Offers',
      params: ['id'],
      body: UpdateOfferRequest,
      response: Offer,
    },
    delete: { summary: 'Archive an offer', tag: 'Offers', params: ['id'], response: Offer },
  },
  '/api/v1/settings/guardrails': {
    get: {
      summary: 'Offer guardrails: cooldown, per-customer maximum, approval limits',
      tag: 'Offers',
      response: OfferGuardrails,
    },
    put: {
      summary: 'Set the offer guardrails (null turns one off)',
      tag: 'Offers',
      body: OfferGuardrails,
      response: OfferGuardrails,
    },
  },
  '/api/v1/sync': {
    get: {
      summary:
        'Sync health: per object type state, counts vs Stripe, lag, failures, last reconciliation',
      tag: 'Sync',
      response: SyncHealth,
    },
  },
  '/api/v1/sync/import': {
    post: {
      summary: 'Start an import (existing data, or changes only)',
      tag: 'Sync',
      body: SyncImportRequest,
      response: SyncStarted,
    },
  },
  '/api/v1/sync/reconcile': {
    post: { summary: 'Start a reconciliation now', tag: 'Sync', response: SyncStarted },
  },
  '/api/v1/sync/runs/{runId}': {
    get: {
      summary: 'One import or reconciliation run',
      tag: 'Sync',
      params: ['runId'],
      response: SyncRunDetail,
    },
  },
  '/api/v1/customers/{id}': {
    get: {
      summary: 'Customer profile: traits, segments with explanations, stage, timeline, actions',
      tag: 'Customers',
      params: ['id'],
      query: CustomerProfileQuery,
      response: CustomerProfile,
    },
  },
  '/api/v1/subscriptions/{id}': {
    get: {
      summary: "One subscription's traits",
      tag: 'Customers',
      params: ['id'],
      response: SubscriptionTraits,
    },
  },
  '/api/v1/subscriptions/{id}/plan-options': {
    get: {
      summary: "A subscription's items and the synced prices a plan change can pick",
      tag: 'Actions',
      params: ['id'],
      response: PlanOptions,
    },
  },
  '/api/v1/subscriptions/{id}/discount-options': {
    get: {
      summary:
        'A page of the synced coupons or promotion codes a discount can apply to this subscription (valid, in its currency)',
      tag: 'Actions',
      params: ['id'],
      query: DiscountOptionsQuery,
      response: DiscountOptions,
    },
  },
  '/api/v1/segments': {
    get: { summary: 'Segments with member counts and MRR', tag: 'Segments', response: SegmentList },
    post: {
      summary: 'Create a custom segment',
      tag: 'Segments',
      body: SegmentCreate,
      response: SegmentSummary,
      status: 201,
    },
  },
  '/api/v1/segments/preview': {
    post: {
      summary: 'Live count: members and MRR for an unsaved rule',
      tag: 'Segments',
      body: SegmentPreviewRequest,
      response: SegmentPreview,
    },
  },
  '/api/v1/segments/{id}': {
    get: { summary: 'One segment', tag: 'Segments', params: ['id'], response: SegmentSummary },
    patch: {
      summary: 'Edit or hide a segment (a rule change recomputes membership)',
      tag: 'Segments',
      params: ['id'],
      body: SegmentUpdate,
      response: SegmentSummary,
    },
    delete: {
      summary: 'Delete a custom segment (predefined ones can only be hidden)',
      tag: 'Segments',
      params: ['id'],
      response: SegmentDeleted,
    },
  },
  '/api/v1/segments/{id}/customers': {
    get: {
      summary: 'Members, paged by customer id',
      tag: 'Segments',
      params: ['id'],
      query: SegmentMembersQuery,
      response: SegmentMembersPage,
    },
  },
  '/api/v1/segments/{id}/export.csv': {
    get: { summary: 'Members as CSV', tag: 'Segments', params: ['id'], contentType: 'text/csv' },
  },
  '/api/v1/stages/settings': {
    get: { summary: 'Status → stage mapping', tag: 'Stages', response: StageSettings },
    put: {
      summary: 'Change the mapping (recomputes every stage)',
      tag: 'Stages',
      body: StageSettings,
      response: StageSettings,
    },
  },
  '/api/v1/settings/ingest-key': {
    get: { summary: 'Whether an ingest key exists', tag: 'Activity', response: IngestKeyStatus },
    post: {
      summary: 'Create or rotate the ingest key (shown once)',
      tag: 'Activity',
      response: IngestKeyCreated,
      status: 201,
    },
  },
  '/api/v1/settings/identity': {
    put: {
      summary: 'How /v1/track resolves userId: email or a metadata key',
      tag: 'Activity',
      body: IdentitySetting,
      response: IdentitySetting,
    },
  },
  '/api/v1/settings/roles': {
    get: {
      summary: 'What each Dashboard role may do here, and what you may',
      tag: 'Account',
      response: RolePolicyAnswer,
    },
  },
  '/api/v1/settings/roles/{role}': {
    put: {
      summary: 'Override what a role may do (administrators only)',
      tag: 'Account',
      params: ['role'],
      body: RoleOverrideRequest,
      response: RolePolicyAnswer,
    },
    delete: {
      summary: "Back to the role's default (administrators only)",
      tag: 'Account',
      params: ['role'],
      response: RolePolicyAnswer,
    },
  },
  '/api/v1/outbound/endpoints': {
    get: {
      summary: 'Downstream webhook endpoints',
      tag: 'Outbound',
      response: z.object({ endpoints: z.array(OutboundEndpoint) }),
    },
    post: {
      summary: 'Add an endpoint (secret shown once)',
      tag: 'Outbound',
      body: OutboundEndpointCreate,
      response: OutboundEndpointCreated,
      status: 201,
    },
  },
  '/api/v1/outbound/endpoints/{id}': {
    patch: {
      summary: 'Change an endpoint',
      tag: 'Outbound',
      params: ['id'],
      body: OutboundEndpointUpdate,
      response: OutboundEndpoint,
    },
    delete: { summary: 'Remove an endpoint', tag: 'Outbound', params: ['id'] },
  },
  '/api/v1/outbound/endpoints/{id}/deliveries': {
    get: {
      summary: 'Latest 100 deliveries',
      tag: 'Outbound',
      params: ['id'],
      response: z.object({ deliveries: z.array(OutboundDelivery) }),
    },
  },
}

export function buildOpenApiDocument(publicUrl?: string) {
  const components = new Map<string, unknown>()
  const json = (schema: z.ZodType, io: 'input' | 'output') => jsonSchemaOf(schema, io, components)
  const paths: Record<string, Record<string, unknown>> = {}
  for (const [path, methods] of Object.entries(ops)) {
    paths[path] = {}
    for (const [method, op] of Object.entries(methods)) {
      const auth = op.auth ?? 'extension'
      const queryProps = op.query ? Object.keys(op.query.shape) : []
      paths[path][method] = {
        summary: op.summary,
        tags: [op.tag],
        security:
          auth === 'extension' ? [{ stripeApp: [] }] : auth === 'ingest' ? [{ ingestKey: [] }] : [],
        parameters: [
          ...(op.params ?? []).map((name) => ({
            name,
            in: 'path',
            required: true,
            schema: { type: 'string' },
          })),
          ...queryProps.map((name) => ({
            name,
            in: 'query',
            required: false,
            schema: json(op.query!.shape[name] as z.ZodType, 'input'),
          })),
        ],
        ...(op.body
          ? {
              requestBody: {
                required: true,
                content: { 'application/json': { schema: json(op.body, 'input') } },
              },
            }
          : {}),
        responses: {
          [String(op.status ?? 200)]: {
            description: 'OK',
            content: op.contentType
              ? { [op.contentType]: { schema: { type: 'string' } } }
              : op.response
                ? { 'application/json': { schema: json(op.response, 'output') } }
                : { 'application/json': { schema: { type: 'object' } } },
          },
          default: {
            description: 'Error',
            content: { 'application/json': { schema: json(ErrorBody, 'output') } },
          },
        },
      }
    }
  }
  return {
    openapi: '3.0.3',
    info: {
      title: 'Holdfast backend API',
      version: '1',
      description:
        'Routes under /api are called by the Holdfast Stripe App, signed with fetchStripeSignature(). ' +
        'Outbound webhooks are POSTed with a `Holdfast-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "t.body">` header; ' +
        'their body is the OutboundEvent schema.',
    },
    servers: publicUrl ? [{ url: publicUrl }] : [],
    components: {
      securitySchemes: {
        stripeApp: {
          type: 'apiKey',
          in: 'header',
          name: 'Stripe-Signature',
          description: 'Stripe App signature over {user_id, account_id} plus x-holdfast-* headers',
        },
        ingestKey: { type: 'http', scheme: 'bearer', description: 'Ingest key hf_ik_…' },
      },
      schemas: {
        OutboundEvent: json(OutboundEvent, 'output'),
        ...Object.fromEntries([...components].sort(([a], [b]) => a.localeCompare(b))),
      },
    },
    paths,
  }
}

export function openApiRoutes(deps: AppDeps) {
  let cached: ReturnType<typeof buildOpenApiDocument> | undefined
  return new Hono<AppEnv>().get('/openapi.json', (c) => {
    cached ??= buildOpenApiDocument(deps.config.publicUrl)
    return c.json(cached)
  })
}
