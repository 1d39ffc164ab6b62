import { describe, expect, test } from 'vitest'
import { computeTraits } from '../traits/compute-traits'
import { FIXTURE_NOW, buildCustomerSnapshot, buildSubscription } from '../traits/snapshot-fixtures'
import { DEFAULT_STAGE_MAPPING, StageMapping, computeStage, computeStageFromTraits } from './stages'

describe('computeStage with the default mapping', () => {
  test.each([
    { status: 'trialing', stage: 'trial' },
    { status: 'active', stage: 'customer' },
    { status: 'past_due', stage: 'customer' },
    { status: 'incomplete', stage: 'customer' },
    { status: 'unpaid', stage: 'customer' },
    { status: 'canceled', stage: 'churned' },
    { status: 'incomplete_expired', stage: 'churned' },
    { status: 'paused', stage: 'none' },
    { status: 'some_future_status', stage: 'none' },
    { status: null, stage: 'none' },
  ])('$status → $stage', ({ status, stage }) => {
    expect(computeStage(status)).toBe(stage)
  })
})

describe('a custom mapping', () => {
  const mapping = StageMapping.parse({
    trial: ['trialing', 'incomplete'],
    customer: ['active', 'past_due', 'paused'],
    churned: ['canceled', 'incomplete_expired', 'unpaid'],
  })
  test.each([
    { status: 'incomplete', stage: 'trial' },
    { status: 'paused', stage: 'customer' },
    { status: 'unpaid', stage: 'churned' },
  ])('$status → $stage', ({ status, stage }) => {
    expect(computeStage(status, mapping)).toBe(stage)
  })
})

describe('StageMapping schema', () => {
  test.each([
    { name: 'default', input: DEFAULT_STAGE_MAPPING, ok: true },
    { name: 'empty lists', input: { trial: [], customer: [], churned: [] }, ok: true },
    {
      name: 'status in two stages',
      input: { trial: ['active'], customer: ['active'], churned: [] },
      ok: false,
    },
    { name: 'missing stage', input: { trial: [], customer: [] }, ok: false },
    { name: 'unknown stage', input: { trial: [], customer: [], churned: [], vip: [] }, ok: false },
    { name: 'empty status', input: { trial: [''], customer: [], churned: [] }, ok: false },
  ])('$name', ({ input, ok }) => {
    expect(StageMapping.safeParse(input).success).toBe(ok)
  })
})

describe('computeStageFromTraits', () => {
  test.each([
    { name: 'no subscription', subs: [], stage: 'none' },
    { name: 'trialing', subs: [buildSubscription({ status: 'trialing' })], stage: 'trial' },
    {
      name: 'live sub wins over a newer canceled one',
      subs: [
        buildSubscription({ id: 'a', created: 1 }),
        buildSubscription({ id: 'b', status: 'canceled', created: 2 }),
      ],
      stage: 'customer',
    },
    { name: 'only canceled', subs: [buildSubscription({ status: 'canceled' })], stage: 'churned' },
  ])('$name → $stage', ({ subs, stage }) => {
    const traits = computeTraits(buildCustomerSnapshot({ subscriptions: subs }), FIXTURE_NOW)
    expect(computeStageFromTraits(traits)).toBe(stage)
  })
})
