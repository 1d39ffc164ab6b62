// The discount picker: the account's coupons and promotion codes that Stripe would accept on this
// subscription (GET /subscriptions/:id/discount-options), by name, with their terms, searchable,
// a page at a time. Agents pick a coupon or a code; nobody types a coupon id.
import { useEffect, useState } from 'react'
import { Box, Button, Inline, Select, TextField } from '@stripe/ui-extension-sdk/ui'
import { DiscountOptions, type DiscountOption } from '@holdfast/shared/api/actions'
import { describeError, type ApiClient } from '../api/client'
import { routes } from '../api/routes'
import type { Format } from '../format'
import { useFormat } from '../locale'
import { Loading } from './PanelStatus'

type Kind = DiscountOption['kind']
type Choices = {
  options: DiscountOption[]
  nextCursor: string | null
  state: 'loading' | 'ready' | { error: string }
}

/** "20% off for 3 months", "¥500 off once", "$5.00 off forever". */
export function describeDiscount(option: DiscountOption, format: Format): string {
  const off =
    option.percentOff !== null
      ? `${option.percentOff}% off`
      : option.amountOff !== null && option.currency
        ? `${format.amount(option.amountOff, option.currency)} off`
        : 'discount'
  const months = option.durationInMonths ?? 0
  const duration =
    option.duration === 'repeating'
      ? `for ${months} month${months === 1 ? '' : 's'}`
      : option.duration === 'once'
        ? 'once'
        : option.duration === 'forever'
          ? 'forever'
          : ''
  return [off, duration].filter(Boolean).join(' ')
}

const FIELD: Record<Kind, { name: 'couponId' | 'promotionCode'; label: string; none: string }> = {
  coupon: { name: 'couponId', label: 'Or an existing coupon', none: 'No coupon' },
  promotion_code: {
    name: 'promotionCode',
    label: 'Or a promotion code',
    none: 'No promotion code',
  },
}

function useChoices(api: ApiClient, subscriptionId: string, kind: Kind, q: string) {
  const [choices, setChoices] = useState<Choices>({
    options: [],
    nextCursor: null,
    state: 'loading',
  })
  const [cursor, setCursor] = useState<string | null>(null)
  // A new search starts from the first page.
  useEffect(() => setCursor(null), [q])
  useEffect(() => {
    let current = true
    setChoices((c) => ({ ...c, state: 'loading' }))
    const query = new URLSearchParams({ kind, limit: '50' })
    if (q) query.set('q', q)
    if (cursor) query.set('cursor', cursor)
    api.get(`${routes.discountOptions(subscriptionId)}?${query}`, DiscountOptions).then(
      (page) => {
        if (!current) return
        setChoices((c) => ({
          options: cursor ? [...c.options, ...page.data] : page.data,
          nextCursor: page.nextCursor,
          state: 'ready',
        }))
      },
      (err) => {
        if (current) setChoices((c) => ({ ...c, state: { error: describeError(err) } }))
      }
    )
    return () => {
      current = false
    }
  }, [api, subscriptionId, kind, q, cursor])
  return { choices, more: () => choices.nextCursor && setCursor(choices.nextCursor) }
}

function KindSelect({
  kind,
  api,
  subscriptionId,
  q,
  onChange,
}: {
  kind: Kind
  api: ApiClient
  subscriptionId: string
  q: string
  onChange: (name: string, value: string) => void
}) {
  const format = useFormat()
  const { choices, more } = useChoices(api, subscriptionId, kind, q)
  const field = FIELD[kind]
  const { state, options } = choices
  if (typeof state === 'object')
    return (
      <Inline css={{ font: 'caption', color: 'attention' }}>
        {kind === 'coupon' ? 'Coupons' : 'Promotion codes'} could not be loaded ({state.error}).
      </Inline>
    )
  if (state === 'loading' && options.length === 0)
    return <Loading label={kind === 'coupon' ? 'Loading coupons' : 'Loading promotion codes'} />
  if (options.length === 0)
    return (
      <Inline css={{ font: 'caption', color: 'secondary' }}>
        {q
          ? `No ${kind === 'coupon' ? 'coupon' : 'promotion code'} matches “${q}”.`
          : `No ${kind === 'coupon' ? 'coupons' : 'active promotion codes'} this subscription can use.`}
      </Inline>
    )
  return (
    <Box css={{ stack: 'y', gap: 'xsmall' }}>
      <Select
        name={field.name}
        label={field.label}
        defaultValue=""
        onChange={(e) => onChange(field.name, e.target.value)}
      >
        <option value="">{field.none}</option>
        {options.map((o) => (
          <option key={o.id} value={o.id}>
            {`${o.name} · ${describeDiscount(o, format)}`}
          </option>
        ))}
      </Select>
      {choices.nextCursor && (
        <Button size="small" disabled={state === 'loading'} onPress={() => void more()}>
          {kind === 'coupon' ? 'More coupons' : 'More promotion codes'}
        </Button>
      )}
    </Box>
  )
}

export function DiscountPicker({
  api,
  subscriptionId,
  onChange,
}: {
  api: ApiClient
  subscriptionId: string
  onChange: (name: string, value: string) => void
}) {
  const [q, setQ] = useState('')
  return (
    <Box css={{ stack: 'y', gap: 'small' }}>
      <TextField
        name="discountSearch"
        label="Find a coupon or promotion code"
        description="Part of its name or code."
        onChange={(e) => setQ(e.target.value.trim().slice(0, 100))}
      />
      <KindSelect
        kind="coupon"
        api={api}
        subscriptionId={subscriptionId}
        q={q}
        onChange={onChange}
      />
      <KindSelect
        kind="promotion_code"
        api={api}
        subscriptionId={subscriptionId}
        q={q}
        onChange={onChange}
      />
    </Box>
  )
}
