// Home overview: segments with counts and MRR (SDK bar chart), the stage split, saves and saved
// MRR this month, and sync health at a glance.
import {
  BarChart,
  Box,
  ContextView,
  Divider,
  Inline,
  List,
  ListItem,
  PropertyList,
  PropertyListItem,
} from '@stripe/ui-extension-sdk/ui'
import type { ExtensionContextValue } from '@stripe/ui-extension-sdk/context'
import { useFormat, withLocale } from '../locale'
import type { SegmentSummary } from '@holdfast/shared/api/segments'
import { useHomeOverview } from '../hooks/use-home-overview'
import { Loading, PanelStatus, TestModeNotice } from '../components/PanelStatus'
import { SyncHealthCard } from '../components/SyncHealthCard'
import { BRAND_COLOR } from '../brand'

/** Predefined segments that mirror the default lifecycle stages. */
const STAGE_SEGMENTS: [string, string][] = [
  ['current_trials', 'Trial'],
  ['customers', 'Customer'],
  ['churned', 'Churned'],
]

const HomeOverviewView = (context: ExtensionContextValue) => {
  const { state, reload, saves, sync } = useHomeOverview(context)
  const format = useFormat()
  return (
    <ContextView
      title="Holdfast"
      description="Retention at a glance"
      brandColor={BRAND_COLOR}
      banner={
        context.environment.mode === 'test' ? <TestModeNotice context={context} /> : undefined
      }
    >
      {state.kind !== 'ready' ? (
        <PanelStatus
          state={state}
          context={context}
          onRetry={reload}
          loadingLabel="Loading segments"
        />
      ) : (
        <Box css={{ stack: 'y', gap: 'large' }}>
          <Segments segments={state.data.segments.filter((s) => !s.hidden)} />
          <Divider />
          <Stages segments={state.data.segments} />
          <Divider />
          <Box css={{ stack: 'y', gap: 'small' }}>
            <Inline css={{ font: 'heading' }}>Saves this month</Inline>
            {saves.kind === 'loading' && <Loading label="Loading saves" />}
            {saves.kind === 'error' && (
              <Inline css={{ font: 'caption', color: 'attention' }}>
                Saves are unavailable: {saves.message}
              </Inline>
            )}
            {saves.kind === 'ready' && (
              <PropertyList>
                <PropertyListItem label="Saves" value={String(saves.data.saves)} />
                <PropertyListItem
                  label="MRR at stake (not yet confirmed)"
                  value={format.totals(saves.data.mrrAtStake)}
                />
              </PropertyList>
            )}
          </Box>
          {saves.kind === 'ready' && (
            <Box css={{ stack: 'y', gap: 'small' }}>
              <Inline css={{ font: 'heading' }}>All time</Inline>
              <Inline css={{ font: 'caption', color: 'secondary' }}>
                A save is confirmed when the customer is still subscribed 30 days later.
              </Inline>
              <PropertyList>
                <PropertyListItem
                  label="Confirmed saves"
                  value={String(saves.data.confirmedSaves)}
                />
                <PropertyListItem label="MRR saved" value={format.totals(saves.data.savedMrr)} />
                <PropertyListItem
                  label="Awaiting confirmation"
                  value={String(saves.data.awaitingConfirmation)}
                />
              </PropertyList>
            </Box>
          )}
          <Divider />
          <SyncHealthCard sync={sync} />
        </Box>
      )}
    </ContextView>
  )
}

function Segments({ segments }: { segments: SegmentSummary[] }) {
  const format = useFormat()
  if (segments.length === 0)
    return <Inline css={{ font: 'body', color: 'secondary' }}>No segments to show.</Inline>
  const data = segments.map((s) => ({ segment: s.name, customers: s.members }))
  return (
    <Box css={{ stack: 'y', gap: 'small' }}>
      <Inline css={{ font: 'heading' }}>Segments</Inline>
      <BarChart data={data} x="segment" y="customers" axis="y" tooltip />
      <List>
        {segments.map((s) => (
          <ListItem
            key={s.id}
            id={s.id}
            title={s.name}
            secondaryTitle={`MRR ${format.totals(s.mrr)}`}
            value={`${s.members} ${s.members === 1 ? 'customer' : 'customers'}`}
          />
        ))}
      </List>
    </Box>
  )
}

function Stages({ segments }: { segments: SegmentSummary[] }) {
  const byKey = new Map(segments.map((s) => [s.predefinedKey, s]))
  return (
    <Box css={{ stack: 'y', gap: 'small' }}>
      <Inline css={{ font: 'heading' }}>Stage distribution</Inline>
      <PropertyList>
        {STAGE_SEGMENTS.map(([key, label]) => (
          <PropertyListItem
            key={key}
            label={label}
            value={byKey.has(key) ? String(byKey.get(key)!.members) : '—'}
          />
        ))}
      </PropertyList>
    </Box>
  )
}

export default withLocale(HomeOverviewView)
