// Offer amounts go by the currency's exponent: 500 JPY is 500 minor units (it was sent as 50,000).
import { expect, test } from 'vitest'
import { describeOffer, draftToRequest } from './OffersSection'

test('amount-off offers: JPY is zero-decimal, USD has cents, both shown as money', () => {
  const base = { name: 'Off', kind: 'amount_off', duration: 'once' }
  expect(draftToRequest({ ...base, amount: '500', currency: 'jpy' })).toMatchObject({
    amountOff: 500,
    currency: 'jpy',
  })
  expect(draftToRequest({ ...base, amount: '5', currency: 'usd' })).toMatchObject({
    amountOff: 500,
  })
  const offer = (amountOff: number, currency: string) =>
    ({ kind: 'amount_off', params: { amountOff, currency, duration: 'once' } }) as never
  expect(describeOffer(offer(500, 'jpy'))).toBe('¥500 off, once')
  expect(describeOffer(offer(500, 'usd'))).toBe('$5.00 off, once')
})
