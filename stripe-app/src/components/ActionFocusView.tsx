// One FocusView for every retention action: parameters, the offer picker, the plan-change cost
// preview, Cancel, and a confirm that shows a pending state. Nothing changes at Stripe before the
// confirm. The FocusView stays mounted and is toggled with `shown`, as Stripe's docs require.
// @see https://docs.stripe.com/stripe-apps/components/focusview
import { useCallback, useEffect, useRef, useState } from 'react'
import {
  Banner,
  Box,
  Button,
  Checkbox,
  FocusView,
  Inline,
  PropertyList,
  PropertyListItem,
  Select,
  TextField,
} from '@stripe/ui-extension-sdk/ui'
import { toast } from '../host'
import { ActionResult, ChangePlanPreview, PlanOptions } from '@holdfast/shared/api/actions'
import { GuardrailCheck } from '@holdfast/shared/api/guardrails'
import { OfferList, type Offer } from '@holdfast/shared/api/offers'
import { describeError, type ApiClient } from '../api/client'
import { routes } from '../api/routes'
import { initialValues, specFor, wordingOf, type Field, type Values } from '../actions/specs'
import { useFormat } from '../locale'
import { Loading } from './PanelStatus'
import { DiscountPicker } from './DiscountPicker'
import { PlanPicker, planChoiceProblem, type PlanChoices } from './PlanPicker'

export type ActionTarget = { kind: string; subscriptionId: string }

type PreviewState =
  | { kind: 'none' }
  | { kind: 'loading' }
  | { kind: 'ready'; preview: ChangePlanPreview; forBody: string }
  | { kind: 'error'; message: string }

export function ActionFocusView({
  api,
  target,
  onClose,
  onDone,
}: {
  api: ApiClient
  target: ActionTarget | null
  onClose: () => void
  /** Called after a confirmed action succeeded: reload what the view shows. */
  onDone: () => Promise<void>
}) {
  const spec = target ? specFor(target.kind) : undefined
  const [values, setValues] = useState<Values>({})
  const [dirty, setDirty] = useState(false)
  const [offers, setOffers] = useState<Offer[] | 'loading' | { error: string }>([])
  const [plans, setPlans] = useState<PlanChoices | null>(null)
  const [preview, setPreview] = useState<PreviewState>({ kind: 'none' })
  const [pending, setPending] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [clientKey, setClientKey] = useState('')
  const inFlight = useRef(false)

  // A fresh form (and idempotency key) each time an action is opened. Reset during render, not in
  // an effect, so no input typed right after opening can be wiped by a late reset.
  const openKey = spec && target ? `${spec.kind}:${target.subscriptionId}` : null
  const [formFor, setFormFor] = useState<string | null>(null)
  if (openKey !== formFor) {
    setFormFor(openKey)
    if (spec && target) {
      setValues(initialValues(spec))
      setDirty(false)
      setPreview({ kind: 'none' })
      setPending(false)
      setError(null)
      setClientKey(
        `${target.subscriptionId}:${spec.kind}:${Date.now()}:${Math.random().toString(36).slice(2)}`
      )
    }
  }

  // The offers that can stand in for this action's parameters.
  useEffect(() => {
    if (!spec?.offerKinds) {
      setOffers([])
      return
    }
    let current = true
    setOffers('loading')
    api.get(routes.offers, OfferList).then(
      (list) => {
        if (current)
          setOffers(list.data.filter((o) => !o.archived && spec.offerKinds!.includes(o.kind)))
      },
      (err) => {
        if (current) setOffers({ error: describeError(err) })
      }
    )
    return () => {
      current = false
    }
  }, [api, spec, openKey])

  // What a plan change can pick from: the subscription's items and same-currency prices.
  const subscriptionId = target?.subscriptionId
  useEffect(() => {
    if (!spec?.planPicker || !subscriptionId) {
      setPlans(null)
      return
    }
    let current = true
    setPlans('loading')
    api.get(routes.planOptions(subscriptionId), PlanOptions).then(
      (options) => {
        if (current) setPlans(options)
      },
      (err) => {
        if (current) setPlans({ error: describeError(err) })
      }
    )
    return () => {
      current = false
    }
  }, [api, spec, subscriptionId, openKey])

  const update = useCallback((name: string, value: string) => {
    setValues((v) => ({ ...v, [name]: value }))
    setDirty(true)
    setPreview({ kind: 'none' })
    setError(null)
  }, [])

  const usingPicker = Boolean(spec?.planPicker && plans && !values.offerId)
  // The item choice counts with an offer too: an offer names a price, not which item it replaces.
  const built =
    (spec?.planPicker && plans ? planChoiceProblem(plans, values.itemId) : null) ??
    (spec ? spec.body(values) : 'No action selected.')
  const bodyKey = typeof built === 'string' ? '' : JSON.stringify(built)
  const guard = useGuardrailCheck(api, spec?.check?.path, target?.subscriptionId, bodyKey)
  const refused = guard?.forBody === bodyKey && !guard.result.allowed
  const previewed = preview.kind === 'ready' && preview.forBody === bodyKey
  const needsPreview = Boolean(spec?.preview) && !previewed

  async function runPreview() {
    if (!spec?.preview || !target || typeof built === 'string') return
    setPreview({ kind: 'loading' })
    try {
      const result = await api.post(
        routes.subscriptionAction(target.subscriptionId, spec.preview.path),
        built,
        { schema: ChangePlanPreview }
      )
      setPreview({ kind: 'ready', preview: result, forBody: bodyKey })
    } catch (err) {
      setPreview({ kind: 'error', message: describeError(err) })
    }
  }

  async function confirm() {
    if (!spec || !target || inFlight.current) return
    if (typeof built === 'string') {
      setError(built)
      return
    }
    // A second press before the pending state renders must not send again.
    inFlight.current = true
    setPending(true)
    setError(null)
    const body = {
      ...built,
      clientKey,
      ...(preview.kind === 'ready' && previewed
        ? { prorationDate: preview.preview.prorationDate }
        : {}),
    }
    try {
      await api.post(routes.subscriptionAction(target.subscriptionId, spec.path), body, {
        idempotencyKey: clientKey,
        schema: ActionResult,
      })
    } catch (err) {
      inFlight.current = false
      setPending(false)
      setError(describeError(err))
      toast(`${spec.title} failed`, 'caution')
      return
    }
    toast(wordingOf(spec, values).toast, 'success')
    await onDone()
    inFlight.current = false
    setPending(false)
    onClose()
  }

  const close = (shown: boolean) => {
    if (!shown && !pending) onClose()
  }

  return (
    <FocusView
      title={spec?.title ?? 'Action'}
      shown={Boolean(spec && target)}
      setShown={close}
      confirmCloseMessages={
        dirty && !pending
          ? {
              title: 'Discard this action?',
              description: 'Nothing has been changed yet.',
              cancelAction: 'Keep editing',
              exitAction: 'Discard',
            }
          : undefined
      }
      primaryAction={
        <Button
          type={spec?.destructive ? 'destructive' : 'primary'}
          pending={pending}
          disabled={pending || needsPreview || refused || typeof built === 'string'}
          onPress={() => void confirm()}
        >
          {spec ? wordingOf(spec, values).confirmLabel : 'Confirm'}
        </Button>
      }
      secondaryAction={
        <Button disabled={pending} onPress={onClose}>
          Go back
        </Button>
      }
    >
      {spec && target ? (
        <Box css={{ stack: 'y', gap: 'medium' }}>
          <Inline css={{ font: 'body' }}>{wordingOf(spec, values).summary}</Inline>
          <Inline css={{ font: 'caption', color: 'secondary' }}>
            Subscription {target.subscriptionId}
          </Inline>
          {spec.offerKinds && (
            <OfferPicker offers={offers} onChange={(id) => update('offerId', id)} />
          )}
          {spec.discountPicker && !values.offerId && (
            <DiscountPicker
              key={openKey}
              api={api}
              subscriptionId={target.subscriptionId}
              onChange={update}
            />
          )}
          {spec.planPicker && plans && (
            <PlanPicker
              plans={plans}
              itemId={values.itemId}
              prices={usingPicker}
              onChange={update}
            />
          )}
          {spec.fields
            .filter((field) => !field.when || field.when(values))
            .map((field) => (
              <FormField
                key={field.name}
                field={field}
                onChange={(value) => update(field.name, value)}
              />
            ))}
          {typeof built === 'string' && dirty && (
            <Inline css={{ font: 'caption', color: 'attention' }}>{built}</Inline>
          )}
          {spec.preview && (
            <PreviewSection
              state={preview}
              stale={preview.kind === 'ready' && !previewed}
              disabled={typeof built === 'string'}
              onPreview={() => void runPreview()}
            />
          )}
          {guard?.forBody === bodyKey && <GuardrailNotice result={guard.result} />}
          {error && <Banner type="critical" title="Nothing was changed" description={error} />}
        </Box>
      ) : (
        <Inline>Pick an action.</Inline>
      )}
    </FocusView>
  )
}

function OfferPicker({
  offers,
  onChange,
}: {
  offers: Offer[] | 'loading' | { error: string }
  onChange: (offerId: string) => void
}) {
  if (offers === 'loading') return <Loading label="Loading offers" />
  if (!Array.isArray(offers))
    return (
      <Inline css={{ font: 'caption', color: 'attention' }}>
        Offers could not be loaded ({offers.error}); set the parameters below.
      </Inline>
    )
  if (offers.length === 0)
    return (
      <Inline css={{ font: 'caption', color: 'secondary' }}>
        No offers for this action yet; define them in Holdfast settings, or set the parameters
        below.
      </Inline>
    )
  return (
    <Select
      name="offerId"
      label="Offer"
      description="An offer sets the terms; leave empty to set them here."
      defaultValue=""
      onChange={(e) => onChange(e.target.value)}
    >
      <option value="">No offer</option>
      {offers.map((offer) => (
        <option key={offer.id} value={offer.id}>
          {offer.name}
        </option>
      ))}
    </Select>
  )
}

function FormField({ field, onChange }: { field: Field; onChange: (value: string) => void }) {
  switch (field.kind) {
    case 'select':
      return (
        <Select
          name={field.name}
          label={field.label}
          description={field.description}
          defaultValue={field.defaultValue}
          onChange={(e) => onChange(e.target.value)}
        >
          {field.options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </Select>
      )
    case 'checkbox':
      return (
        <Checkbox
          name={field.name}
          label={field.label}
          description={field.description}
          defaultChecked={field.defaultValue}
          onChange={(e) => onChange(e.target.checked ? 'true' : 'false')}
        />
      )
    default:
      return (
        <TextField
          name={field.name}
          label={field.label}
          description={field.description}
          placeholder={field.placeholder}
          type={field.kind === 'number' ? 'number' : 'text'}
          defaultValue={field.defaultValue}
          onChange={(e) => onChange(e.target.value)}
        />
      )
  }
}

function PreviewSection({
  state,
  stale,
  disabled,
  onPreview,
}: {
  state: PreviewState
  stale: boolean
  disabled: boolean
  onPreview: () => void
}) {
  const format = useFormat()
  return (
    <Box css={{ stack: 'y', gap: 'small' }}>
      <Button disabled={disabled || state.kind === 'loading'} onPress={onPreview}>
        {state.kind === 'ready' ? 'Preview again' : 'Preview cost'}
      </Button>
      {state.kind === 'loading' && <Loading label="Asking Stripe what this will cost" />}
      {state.kind === 'error' && (
        <Banner type="critical" title="No preview" description={state.message} />
      )}
      {state.kind === 'ready' && !stale && (
        <PropertyList>
          <PropertyListItem
            label="Due now"
            value={format.amount(state.preview.dueNow.amount, state.preview.dueNow.currency)}
          />
          <PropertyListItem
            label="Next invoice"
            value={
              state.preview.nextInvoice.amount === null
                ? '—'
                : `${format.amount(state.preview.nextInvoice.amount, state.preview.nextInvoice.currency)}${
                    state.preview.nextInvoice.date
                      ? ` on ${format.date(state.preview.nextInvoice.date)}`
                      : ''
                  }`
            }
          />
          <PropertyListItem
            label="Prorations"
            value={format.amount(
              state.preview.prorations.amount,
              state.preview.prorations.currency
            )}
          />
        </PropertyList>
      )}
      {state.kind === 'none' && (
        <Inline css={{ font: 'caption', color: 'secondary' }}>
          Preview the cost before you confirm.
        </Inline>
      )}
    </Box>
  )
}

/**
 * The backend's guardrail verdict for the current form (cooldown, per-customer maximum, approval),
 * fetched as the form changes; the same check runs again on Confirm, so a failed fetch blocks
 * nothing here.
 */
function useGuardrailCheck(
  api: ApiClient,
  path: string | undefined,
  subscriptionId: string | undefined,
  bodyKey: string
): { forBody: string; result: GuardrailCheck } | null {
  const [state, setState] = useState<{ forBody: string; result: GuardrailCheck } | null>(null)
  useEffect(() => {
    if (!path || !subscriptionId || !bodyKey) return
    let current = true
    api
      .post(routes.subscriptionAction(subscriptionId, path), JSON.parse(bodyKey), {
        schema: GuardrailCheck,
      })
      .then((result) => current && setState({ forBody: bodyKey, result }))
      .catch(() => current && setState(null))
    return () => {
      current = false
    }
  }, [api, path, subscriptionId, bodyKey])
  return state
}

function GuardrailNotice({ result }: { result: GuardrailCheck }) {
  if (!result.allowed)
    return (
      <Banner
        type="caution"
        title={result.status === 403 ? 'Needs an administrator' : 'Not allowed for this customer'}
        description={result.reason ?? ''}
      />
    )
  if (result.notes.length === 0) return null
  return (
    <Box css={{ stack: 'y', gap: 'xsmall' }}>
      {result.notes.map((note) => (
        <Inline key={note} css={{ font: 'caption', color: 'secondary' }}>
          {note}
        </Inline>
      ))}
    </Box>
  )
}
