// Offer guardrails: limits on the discounts agents give, enforced by the backend on every
// discount and shown in the discount sheet before Confirm. An empty field turns a limit off.
import { useEffect, useState } from 'react'
import { Banner, Box, Button, TextField } from '@stripe/ui-extension-sdk/ui'
import { OfferGuardrails } from '@holdfast/shared/api/guardrails'
import { toast } from '../../host'
import { describeError, type ApiClient } from '../../api/client'
import { routes } from '../../api/routes'
import { useLoad } from '../../hooks/use-load'
import { useSingleFlight } from '../../hooks/use-single-flight'
import { Loading } from '../PanelStatus'
import { Section } from './Section'

type Key = keyof OfferGuardrails
const FIELDS: { key: Key; label: string; description: string }[] = [
  {
    key: 'cooldownDays',
    label: 'Cooldown (days)',
    description: 'No second discount for a customer within this many days of the last one.',
  },
  {
    key: 'maxDiscountsPerCustomer',
    label: 'Discounts per customer, at most',
    description: 'Counts the discounts given through Holdfast.',
  },
  {
    key: 'approvalAbovePercentOff',
    label: 'Administrator needed above (% off)',
    description: 'A deeper discount (a free period is 100 %) needs an administrator.',
  },
  {
    key: 'approvalAboveMonths',
    label: 'Administrator needed above (months)',
    description: 'A longer discount (forever included) needs an administrator.',
  },
]

export function GuardrailsSection({ api }: { api: ApiClient }) {
  const loaded = useLoad(
    api,
    (api) => api.get(routes.guardrails, OfferGuardrails),
    'offer guardrails'
  )
  const [draft, setDraft] = useState<Record<Key, string> | null>(null)
  const [error, setError] = useState<string | null>(null)
  const flight = useSingleFlight()

  useEffect(() => {
    if (loaded.kind === 'ready' && draft === null)
      setDraft(
        Object.fromEntries(
          FIELDS.map((f) => [f.key, loaded.data[f.key] === null ? '' : String(loaded.data[f.key])])
        ) as Record<Key, string>
      )
  }, [loaded, draft])

  async function save() {
    if (!draft) return
    setError(null)
    const body: Record<string, number | null> = {}
    for (const f of FIELDS) {
      const v = draft[f.key].trim()
      if (v === '') body[f.key] = null
      else if (!/^\d+(\.\d+)?$/.test(v))
        return setError(`${f.label}: enter a number or leave it empty.`)
      else body[f.key] = Number(v)
    }
    await flight.run('save', async () => {
      try {
        await api.put(routes.guardrails, body)
        toast('Guardrails saved', 'success')
        await loaded.reload()
      } catch (err) {
        setError(describeError(err))
      }
    })
  }

  return (
    <Section
      title="Offer guardrails"
      description="Limits on the discounts agents give. Holdfast refuses a discount outside them and says why before Confirm."
    >
      {loaded.kind === 'loading' && <Loading label="Loading guardrails" />}
      {loaded.kind === 'error' && (
        <Banner
          type="critical"
          title="Guardrails could not be loaded"
          description={loaded.message}
        />
      )}
      {draft && (
        <Box css={{ stack: 'y', gap: 'small' }}>
          {FIELDS.map((f) => (
            <TextField
              key={f.key}
              name={f.key}
              label={f.label}
              description={f.description}
              placeholder="No limit"
              value={draft[f.key]}
              onChange={(e) => setDraft({ ...draft, [f.key]: e.target.value })}
            />
          ))}
          {error && <Banner type="critical" title="Not saved" description={error} />}
          <Button type="primary" pending={flight.pending !== null} onPress={() => void save()}>
            Save guardrails
          </Button>
        </Box>
      )}
    </Section>
  )
}
