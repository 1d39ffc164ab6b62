// The whole product's schema. Later issues mostly add columns, not tables.
// Every row that came from Stripe carries account_id + livemode; every query filters on both.
import { sql } from 'drizzle-orm'
import {
  bigint,
  bigserial,
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core'

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
const updatedAt = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()

// ---------------------------------------------------------------------------------------------
// Installations

/** One row per installation: a Stripe account in one mode. Test and live never share a row. */
export const accounts = pgTable(
  'accounts',
  {
    accountId: text('account_id').notNull(),
    livemode: boolean('livemode').notNull(),
    /** installing | active | needs_reauth | uninstalled */
    status: text('status').notNull().default('installing'),
    /** oauth | api_key */
    connection: text('connection').notNull(),
    scope: text('scope'),
    settings: jsonb('settings').notNull().default({}),
    installedAt: timestamp('installed_at', { withTimezone: true }).notNull().defaultNow(),
    uninstalledAt: timestamp('uninstalled_at', { withTimezone: true }),
    /** When an uninstalled account's synced data is deleted (grace period). */
    purgeAfter: timestamp('purge_after', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.livemode] })]
)

/** Secrets for one installation, encrypted at rest (AES-256-GCM, see backend/src/crypto). */
export const credentials = pgTable(
  'credentials',
  {
    accountId: text('account_id').notNull(),
    livemode: boolean('livemode').notNull(),
    /** oauth | restricted_key */
    kind: text('kind').notNull(),
    accessTokenEnc: text('access_token_enc'),
    refreshTokenEnc: text('refresh_token_enc'),
    apiKeyEnc: text('api_key_enc'),
    accessExpiresAt: timestamp('access_expires_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.livemode] })]
)

/** Signing secrets of the Connect webhook endpoints we created (secret only shown at creation). */
export const webhookSecrets = pgTable('webhook_secrets', {
  endpointId: text('endpoint_id').primaryKey(),
  livemode: boolean('livemode').notNull(),
  url: text('url').notNull(),
  secretEnc: text('secret_enc').notNull(),
  createdAt: createdAt(),
})

/** OAuth `state` nonces: single use (used_at set by the callback that uses one), expiring. */
export const oauthStates = pgTable('oauth_states', {
  nonce: text('nonce').primaryKey(),
  livemode: boolean('livemode').notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  usedAt: timestamp('used_at', { withTimezone: true }),
  createdAt: createdAt(),
})

/**
 * An administrator's override of what one Dashboard role may do in this installation
 * (shared/src/roles/policy.ts holds the defaults). No row: the default applies.
 */
export const rolePolicies = pgTable(
  'role_policies',
  {
    accountId: text('account_id').notNull(),
    livemode: boolean('livemode').notNull(),
    role: text('role').notNull(),
    /** Permission names (shared/src/roles/policy.ts PERMISSIONS). */
    permissions: jsonb('permissions').notNull(),
    updatedBy: text('updated_by').notNull(),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.livemode, t.role] })]
)

/** Per-account ingest keys for POST /v1/track (stored as a hash). */
export const ingestKeys = pgTable(
  'ingest_keys',
  {
    keyHash: text('key_hash').primaryKey(),
    accountId: text('account_id').notNull(),
    livemode: boolean('livemode').notNull(),
    createdAt: createdAt(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [index('ingest_keys_account_idx').on(t.accountId, t.livemode)]
)

// ---------------------------------------------------------------------------------------------
// Synced Stripe objects: key columns + the raw object + freshness and tombstone.

function stripeObjectColumns() {
  return {
    accountId: text('account_id').notNull(),
    livemode: boolean('livemode').notNull(),
    id: text('id').notNull(),
    /** Stripe's `created` (unix seconds). */
    created: bigint('created', { mode: 'number' }),
    data: jsonb('data').notNull(),
    /** `created` of the newest event applied to this row (unix seconds); the freshness guard. */
    lastEventAt: bigint('last_event_at', { mode: 'number' }),
    lastEventId: text('last_event_id'),
    /** Tombstone: set when Stripe deleted the object, so a late event cannot resurrect it. */
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
    syncedAt: timestamp('synced_at', { withTimezone: true }).notNull().defaultNow(),
  }
}

export const stripeCustomers = pgTable(
  'stripe_customers',
  {
    ...stripeObjectColumns(),
    email: text('email'),
    name: text('name'),
  },
  (t) => [
    primaryKey({ columns: [t.accountId, t.livemode, t.id] }),
    index('stripe_customers_email_idx').on(t.accountId, t.livemode, t.email),
  ]
)

export const stripeSubscriptions = pgTable(
  'stripe_subscriptions',
  {
    ...stripeObjectColumns(),
    customerId: text('customer_id'),
    status: text('status'),
  },
  (t) => [
    primaryKey({ columns: [t.accountId, t.livemode, t.id] }),
    index('stripe_subscriptions_customer_idx').on(t.accountId, t.livemode, t.customerId),
  ]
)

export const stripeSubscriptionItems = pgTable(
  'stripe_subscription_items',
  {
    ...stripeObjectColumns(),
    subscriptionId: text('subscription_id'),
    priceId: text('price_id'),
  },
  (t) => [
    primaryKey({ columns: [t.accountId, t.livemode, t.id] }),
    index('stripe_subscription_items_sub_idx').on(t.accountId, t.livemode, t.subscriptionId),
  ]
)

export const stripePrices = pgTable(
  'stripe_prices',
  {
    ...stripeObjectColumns(),
    productId: text('product_id'),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.livemode, t.id] })]
)

export const stripeProducts = pgTable('stripe_products', { ...stripeObjectColumns() }, (t) => [
  primaryKey({ columns: [t.accountId, t.livemode, t.id] }),
])

export const stripeCoupons = pgTable('stripe_coupons', { ...stripeObjectColumns() }, (t) => [
  primaryKey({ columns: [t.accountId, t.livemode, t.id] }),
])

export const stripePromotionCodes = pgTable(
  'stripe_promotion_codes',
  {
    ...stripeObjectColumns(),
    couponId: text('coupon_id'),
    code: text('code'),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.livemode, t.id] })]
)

export const stripeDiscounts = pgTable(
  'stripe_discounts',
  {
    ...stripeObjectColumns(),
    customerId: text('customer_id'),
    subscriptionId: text('subscription_id'),
    couponId: text('coupon_id'),
  },
  (t) => [
    primaryKey({ columns: [t.accountId, t.livemode, t.id] }),
    index('stripe_discounts_customer_idx').on(t.accountId, t.livemode, t.customerId),
  ]
)

export const stripeInvoices = pgTable(
  'stripe_invoices',
  {
    ...stripeObjectColumns(),
    customerId: text('customer_id'),
    subscriptionId: text('subscription_id'),
    status: text('status'),
  },
  (t) => [
    primaryKey({ columns: [t.accountId, t.livemode, t.id] }),
    index('stripe_invoices_customer_idx').on(t.accountId, t.livemode, t.customerId),
  ]
)

export const stripeInvoicePayments = pgTable(
  'stripe_invoice_payments',
  {
    ...stripeObjectColumns(),
    invoiceId: text('invoice_id'),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.livemode, t.id] })]
)

export const stripeCharges = pgTable(
  'stripe_charges',
  {
    ...stripeObjectColumns(),
    customerId: text('customer_id'),
    status: text('status'),
  },
  (t) => [
    primaryKey({ columns: [t.accountId, t.livemode, t.id] }),
    index('stripe_charges_customer_idx').on(t.accountId, t.livemode, t.customerId),
  ]
)

export const stripePaymentMethods = pgTable(
  'stripe_payment_methods',
  {
    ...stripeObjectColumns(),
    customerId: text('customer_id'),
    type: text('type'),
  },
  (t) => [
    primaryKey({ columns: [t.accountId, t.livemode, t.id] }),
    index('stripe_payment_methods_customer_idx').on(t.accountId, t.livemode, t.customerId),
  ]
)

// ---------------------------------------------------------------------------------------------
// Events and sync

/** Every webhook we acknowledged, stored before the 2xx. Event ids are globally unique. */
export const stripeEvents = pgTable(
  'stripe_events',
  {
    id: text('id').primaryKey(),
    /** Connected account the event came from; null for our own platform events. */
    accountId: text('account_id'),
    livemode: boolean('livemode').notNull(),
    type: text('type').notNull(),
    created: bigint('created', { mode: 'number' }).notNull(),
    apiVersion: text('api_version'),
    /** The event; `{ unstorable: true, raw }` (the signed body as text) when jsonb refused it. */
    payload: jsonb('payload').notNull(),
    /** webhook | events_api */
    source: text('source').notNull().default('webhook'),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
    processedAt: timestamp('processed_at', { withTimezone: true }),
    /** applied | ignored_unknown_account | ignored_uninstalled | failed */
    outcome: text('outcome'),
    error: text('error'),
    attempts: integer('attempts').notNull().default(0),
    /** A worker holds the event until then; past it, another worker may take it over. */
    claimedUntil: timestamp('claimed_until', { withTimezone: true }),
  },
  (t) => [
    index('stripe_events_account_idx').on(t.accountId, t.livemode, t.created),
    index('stripe_events_unprocessed_idx')
      .on(t.created, t.receivedAt)
      .where(sql`${t.processedAt} is null`),
  ]
)

/** One backfill or reconciliation run for an account. */
export const syncRuns = pgTable(
  'sync_runs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: text('account_id').notNull(),
    livemode: boolean('livemode').notNull(),
    /** backfill | reconcile */
    kind: text('kind').notNull(),
    /** pending | running | done | failed */
    state: text('state').notNull().default('pending'),
    /** What reconciliation fixed, counts per object type, etc. */
    summary: jsonb('summary').notNull().default({}),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    error: text('error'),
    createdAt: createdAt(),
  },
  (t) => [index('sync_runs_account_idx').on(t.accountId, t.livemode, t.createdAt)]
)

/** A unit of backfill work: one object type over one `created` window, resumable by cursor. */
export const syncTasks = pgTable(
  'sync_tasks',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    runId: uuid('run_id').notNull(),
    accountId: text('account_id').notNull(),
    livemode: boolean('livemode').notNull(),
    objectType: text('object_type').notNull(),
    windowStart: bigint('window_start', { mode: 'number' }),
    windowEnd: bigint('window_end', { mode: 'number' }),
    /** Last committed `starting_after` id. */
    cursor: text('cursor'),
    /** `created` of the object the cursor names: the task's remaining range is [window_start, this]. */
    cursorCreated: bigint('cursor_created', { mode: 'number' }),
    /** pending | running | done | failed | canceled */
    state: text('state').notNull().default('pending'),
    fetched: integer('fetched').notNull().default(0),
    pages: integer('pages').notNull().default(0),
    attempts: integer('attempts').notNull().default(0),
    error: text('error'),
    /** Counters of what the task wrote or fixed (derived objects, added/updated/deleted). */
    stats: jsonb('stats').notNull().default({}),
    lockedBy: text('locked_by'),
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('sync_tasks_run_idx').on(t.runId, t.state),
    index('sync_tasks_account_idx').on(t.accountId, t.livemode, t.objectType),
  ]
)

/** Ids a reconciliation re-list saw at Stripe; held rows it did not see are checked one by one. */
export const syncSeen = pgTable(
  'sync_seen',
  {
    runId: uuid('run_id').notNull(),
    objectType: text('object_type').notNull(),
    id: text('id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.objectType, t.id] })]
)

/** Named cursors per account (last event seen, last reconciliation, …). */
export const syncCursors = pgTable(
  'sync_cursors',
  {
    accountId: text('account_id').notNull(),
    livemode: boolean('livemode').notNull(),
    name: text('name').notNull(),
    value: text('value'),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.livemode, t.name] })]
)

/** Token buckets shared by every worker and process (per-account Stripe rate limits). */
export const rateLimitBuckets = pgTable('rate_limit_buckets', {
  key: text('key').primaryKey(),
  tokens: doublePrecision('tokens').notNull(),
  ratePerSecond: doublePrecision('rate_per_second').notNull(),
  refilledAt: timestamp('refilled_at', { withTimezone: true }).notNull().defaultNow(),
  /** Adaptive back-off: no request before this moment. */
  blockedUntil: timestamp('blocked_until', { withTimezone: true }),
})

// ---------------------------------------------------------------------------------------------
// Traits, segments, stages, timeline

export const customerTraits = pgTable(
  'customer_traits',
  {
    accountId: text('account_id').notNull(),
    livemode: boolean('livemode').notNull(),
    customerId: text('customer_id').notNull(),
    traits: jsonb('traits').notNull(),
    lastActivityAt: timestamp('last_activity_at', { withTimezone: true }),
    computedAt: timestamp('computed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.livemode, t.customerId] })]
)

/**
 * Customers whose synced data changed and whose traits, segments and stage are due for a refresh.
 * Applying a webhook only marks the customer here; refresh workers claim rows with SKIP LOCKED, so
 * a burst of events for one customer costs one refresh. `version` grows with every mark: a row is
 * removed only if no mark arrived while it was being refreshed.
 */
export const customerRefreshQueue = pgTable(
  'customer_refresh_queue',
  {
    accountId: text('account_id').notNull(),
    livemode: boolean('livemode').notNull(),
    customerId: text('customer_id').notNull(),
    version: integer('version').notNull().default(1),
    queuedAt: timestamp('queued_at', { withTimezone: true }).notNull().defaultNow(),
    /** A worker holds the row until then; past it, another worker may take it over. */
    claimedUntil: timestamp('claimed_until', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.accountId, t.livemode, t.customerId] }),
    index('customer_refresh_queue_queued_idx').on(t.queuedAt),
  ]
)

export const segments = pgTable(
  'segments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: text('account_id').notNull(),
    livemode: boolean('livemode').notNull(),
    /** Key of a predefined segment (e.g. `current_trials`); null for a merchant's own. */
    predefinedKey: text('predefined_key'),
    name: text('name').notNull(),
    description: text('description'),
    rule: jsonb('rule').notNull(),
    hidden: boolean('hidden').notNull().default(false),
    /** Bumped on every rule change; memberships are recomputed in full then. */
    version: integer('version').notNull().default(1),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('segments_account_idx').on(t.accountId, t.livemode),
    uniqueIndex('segments_predefined_idx').on(t.accountId, t.livemode, t.predefinedKey),
  ]
)

export const segmentMemberships = pgTable(
  'segment_memberships',
  {
    segmentId: uuid('segment_id').notNull(),
    accountId: text('account_id').notNull(),
    livemode: boolean('livemode').notNull(),
    customerId: text('customer_id').notNull(),
    enteredAt: timestamp('entered_at', { withTimezone: true }).notNull().defaultNow(),
    explanation: jsonb('explanation'),
  },
  (t) => [
    primaryKey({ columns: [t.segmentId, t.customerId] }),
    index('segment_memberships_customer_idx').on(t.accountId, t.livemode, t.customerId),
  ]
)

/** Entered/left history of segment membership. */
export const segmentTransitions = pgTable(
  'segment_transitions',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    segmentId: uuid('segment_id').notNull(),
    accountId: text('account_id').notNull(),
    livemode: boolean('livemode').notNull(),
    customerId: text('customer_id').notNull(),
    /** entered | left */
    kind: text('kind').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('segment_transitions_customer_idx').on(t.accountId, t.livemode, t.customerId)]
)

export const customerStages = pgTable(
  'customer_stages',
  {
    accountId: text('account_id').notNull(),
    livemode: boolean('livemode').notNull(),
    customerId: text('customer_id').notNull(),
    /** trial | customer | churned | none */
    stage: text('stage').notNull(),
    since: timestamp('since', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.livemode, t.customerId] })]
)

export const stageTransitions = pgTable(
  'stage_transitions',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    accountId: text('account_id').notNull(),
    livemode: boolean('livemode').notNull(),
    customerId: text('customer_id').notNull(),
    fromStage: text('from_stage'),
    toStage: text('to_stage').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('stage_transitions_customer_idx').on(t.accountId, t.livemode, t.customerId)]
)

/** What happened to a customer, in words a support agent reads ("Subscription paused"). */
export const timelineEntries = pgTable(
  'timeline_entries',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    accountId: text('account_id').notNull(),
    livemode: boolean('livemode').notNull(),
    customerId: text('customer_id').notNull(),
    /** Source event or action; unique so a replayed event adds no second entry. */
    sourceId: text('source_id').notNull(),
    kind: text('kind').notNull(),
    title: text('title').notNull(),
    details: jsonb('details'),
    at: timestamp('at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('timeline_entries_customer_idx').on(t.accountId, t.livemode, t.customerId, t.at),
    uniqueIndex('timeline_entries_source_idx').on(t.accountId, t.livemode, t.sourceId),
  ]
)

// ---------------------------------------------------------------------------------------------
// Retention actions

export const offers = pgTable(
  'offers',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: text('account_id').notNull(),
    livemode: boolean('livemode').notNull(),
    name: text('name').notNull(),
    /** percent_off | amount_off | free_period | pause | extend_trial | switch_price */
    kind: text('kind').notNull(),
    params: jsonb('params').notNull(),
    /** The coupon a discount offer created in the merchant's Stripe account. */
    couponId: text('coupon_id'),
    archivedAt: timestamp('archived_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('offers_account_idx').on(t.accountId, t.livemode)]
)

/** Audit trail: written before the Stripe call, completed after it. */
export const actionRuns = pgTable(
  'action_runs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: text('account_id').notNull(),
    livemode: boolean('livemode').notNull(),
    userId: text('user_id').notNull(),
    /** The user's Dashboard roles as Stripe signed them when the action ran. */
    userRoles: jsonb('user_roles').notNull().default([]),
    /** Idempotency key from the client: a double click applies once. */
    clientKey: text('client_key').notNull(),
    kind: text('kind').notNull(),
    customerId: text('customer_id'),
    subscriptionId: text('subscription_id'),
    offerId: uuid('offer_id'),
    params: jsonb('params').notNull(),
    /** pending | succeeded | failed */
    state: text('state').notNull().default('pending'),
    stripeRequestId: text('stripe_request_id'),
    result: jsonb('result'),
    error: text('error'),
    /** MRR (per currency) of the subscription when the action ran; outcomes compare against it. */
    mrrBefore: jsonb('mrr_before'),
    outcome: jsonb('outcome'),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('action_runs_client_key_idx').on(t.accountId, t.livemode, t.clientKey),
    index('action_runs_customer_idx').on(t.accountId, t.livemode, t.customerId),
  ]
)

// ---------------------------------------------------------------------------------------------
// Downstream

export const outboundEndpoints = pgTable(
  'outbound_endpoints',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: text('account_id').notNull(),
    livemode: boolean('livemode').notNull(),
    url: text('url').notNull(),
    secretEnc: text('secret_enc').notNull(),
    /** segment.entered | segment.left | stage.changed */
    eventTypes: jsonb('event_types').notNull(),
    enabled: boolean('enabled').notNull().default(true),
    createdAt: createdAt(),
  },
  (t) => [index('outbound_endpoints_account_idx').on(t.accountId, t.livemode)]
)

export const outboundDeliveries = pgTable(
  'outbound_deliveries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    endpointId: uuid('endpoint_id').notNull(),
    accountId: text('account_id').notNull(),
    livemode: boolean('livemode').notNull(),
    eventType: text('event_type').notNull(),
    payload: jsonb('payload').notNull(),
    /** pending | delivered | failed */
    state: text('state').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    lastStatus: integer('last_status'),
    lastError: text('last_error'),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [index('outbound_deliveries_endpoint_idx').on(t.endpointId, t.createdAt)]
)
