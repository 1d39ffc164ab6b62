// Offers editor: the reusable retention offers agents pick in the action sheets.
import { useState } from 'react'
import {
  Banner,
  Box,
  Button,
  Inline,
  List,
  ListItem,
  Select,
  TextField,
} from '@stripe/ui-extension-sdk/ui'
import { toast } from '../../host'
import { CreateOfferRequest, Offer, OfferList } from '@holdfast/shared/api/offers'
import { describeError, type ApiClient } from '../../api/client'
import { routes } from '../../api/routes'
import { useLoad } from '../../hooks/use-load'
import { useSingleFlight } from '../../hooks/use-single-flight'
import { Loading } from '../PanelStatus'
import { Section } from './Section'
import { currencyExponent } from '@holdfast/shared/money'
import { formatFor, runtimeLocale, type Format } from '../../format'
import { useFormat } from '../../locale'

const KINDS = [
  { value: 'percent_off', label: 'Percent off' },
  { value: 'amount_off', label: 'Amount off' },
  { value: 'free_period', label: 'Free months' },
  { value: 'pause', label: 'Pause collection' },
  { value: 'extend_trial', label: 'Extend trial' },
  { value: 'switch_price', label: 'Switch to price' },
]

/** The terms field(s) each kind needs, read from the draft. Amounts are typed in major units. */
export function draftToRequest(d: Record<string, string>): unknown {
  const n = (v: string | undefined) => (v && v.trim() !== '' ? Number(v) : undefined)
  const duration = d.duration || 'once'
  const durationFields = {
    duration,
    ...(duration === 'repeating' ? { durationInMonths: n(d.months) } : {}),
  }
  switch (d.kind) {
    case 'percent_off':
      return { name: d.name, kind: d.kind, percentOff: n(d.amount), ...durationFields }
    case 'amount_off':
      return {
        name: d.name,
        kind: d.kind,
        // 500 JPY is 500 minor units; 5 USD is 500 (by the currency's exponent, not ×100).
        amountOff: Math.round((n(d.amount) ?? 0) * 10 ** currencyExponent(d.currency || 'usd')),
        currency: d.currency || 'usd',
        ...durationFields,
      }
    case 'free_period':
      return { name: d.name, kind: d.kind, months: n(d.months) }
    case 'pause':
      return { name: d.name, kind: d.kind, months: n(d.months) }
    case 'extend_trial':
      return { name: d.name, kind: d.kind, days: n(d.amount) }
    default:
      return { name: d.name, kind: 'switch_price', priceId: d.priceId?.trim() }
  }
}

export function describeOffer(offer: Offer, format: Format = formatFor(runtimeLocale())): string {
  const p = offer.params as Record<string, unknown>
  switch (offer.kind) {
    case 'percent_off':
      return `${p.percentOff} % off, ${p.duration === 'repeating' ? `${p.durationInMonths} months` : p.duration}`
    case 'amount_off':
      return `${format.amount(Number(p.amountOff), String(p.currency))} off, ${p.duration}`
    case 'free_period':
      return `${p.months} months free`
    case 'pause':
      return `Pause ${p.months} months`
    case 'extend_trial':
      return `${p.days} more trial days`
    default:
      return `Switch to ${p.priceId}`
  }
}

export function OffersSection({ api }: { api: ApiClient }) {
  const format = useFormat()
  const offers = useLoad(api, (api) => api.get(routes.offers, OfferList), 'offers')
  const [draft, setDraft] = useState<Record<string, string>>({ kind: 'percent_off' })
  const { pending, run } = useSingleFlight()
  const [error, setError] = useState<string | null>(null)
  const set = (key: string) => (e: { target: { value: string } }) =>
    setDraft((d) => ({ ...d, [key]: e.target.value }))

  async function create() {
    setError(null)
    const parsed = CreateOfferRequest.safeParse(draftToRequest(draft))
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      setError(`${issue?.path.join('.') || 'Offer'}: ${issue?.message ?? 'invalid'}`)
      return
    }
    await run('create', async () => {
      try {
        await api.post(routes.offers, parsed.data, { schema: Offer })
        toast('Offer created', 'success')
        await offers.reload()
      } catch (err) {
        setError(describeError(err))
      }
    })
  }

  async function archive(id: string) {
    setError(null)
    await run(id, async () => {
      try {
        await api.delete(routes.offer(id), { schema: Offer })
        toast('Offer archived', 'success')
        await offers.reload()
      } catch (err) {
        setError(describeError(err))
      }
    })
  }

  const kind = draft.kind ?? 'percent_off'
  return (
    <Section
      title="Offers"
      description="Reusable retention offers. Discount offers create their coupon in your Stripe account; terms can't change afterwards."
    >
      {offers.kind === 'loading' && <Loading label="Loading offers" />}
      {offers.kind === 'error' && (
        <Banner type="critical" title="Offers could not be loaded" description={offers.message} />
      )}
      {offers.kind === 'ready' &&
        (offers.data.data.filter((o) => !o.archived).length === 0 ? (
          <Inline css={{ font: 'body', color: 'secondary' }}>
            No offers yet. Create one below; agents pick it when they act.
          </Inline>
        ) : (
          <List>
            {offers.data.data
              .filter((o) => !o.archived)
              .map((offer) => (
                <ListItem
                  key={offer.id}
                  id={offer.id}
                  title={offer.name}
                  secondaryTitle={describeOffer(offer, format)}
                  value={
                    <Button
                      size="small"
                      pending={pending === offer.id}
                      disabled={pending !== null}
                      onPress={() => void archive(offer.id)}
                    >
                      Archive
                    </Button>
                  }
                />
              ))}
          </List>
        ))}
      <Box css={{ stack: 'y', gap: 'small' }}>
        <TextField name="offer.name" label="Offer name" required onChange={set('name')} />
        <Select name="offer.kind" label="Kind" defaultValue="percent_off" onChange={set('kind')}>
          {KINDS.map((k) => (
            <option key={k.value} value={k.value}>
              {k.label}
            </option>
          ))}
        </Select>
        {(kind === 'percent_off' || kind === 'amount_off' || kind === 'extend_trial') && (
          <TextField
            name="offer.amount"
            type="number"
            label={
              kind === 'percent_off' ? 'Percent off' : kind === 'amount_off' ? 'Amount off' : 'Days'
            }
            required
            onChange={set('amount')}
          />
        )}
        {kind === 'amount_off' && (
          <TextField
            name="offer.currency"
            label="Currency"
            defaultValue="usd"
            onChange={set('currency')}
          />
        )}
        {(kind === 'percent_off' || kind === 'amount_off') && (
          <Select
            name="offer.duration"
            label="Duration"
            defaultValue="once"
            onChange={set('duration')}
          >
            <option value="once">Once</option>
            <option value="repeating">Several months</option>
            <option value="forever">Forever</option>
          </Select>
        )}
        {(kind === 'free_period' ||
          kind === 'pause' ||
          ((kind === 'percent_off' || kind === 'amount_off') &&
            draft.duration === 'repeating')) && (
          <TextField
            name="offer.months"
            type="number"
            label="Months"
            required
            onChange={set('months')}
          />
        )}
        {kind === 'switch_price' && (
          <TextField
            name="offer.priceId"
            label="Price id"
            placeholder="price_…"
            required
            onChange={set('priceId')}
          />
        )}
        <Box>
          <Button
            pending={pending === 'create'}
            disabled={pending !== null}
            onPress={() => void create()}
          >
            Create offer
          </Button>
        </Box>
        {error && <Banner type="critical" title="The offer was not saved" description={error} />}
      </Box>
    </Section>
  )
}
