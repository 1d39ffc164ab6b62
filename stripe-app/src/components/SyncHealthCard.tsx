// Sync health at a glance: overall state, per object type progress and failures.
import { Badge, Box, Inline, List, ListItem } from '@stripe/ui-extension-sdk/ui'
import type { SyncHealth } from '../api/sync'
import type { Load } from '../hooks/use-load'
import { humanize } from '../format'
import { useFormat } from '../locale'
import { Loading } from './PanelStatus'

const BADGE: Record<string, 'positive' | 'warning' | 'negative' | 'neutral' | 'info'> = {
  done: 'positive',
  importing: 'info',
  running: 'info',
  pending: 'neutral',
  not_started: 'warning',
  changes_only: 'neutral',
  skipped: 'neutral',
  canceled: 'warning',
  failed: 'negative',
}

export function SyncHealthCard({
  sync,
  detailed = false,
}: {
  sync: Load<SyncHealth>
  detailed?: boolean
}) {
  const format = useFormat()
  if (sync.kind === 'loading') return <Loading label="Loading sync health" />
  if (sync.kind === 'error')
    return (
      <Inline css={{ font: 'caption', color: 'attention' }}>
        Sync health is unavailable: {sync.message}
      </Inline>
    )
  const { state, types, lastWebhookAt, pendingEvents, pendingCustomers } = sync.data
  const failed = types.filter((t) => t.error || t.state === 'failed')
  return (
    <Box css={{ stack: 'y', gap: 'small' }}>
      <Box css={{ stack: 'x', gap: 'small', alignY: 'center' }}>
        <Inline css={{ font: 'bodyEmphasized' }}>Sync</Inline>
        <Badge type={BADGE[state] ?? 'neutral'}>{humanize(state)}</Badge>
        {failed.length > 0 && <Badge type="negative">{`${failed.length} failing`}</Badge>}
      </Box>
      <Inline css={{ font: 'caption', color: 'secondary' }}>
        Last webhook: {format.dateTime(lastWebhookAt)}
        {pendingEvents + pendingCustomers > 0 &&
          ` · catching up: ${pendingEvents} events to apply, ${pendingCustomers} customers to update`}
      </Inline>
      {(detailed || failed.length > 0) && types.length > 0 && (
        <List>
          {(detailed ? types : failed).map((t) => (
            <ListItem
              key={t.type}
              id={t.type}
              title={humanize(t.type)}
              secondaryTitle={
                t.error ??
                `${t.held ?? '?'} of ${t.atStripe ?? '?'} held${
                  t.progress !== null ? ` (${Math.round(t.progress)} %)` : ''
                }`
              }
              value={humanize(t.state)}
            />
          ))}
        </List>
      )}
    </Box>
  )
}
