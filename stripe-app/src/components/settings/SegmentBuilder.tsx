// Custom segments: a rule builder over the trait catalog (AND/OR of conditions) with a live count
// of matching customers, and the custom segments that exist with their counts.
import { useEffect, useMemo, useState } from 'react'
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
import { SegmentCreate, SegmentList, SegmentSummary } from '@holdfast/shared/api/segments'
import { OPS_BY_TYPE, checkRule, type RuleOp } from '@holdfast/shared/segments/rule'
import { TRAIT_CATALOG, findTraitDefinition } from '@holdfast/shared/traits/catalog'
import { ApiError, describeError, type ApiClient } from '../../api/client'
import { routes } from '../../api/routes'
import { useLoad } from '../../hooks/use-load'
import { humanize, type Format } from '../../format'
import { useFormat } from '../../locale'
import { useSingleFlight } from '../../hooks/use-single-flight'
import { ConfirmBanner } from '../ConfirmBanner'
import { Loading } from '../PanelStatus'
import { Section } from './Section'

type Condition = { id: number; trait: string; op: string; value: string }

const NO_VALUE = new Set(['exists', 'not_exists'])

export function SegmentBuilder({ api }: { api: ApiClient }) {
  const format = useFormat()
  const segments = useLoad(
    api,
    (api) => api.get(`${routes.segments}?includeHidden=true`, SegmentList),
    'segments'
  )
  const [name, setName] = useState('')
  const [match, setMatch] = useState<'all' | 'any'>('all')
  const [conditions, setConditions] = useState<Condition[]>([
    { id: 1, trait: 'subscription.status', op: 'equals', value: '' },
  ])
  const { pending, run } = useSingleFlight()
  const [deleting, setDeleting] = useState<SegmentSummary | null>(null)
  const [error, setError] = useState<string | null>(null)

  const built = useMemo(() => buildRule(match, conditions), [match, conditions])
  const count = useLiveCount(api, built.ok ? built.rule : null)

  const change = (id: number, patch: Partial<Condition>) =>
    setConditions((list) => list.map((c) => (c.id === id ? { ...c, ...patch } : c)))

  async function save() {
    setError(null)
    if (!built.ok) return setError(built.reason)
    const input = SegmentCreate.safeParse({ name, rule: built.rule })
    if (!input.success) {
      const issue = input.error.issues[0]
      return setError(`${issue?.path.join('.') || 'Segment'}: ${issue?.message ?? 'invalid'}`)
    }
    await run('create', async () => {
      try {
        await api.post(routes.segments, input.data, { schema: SegmentSummary })
        toast('Segment created', 'success')
        await segments.reload()
      } catch (err) {
        setError(describeError(err))
      }
    })
  }

  async function remove(id: string) {
    setError(null)
    await run(id, async () => {
      try {
        await api.delete(routes.segment(id))
        toast('Segment deleted', 'success')
        setDeleting(null)
        await segments.reload()
      } catch (err) {
        setError(describeError(err))
      }
    })
  }

  return (
    <Section
      title="Custom segments"
      description="Group customers by any trait. Segments update as Stripe data changes."
    >
      {segments.kind === 'loading' && <Loading label="Loading segments" />}
      {segments.kind === 'error' && (
        <Banner
          type="critical"
          title="Segments could not be loaded"
          description={segments.message}
        />
      )}
      {segments.kind === 'ready' && (
        <CustomSegmentList
          segments={segments.data.segments.filter((s) => s.predefinedKey === null)}
          busy={pending !== null}
          onDelete={setDeleting}
        />
      )}
      {deleting && (
        <ConfirmBanner
          title={`Delete "${deleting.name}"?`}
          description="The segment and its history go for good; downstream webhooks stop hearing about it."
          confirmLabel="Delete segment"
          pending={pending === deleting.id}
          onConfirm={() => void remove(deleting.id)}
          onKeep={() => setDeleting(null)}
        />
      )}
      <Box css={{ stack: 'y', gap: 'small' }}>
        <TextField
          name="segment.name"
          label="Segment name"
          required
          onChange={(e) => setName(e.target.value)}
        />
        <Select
          name="segment.match"
          label="Customers matching"
          defaultValue="all"
          onChange={(e) => setMatch(e.target.value === 'any' ? 'any' : 'all')}
        >
          <option value="all">All conditions</option>
          <option value="any">Any condition</option>
        </Select>
        {conditions.map((c, i) => (
          <ConditionRow
            key={c.id}
            index={i}
            condition={c}
            onChange={(patch) => change(c.id, patch)}
            onRemove={
              conditions.length > 1
                ? () => setConditions((list) => list.filter((x) => x.id !== c.id))
                : undefined
            }
          />
        ))}
        <Box css={{ stack: 'x', gap: 'small' }}>
          <Button
            size="small"
            onPress={() =>
              setConditions((list) => [
                ...list,
                {
                  id: Math.max(0, ...list.map((x) => x.id)) + 1,
                  trait: 'mrr.usd',
                  op: 'gt',
                  value: '',
                },
              ])
            }
          >
            Add condition
          </Button>
        </Box>
        <Inline css={{ font: 'bodyEmphasized' }}>{countText(count, built, format)}</Inline>
        <Box>
          <Button
            type="primary"
            pending={pending === 'create'}
            disabled={pending !== null}
            onPress={() => void save()}
          >
            Create segment
          </Button>
        </Box>
        {error && <Banner type="critical" title="The segment was not saved" description={error} />}
      </Box>
    </Section>
  )
}

function CustomSegmentList({
  segments,
  busy,
  onDelete,
}: {
  segments: SegmentSummary[]
  busy: boolean
  onDelete: (segment: SegmentSummary) => void
}) {
  const format = useFormat()
  if (segments.length === 0)
    return (
      <Inline css={{ font: 'body', color: 'secondary' }}>
        No custom segments yet; the predefined ones are on the home page.
      </Inline>
    )
  return (
    <List>
      {segments.map((s) => (
        <ListItem
          key={s.id}
          id={s.id}
          title={s.name}
          secondaryTitle={`${s.ruleText} · ${s.members} customers · MRR ${format.totals(s.mrr)}`}
          value={
            <Button size="small" disabled={busy} onPress={() => onDelete(s)}>
              Delete
            </Button>
          }
        />
      ))}
    </List>
  )
}

function ConditionRow({
  index,
  condition,
  onChange,
  onRemove,
}: {
  index: number
  condition: Condition
  onChange: (patch: Partial<Condition>) => void
  onRemove?: () => void
}) {
  const definition = findTraitDefinition(condition.trait)
  const ops = definition ? OPS_BY_TYPE[definition.type] : []
  return (
    <Box
      css={{
        stack: 'y',
        gap: 'xsmall',
        padding: 'small',
        keyline: 'neutral',
        borderRadius: 'small',
      }}
    >
      <Select
        name={`condition.${index}.trait`}
        label="Trait"
        defaultValue={condition.trait}
        onChange={(e) => {
          const next = findTraitDefinition(e.target.value)
          const nextOps = next ? OPS_BY_TYPE[next.type] : []
          onChange({
            trait: e.target.value,
            op: nextOps.includes(condition.op as RuleOp) ? condition.op : (nextOps[0] ?? 'exists'),
          })
        }}
      >
        {TRAIT_CATALOG.map((t) => (
          <option key={t.key} value={t.key}>
            {t.label}
          </option>
        ))}
      </Select>
      <Select
        name={`condition.${index}.op`}
        label="Operator"
        defaultValue={condition.op}
        onChange={(e) => onChange({ op: e.target.value })}
      >
        {ops.map((op) => (
          <option key={op} value={op}>
            {humanize(op)}
          </option>
        ))}
      </Select>
      {!NO_VALUE.has(condition.op) && (
        <TextField
          name={`condition.${index}.value`}
          label="Value"
          description={valueHint(condition.op, definition?.type)}
          onChange={(e) => onChange({ value: e.target.value })}
        />
      )}
      {onRemove && (
        <Box>
          <Button size="small" onPress={onRemove}>
            Remove condition
          </Button>
        </Box>
      )}
    </Box>
  )
}

function valueHint(op: string, type: string | undefined): string | undefined {
  if (op === 'in' || op === 'not_in') return 'Comma-separated values'
  if (op === 'between') return 'Two numbers: low, high'
  if (op.includes('days')) return 'Number of days'
  if (op === 'before' || op === 'after') return 'A date, e.g. 2026-01-31'
  if (type === 'money') return 'Minor units (cents): 4900 = $49.00'
  if (type === 'boolean') return 'true or false'
  return undefined
}

type Built = { ok: true; rule: SegmentCreate['rule'] } | { ok: false; reason: string }

/** The draft conditions as a rule, with values typed for each trait; or why it isn't one yet. */
export function buildRule(match: 'all' | 'any', conditions: Condition[]): Built {
  const rules: unknown[] = []
  for (const [i, c] of conditions.entries()) {
    const definition = findTraitDefinition(c.trait)
    if (!definition) return { ok: false, reason: `Condition ${i + 1}: pick a trait.` }
    const scalar = (raw: string): string | number | boolean | null => {
      const v = raw.trim()
      if (v === '') return null
      if (definition.type === 'number' || definition.type === 'money')
        return Number.isFinite(Number(v)) ? Number(v) : null
      if (definition.type === 'boolean') return v === 'true' ? true : v === 'false' ? false : null
      return v
    }
    const missing = { ok: false as const, reason: `Condition ${i + 1}: enter a value.` }
    let value: unknown
    if (NO_VALUE.has(c.op)) value = undefined
    else if (c.op === 'in' || c.op === 'not_in') {
      const values = c.value.split(',').map(scalar)
      if (values.some((v) => v === null)) return missing
      value = values
    } else if (c.op === 'between') {
      const [lo, hi] = c.value.split(',').map((v) => Number(v.trim()))
      if (!Number.isFinite(lo) || !Number.isFinite(hi)) return missing
      value = [lo, hi]
    } else if (c.op.includes('days')) {
      if (!/^\d+$/.test(c.value.trim())) return missing
      value = Number(c.value.trim())
    } else if (c.op === 'before' || c.op === 'after') {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(c.value.trim())) return missing
      value = c.value.trim()
    } else if (['gt', 'gte', 'lt', 'lte'].includes(c.op)) {
      const n = Number(c.value.trim())
      if (c.value.trim() === '' || !Number.isFinite(n)) return missing
      value = n
    } else {
      value = scalar(c.value)
      if (value === null) return missing
    }
    rules.push(
      value === undefined ? { trait: c.trait, op: c.op } : { trait: c.trait, op: c.op, value }
    )
  }
  const parsed = SegmentCreate.shape.rule.safeParse({ match, rules })
  if (!parsed.success)
    return { ok: false, reason: parsed.error.issues[0]?.message ?? 'Invalid rule' }
  const problems = checkRule(parsed.data)
  if (problems.length) return { ok: false, reason: problems[0]! }
  return { ok: true, rule: parsed.data }
}

type Count =
  | { kind: 'idle' }
  | { kind: 'counting' }
  | { kind: 'ready'; members: number; mrr: Record<string, number> }
  | { kind: 'unavailable'; message: string }

/** Counts the draft rule's customers a moment after the last edit. */
function useLiveCount(api: ApiClient, rule: SegmentCreate['rule'] | null): Count {
  const [count, setCount] = useState<Count>({ kind: 'idle' })
  const key = rule ? JSON.stringify(rule) : ''
  useEffect(() => {
    if (!key) {
      setCount({ kind: 'idle' })
      return
    }
    let current = true
    setCount({ kind: 'counting' })
    const timer = setTimeout(() => {
      api
        .post<{ members: number; mrr?: Record<string, number> }>(routes.segmentPreview, {
          rule: JSON.parse(key),
        })
        .then(
          (r) => current && setCount({ kind: 'ready', members: r.members, mrr: r.mrr ?? {} }),
          (err) =>
            current &&
            setCount({
              kind: 'unavailable',
              message:
                err instanceof ApiError && err.status === 404
                  ? 'Live count is not available from this Holdfast backend; the count shows once the segment is saved.'
                  : describeError(err),
            })
        )
    }, 300)
    return () => {
      current = false
      clearTimeout(timer)
    }
  }, [api, key])
  return count
}

function countText(count: Count, built: Built, format: Format): string {
  if (!built.ok) return built.reason
  switch (count.kind) {
    case 'idle':
    case 'counting':
      return 'Counting matching customers…'
    case 'ready':
      return `${count.members} matching ${count.members === 1 ? 'customer' : 'customers'} · MRR ${format.totals(count.mrr)}`
    case 'unavailable':
      return count.message
  }
}
