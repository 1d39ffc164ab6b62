import { describe, expect, test } from 'vitest'
import { encodeForm, parseForm } from './form'

describe('parseForm', () => {
  test.each([
    ['a=1&b=two', { a: '1', b: 'two' }],
    ['metadata[k]=v&metadata[empty]=', { metadata: { k: 'v', empty: '' } }],
    [
      'expand[0]=data.customer&expand[1]=data.discounts',
      { expand: ['data.customer', 'data.discounts'] },
    ],
    [
      'items[0][id]=si_1&items[0][price]=price_2&items[1][price]=price_3&items[1][quantity]=4',
      {
        items: [
          { id: 'si_1', price: 'price_2' },
          { price: 'price_3', quantity: '4' },
        ],
      },
    ],
    ['pause_collection=', { pause_collection: '' }],
    ['name=Jane+Doe&email=a%40b.c', { name: 'Jane Doe', email: 'a@b.c' }],
    ['created[gte]=10&created[lt]=20', { created: { gte: '10', lt: '20' } }],
    ['types[]=a&types[]=b', { types: ['a', 'b'] }],
  ])('%s', (input, expected) => {
    expect(parseForm(input)).toEqual(expected)
  })

  test('round-trips nested params', () => {
    const params = { items: [{ price: 'p', quantity: 2 }], metadata: { a: 'b' }, discounts: '' }
    expect(parseForm(encodeForm(params))).toEqual({
      items: [{ price: 'p', quantity: '2' }],
      metadata: { a: 'b' },
      discounts: '',
    })
  })
})
