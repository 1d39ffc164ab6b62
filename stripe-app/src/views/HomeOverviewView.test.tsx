// The home overview against the real backend: segment counts and MRR (chart + list), the stage
// split, saves this month, sync health, and the page's states.
import { Banner, BarChart, ListItem, PropertyListItem, Spinner } from '@stripe/ui-extension-sdk/ui'
import { afterEach, beforeEach, expect, test } from 'vitest'
import { arrange } from '../../../test/actions/support'
import { startHarness, type Harness } from '../../../test/support/harness'
import {
  appClientFor,
  buttonsIn,
  installFakeHost,
  settle,
  unreachableClient,
  type FakeHost,
} from '../../../test/stripe-app/app-backend'
import { renderView } from '../../../test/stripe-app/render-view'
import HomeOverviewView from './HomeOverviewView'

let h: Harness
let host: FakeHost
beforeEach(async () => {
  h = await startHarness({ emulator: true })
  host = installFakeHost()
})
afterEach(async () => {
  host.uninstall()
  await h.close()
})

const renderHome = (merchant: { accountId: string }, client = appClientFor(h, merchant)) =>
  renderView(HomeOverviewView, {
    client,
    accountId: merchant.accountId,
    viewportID: 'stripe.dashboard.home.overview',
  })

test('segments with counts and MRR, stage split, saves this month, sync health', async () => {
  const { m, sub } = await arrange(h)
  const pause = await h
    .as(m)
    .post(`/api/v1/subscriptions/${sub.id}/pause-collection`, { clientKey: 'home-1', months: 1 })
  expect(pause.status).toBe(200)

  const { wrapper, update } = renderHome(m)
  expect(wrapper).toContainComponent(Spinner)
  expect(wrapper).toContainText('Loading segments')
  await settle(update, () => wrapper.find(BarChart) !== null, 'the segment chart')

  const chart = wrapper.find(BarChart)!
  const data = chart.props.data as { segment: string; customers: number }[]
  expect(chart.props).toMatchObject({ x: 'segment', y: 'customers' })
  expect(data).toContainEqual({ segment: 'Active subscribers', customers: 1 })
  expect(data).toContainEqual({ segment: 'Churned', customers: 0 })
  const active = wrapper.find(ListItem, { title: 'Active subscribers' })!
  expect(active.props.value).toBe('1 customer')
  expect(active.props.secondaryTitle).toBe('MRR $20.00')

  expect(wrapper.find(PropertyListItem, { label: 'Customer' })!.props.value).toBe('1')
  expect(wrapper.find(PropertyListItem, { label: 'Churned' })!.props.value).toBe('0')

  await settle(
    update,
    () => wrapper.find(PropertyListItem, { label: 'Saves' }) !== null,
    'saves this month'
  )
  const figure = (label: string) => wrapper.find(PropertyListItem, { label })?.props.value
  // This month's save is MRR at stake; nothing is "saved" until it is confirmed 30 days later.
  expect(figure('Saves')).toBe('1')
  expect(figure('MRR at stake (not yet confirmed)')).toBe('$20.00')
  expect(figure('Confirmed saves')).toBe('0')
  expect(figure('MRR saved')).toBe('—')
  expect(figure('Awaiting confirmation')).toBe('1')
  // A segment without MRR reads "—", not $0.00 in a currency the account may not use.
  expect(wrapper.find(ListItem, { title: 'Churned' })!.props.secondaryTitle).toBe('MRR —')

  // Sync health: either the backend's answer or a line saying it is unavailable, never blank.
  await settle(update, () => !wrapper.text.includes('Loading sync health'), 'sync health')
  expect(wrapper.text).toMatch(/Sync|Sync health is unavailable/)
})

test('a save confirmed 30 days later counts as a confirmed save and MRR saved (all time)', async () => {
  const { m, sub } = await arrange(h)
  const pause = await h
    .as(m)
    .post(`/api/v1/subscriptions/${sub.id}/pause-collection`, { clientKey: 'home-2', months: 1 })
  expect(pause.status).toBe(200)
  h.emulator!.advance(31 * 86_400)
  await h.emulator!.webhooks.idle()

  const { wrapper, update } = renderHome(m)
  const figure = (label: string) => wrapper.find(PropertyListItem, { label })?.props.value
  await settle(update, () => figure('Confirmed saves') !== undefined, 'the saves')
  expect(figure('Confirmed saves')).toBe('1')
  expect(figure('MRR saved')).toBe('$20.00')
  expect(figure('Awaiting confirmation')).toBe('0')
  // Still listed under this month (it ran this month), as MRR at stake when the agent acted.
  expect(figure('Saves')).toBe('1')
})

test('states: not connected, backend unreachable with retry', async () => {
  const stranger = h.emulator!.createAccount().id
  const a = renderHome({ accountId: stranger })
  await settle(
    a.update,
    () => a.wrapper.find(Banner, { title: 'Holdfast is not connected' }) !== null,
    'not connected'
  )
  const b = renderHome({ accountId: stranger }, unreachableClient({ accountId: stranger }))
  await settle(
    b.update,
    () => b.wrapper.find(Banner, { title: 'Holdfast is unreachable' }) !== null,
    'unreachable'
  )
  expect(buttonsIn(b.wrapper.find(Banner)!, 'actions').map((x) => x.label)).toEqual(['Retry'])
})
