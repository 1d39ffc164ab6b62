// The emulator: accounts and keys, per-account/per-mode state, clock, events and webhooks, OAuth.
import { serve, type ServerType } from '@hono/node-server'
import type { AddressInfo } from 'node:net'
import type Stripe from 'stripe'
import type { Hono } from 'hono'
import { KeyRing, type Caller, type Permissions } from './auth'
import { Clock } from './clock'
import type { Ctx } from './context'
import { buildEvent, matchesType, type EventRequest } from './events'
import { Faults, type Counters, type LatencyConfig, type RateLimitConfig } from './faults'
import type { FormObject } from './form'
import { OAuthError, OAuthServer, type TokenResponse } from './oauth'
import { Random } from './random'
import { seedAccount, type SeedOptions, type SeedResult } from './seed'
import { buildApp } from './server'
import { Simulator } from './simulate'
import { AccountState, type Mode } from './state'
import { WebhookDispatcher, type DeliveryOptions } from './webhooks'

export type AccountKeys = { secret: string; publishable: string }

export type AccountInfo = {
  id: string
  name: string
  keys: Record<Mode, AccountKeys>
}

export type EmulatorOptions = {
  /** Seeds ids and every random choice (default 1). */
  seed?: number
  /** Unix seconds the clock starts at (default: now). */
  startTime?: number
  platformAccountId?: string
  /** `false` disables rate limiting. */
  rateLimits?: Partial<RateLimitConfig> | false
  latency?: LatencyConfig
  webhooks?: DeliveryOptions
  /** The Stripe App installed through OAuth. */
  oauthApp?: { name?: string; redirectUris?: string[] }
}

export type OAuthApp = {
  id: string
  name: string
  clientIds: Record<Mode, string>
  redirectUris: string[] | null
}

export type AuthorizeInput = {
  clientId?: string
  /** The installing account; created (connected) when unknown or omitted. */
  accountId?: string
  mode: Mode
  redirectUri: string
  state: string
  deny?: boolean
}

function hash(s: string): number {
  let h = 2166136261
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619)
  return h >>> 0
}

export class Emulator {
  readonly app: Hono
  readonly clock: Clock
  readonly faults: Faults
  readonly webhooks: WebhookDispatcher
  readonly keys = new KeyRing()
  readonly platform: AccountInfo
  readonly oauthApp: OAuthApp
  readonly simulate: Simulator
  private readonly seedValue: number
  private readonly random: Random
  private readonly accounts = new Map<string, AccountInfo>()
  private readonly states = new Map<string, AccountState>()
  private readonly oauth: OAuthServer
  private requestCounter = 0

  constructor(options: EmulatorOptions = {}) {
    this.seedValue = options.seed ?? 1
    this.random = new Random(this.seedValue)
    this.clock = new Clock(options.startTime)
    this.faults = new Faults({ latency: options.latency, seed: this.seedValue })
    if (options.rateLimits !== undefined) this.faults.setRateLimits(options.rateLimits)
    this.webhooks = new WebhookDispatcher(() => this.now(), options.webhooks)
    this.platform = this.createAccount({
      id: options.platformAccountId,
      name: 'Holdfast (platform)',
    })
    this.oauthApp = {
      id: `ca_${this.random.chars(32)}`,
      name: options.oauthApp?.name ?? 'Holdfast',
      clientIds: { test: `ca_${this.random.chars(32)}`, live: `ca_${this.random.chars(32)}` },
      redirectUris: options.oauthApp?.redirectUris ?? null,
    }
    this.oauth = new OAuthServer(
      this.keys,
      this.random,
      (id, mode) => this.accountInfo(id).keys[mode].publishable
    )
    this.simulate = new Simulator(this)
    this.app = buildApp(this)
  }

  now(): number {
    return this.clock.now()
  }

  advance(seconds: number): number {
    return this.clock.advance(seconds)
  }

  requestId(): string {
    this.requestCounter++
    return `req_${this.random.chars(14)}`
  }

  /** Creates a connected account (or the platform, first) with keys for both modes. */
  createAccount(input: { id?: string; name?: string } = {}): AccountInfo {
    const id = input.id ?? `acct_${this.random.chars(16)}`
    const existing = this.accounts.get(id)
    if (existing) return existing
    const keys = (mode: Mode): AccountKeys => ({
      secret: `sk_${mode}_${this.random.chars(99)}`,
      publishable: `pk_${mode}_${this.random.chars(99)}`,
    })
    const info: AccountInfo = {
      id,
      name: input.name ?? `Merchant ${id.slice(5, 11)}`,
      keys: { test: keys('test'), live: keys('live') },
    }
    for (const mode of ['test', 'live'] as const) {
      this.keys.add({ key: info.keys[mode].secret, kind: 'secret', accountId: id, mode })
      this.keys.add({ key: info.keys[mode].publishable, kind: 'publishable', accountId: id, mode })
    }
    this.accounts.set(id, info)
    return info
  }

  accountInfo(id: string): AccountInfo {
    const info = this.accounts.get(id)
    if (!info) throw new Error(`Unknown account ${id}`)
    return info
  }

  accountIds(): string[] {
    return Array.from(this.accounts.keys())
  }

  /** A restricted key (`rk_…`) with per-resource read/write permissions. */
  createRestrictedKey(accountId: string, mode: Mode, permissions: Permissions): string {
    this.accountInfo(accountId)
    const key = `rk_${mode}_${this.random.chars(99)}`
    this.keys.add({ key, kind: 'restricted', accountId, mode, permissions })
    return key
  }

  isConnected(platformId: string, accountId: string): boolean {
    return (
      platformId === this.platform.id && accountId !== platformId && this.accounts.has(accountId)
    )
  }

  /** The typed state of one account in one mode (tests assert on it). */
  account(accountId: string, mode: Mode): AccountState {
    const key = `${accountId}:${mode}`
    let state = this.states.get(key)
    if (!state) {
      this.accountInfo(accountId)
      state = new AccountState(
        accountId,
        mode,
        accountId === this.platform.id,
        new Random(hash(key) ^ this.seedValue)
      )
      this.states.set(key, state)
    }
    return state
  }

  context(
    state: AccountState,
    input: {
      caller: Caller | null
      params: FormObject
      path?: Record<string, string>
      requestId: string | null
      idempotencyKey: string | null
      silent?: boolean
    }
  ): Ctx {
    const request: EventRequest | null = input.requestId
      ? { id: input.requestId, idempotency_key: input.idempotencyKey }
      : { id: null, idempotency_key: null }
    return {
      state,
      caller: input.caller,
      params: input.params,
      path: input.path ?? {},
      requestId: input.requestId,
      idempotencyKey: input.idempotencyKey,
      now: this.now(),
      emit: input.silent
        ? () => undefined as unknown as Stripe.Event
        : (type, object, previous) => this.emit(state, type, object, previous, request),
    }
  }

  /** Records an event in the account's state and queues its webhook deliveries. */
  emit(
    state: AccountState,
    type: string,
    object: unknown,
    previous?: Record<string, unknown>,
    request: EventRequest | null = { id: null, idempotency_key: null }
  ): Stripe.Event {
    const created = this.now()
    const make = () =>
      buildEvent({
        id: state.id('evt'),
        type,
        object,
        previous,
        account: state.isPlatform ? undefined : state.accountId,
        livemode: state.livemode,
        created,
        request,
      })
    const event = make()
    state.events.insert(event)
    this.deliver(state, event)
    if (this.webhooks.wantsTwin(type)) {
      const twin = make()
      state.events.insert(twin)
      this.deliver(state, twin)
    }
    return event
  }

  private deliver(state: AccountState, event: Stripe.Event): void {
    const targets: { state: AccountState; endpoint: Stripe.WebhookEndpoint }[] = []
    for (const endpoint of state.webhookEndpoints.values()) {
      if (!state.connectEndpoints.has(endpoint.id)) targets.push({ state, endpoint })
    }
    if (!state.isPlatform) {
      const platform = this.account(this.platform.id, state.mode)
      for (const endpoint of platform.webhookEndpoints.values()) {
        if (platform.connectEndpoints.has(endpoint.id)) targets.push({ state: platform, endpoint })
      }
    }
    const chosen = targets.filter(
      (t) =>
        t.endpoint.status === 'enabled' &&
        t.endpoint.enabled_events.some((p) => matchesType(event.type, p))
    )
    event.pending_webhooks = chosen.length
    for (const t of chosen) {
      const secret = t.state.webhookSecrets.get(t.endpoint.id)
      if (secret) this.webhooks.enqueue(event, t.endpoint, secret)
    }
  }

  /** Completes the OAuth authorize step without a browser; returns the redirect URL. */
  authorize(input: AuthorizeInput): string {
    const clientId = input.clientId ?? this.oauthApp.clientIds[input.mode]
    if (clientId !== this.oauthApp.clientIds[input.mode]) {
      throw new Error(`Unknown client_id ${clientId} for ${input.mode} mode`)
    }
    if (this.oauthApp.redirectUris && !this.oauthApp.redirectUris.includes(input.redirectUri)) {
      throw new Error(`redirect_uri ${input.redirectUri} is not allowed for this app`)
    }
    const url = new URL(input.redirectUri)
    if (input.deny) {
      url.searchParams.set('error', 'access_denied')
      url.searchParams.set('error_description', 'The user denied your request')
      url.searchParams.set('state', input.state)
      return url.toString()
    }
    const account = this.createAccount({ id: input.accountId })
    const code = this.oauth.issueCode(account.id, input.mode, clientId, this.now())
    this.emit(
      this.account(account.id, input.mode),
      'account.application.authorized',
      this.applicationObject()
    )
    url.searchParams.set('code', code)
    url.searchParams.set('state', input.state)
    return url.toString()
  }

  authorizeByClientId(input: Omit<AuthorizeInput, 'mode'>): string {
    const mode = (['test', 'live'] as const).find(
      (m) => this.oauthApp.clientIds[m] === input.clientId
    )
    if (!mode) throw new Error(`Unknown client_id ${input.clientId}`)
    return this.authorize({ ...input, mode })
  }

  /** `POST /v1/oauth/token`: authenticated with the platform's secret key of the same mode. */
  oauthToken(key: string | undefined, params: FormObject): TokenResponse {
    const credential = key ? this.keys.get(key) : undefined
    if (!credential || credential.kind !== 'secret' || credential.accountId !== this.platform.id) {
      throw new OAuthError(
        'invalid_client',
        'Authenticate with the platform secret key of the same mode.',
        401
      )
    }
    const grant = params.grant_type
    if (grant === 'authorization_code') {
      if (typeof params.code !== 'string') throw new OAuthError('invalid_request', 'Missing code')
      return this.oauth.exchangeCode(params.code, credential.mode, this.now())
    }
    if (grant === 'refresh_token') {
      if (typeof params.refresh_token !== 'string')
        throw new OAuthError('invalid_request', 'Missing refresh_token')
      return this.oauth.refresh(params.refresh_token, credential.mode, this.now())
    }
    throw new OAuthError('unsupported_grant_type', `Unsupported grant_type: ${String(grant)}`)
  }

  /** Uninstalls the app: revokes its tokens and emits `account.application.deauthorized`. */
  uninstall(accountId: string, mode: Mode): void {
    this.oauth.revoke(accountId, mode)
    this.emit(
      this.account(accountId, mode),
      'account.application.deauthorized',
      this.applicationObject()
    )
  }

  private applicationObject(): Stripe.Application {
    return { id: this.oauthApp.id, object: 'application', name: this.oauthApp.name }
  }

  counters(): Counters {
    return this.faults.counters()
  }

  /** Fills an account with a deterministic, realistic catalogue, customers and history. */
  seed(accountId: string, mode: Mode, options: SeedOptions): SeedResult {
    return seedAccount(this, this.account(accountId, mode), options)
  }

  /** Serves the emulator on 127.0.0.1 (port 0 = any free port). */
  async listen(port = 0): Promise<RunningServer> {
    const server: ServerType = await new Promise((resolve) => {
      const s = serve({ fetch: this.app.fetch, port, hostname: '127.0.0.1' }, () => resolve(s))
    })
    const address = server.address() as AddressInfo
    return {
      port: address.port,
      url: `http://127.0.0.1:${address.port}`,
      close: () =>
        new Promise<void>((resolve, reject) => {
          server.close((err) => (err ? reject(err) : resolve()))
          if ('closeAllConnections' in server) server.closeAllConnections()
        }),
    }
  }
}

export type RunningServer = { port: number; url: string; close(): Promise<void> }
