// Wires the Stripe App's views to the real backend in tests: the app's own API client with a
// fetch that goes into the Hono app (app.request) and a signer that makes the signature Stripe
// would (the harness's app secret over the app's extra payload plus user and account, on the
// harness clock). Plus a
// stand-in for the Dashboard host the SDK calls for toasts and data refreshes.
import { createApiClient, type ApiClient } from '../../stripe-app/src/api/client'
import type { Harness } from '../support/harness'
import { identityOf, stripeSignatureFor, type Merchant } from '../support/signing'

export const TEST_API_BASE = 'https://holdfast.test'

export function appClientFor(
  h: Harness,
  merchant: Merchant,
  options: {
    /** Runs before each request reaches the app: await something to hold it (pending states). */
    beforeRequest?: (method: string, path: string) => Promise<void>
  } = {}
): ApiClient {
  const identity = identityOf(merchant)
  return createApiClient(
    TEST_API_BASE,
    { ...identity, mode: identity.livemode ? 'live' : 'test' },
    {
      // Stripe signs what the app asks for, plus the signed-in user and account.
      sign: async (extra) => {
        const at = Math.floor(h.deps.now().getTime() / 1000)
        return stripeSignatureFor(extra, identity, undefined, at)
      },
      fetch: async (url, init) => {
        const { pathname, search } = new URL(url)
        await options.beforeRequest?.(init.method ?? 'GET', pathname)
        return h.app.request(pathname + search, init)
      },
    }
  )
}

/** A client whose every request fails at the network, as when the backend is down. */
export function unreachableClient(merchant: Merchant): ApiClient {
  return createApiClient(
    TEST_API_BASE,
    {
      userId: 'usr_agent_1',
      accountId: merchant.accountId,
      mode: merchant.mode ?? 'test',
      roles: [],
    },
    {
      sign: async () => 't=1,v1=unused',
      fetch: async () => {
        throw new TypeError('fetch failed')
      },
    }
  )
}

export type FakeHost = {
  toasts: { message: string; type?: string }[]
  refreshes: number
  uninstall(): void
}

/**
 * The Dashboard side of the SDK's host endpoint (what showToast and useRefreshDashboardData
 * call in the iframe). Recording them lets tests assert on the toast an action showed.
 */
export function installFakeHost(): FakeHost {
  const g = globalThis as { __StripeExtExports?: unknown }
  const previous = g.__StripeExtExports
  const host: FakeHost = {
    toasts: [],
    refreshes: 0,
    uninstall: () => {
      g.__StripeExtExports = previous
    },
  }
  g.__StripeExtExports = {
    endpoint: {
      call: {
        showToast: async (message: string, options: { type?: string } = {}) => {
          host.toasts.push({ message, type: options.type })
          return { update: async () => {}, dismiss: async () => {} }
        },
        refreshDashboardData: async () => {
          host.refreshes += 1
        },
      },
    },
  }
  return host
}

/**
 * Lets the view's requests finish: flushes with the SDK's `update()` (a macrotask, then act)
 * until `check` holds. `find` results are snapshots, so `check` must find again each time.
 */
export async function settle(
  update: () => Promise<void>,
  check: () => boolean,
  what: string,
  timeoutMs = 15_000
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    await update()
    if (check()) return
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

/** A node from @stripe/ui-extension-sdk/testing (its types are generic over each component). */
type TestNode = any

/** The SDK `Button` whose label is `label` (labels are text children, not a prop). */
export function findButton(root: TestNode, Button: unknown, label: string): TestNode | null {
  return root.findWhere((node: TestNode) => node.is(Button) && node.text === label)
}

/** Presses the button labelled `label`; fails naming the label if there is none. */
export function press(root: TestNode, Button: unknown, label: string): void {
  const button = findButton(root, Button, label)
  if (!button) throw new Error(`no button labelled "${label}"`)
  if (button.props.disabled) throw new Error(`button "${label}" is disabled`)
  const onPress = button.props.onPress as (() => void) | undefined
  if (!onPress)
    throw new Error(`button "${label}" has no onPress (href ${String(button.props.href)})`)
  button.trigger('onPress')
}

type RemoteChild = {
  type?: unknown
  text?: string
  props?: Record<string, unknown>
  children?: RemoteChild[]
}

function textOf(node: RemoteChild): string {
  if (typeof node.text === 'string') return node.text
  return (node.children ?? []).map(textOf).join('')
}

function walk(node: RemoteChild, out: RemoteChild[]) {
  out.push(node)
  for (const child of node.children ?? []) walk(child, out)
}

/**
 * The buttons passed in a non-children prop (FocusView `primaryAction`, Banner `actions`). Such
 * props reach the host as remote fragments outside the tree `find` searches, so tests read them
 * from the prop: each button with its label and props.
 */
export function buttonsIn(
  node: TestNode,
  prop: string
): { label: string; props: Record<string, unknown> }[] {
  const fragment = node.props[prop] as RemoteChild | undefined
  if (!fragment) return []
  const all: RemoteChild[] = []
  walk(fragment, all)
  return all
    .filter((n) => n.type === 'Button' && n.props)
    .map((n) => ({ label: textOf(n), props: n.props! }))
}

/** Presses the button labelled `label` inside a prop (see buttonsIn). */
export function pressIn(node: TestNode, prop: string, label: string) {
  const button = buttonsIn(node, prop).find((b) => b.label === label)
  if (!button) throw new Error(`no button "${label}" in ${prop}`)
  if (button.props.disabled) throw new Error(`button "${label}" is disabled`)
  const onPress = button.props.onPress as (() => void) | undefined
  if (!onPress) throw new Error(`button "${label}" has no onPress`)
  onPress()
}

/** The form field (TextField, Select, Checkbox, …) with this `name` prop. */
export function field(root: TestNode, name: string): TestNode | null {
  return root.findWhere((node: TestNode) => node.props?.name === name && 'label' in node.props)
}
