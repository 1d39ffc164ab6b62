// Customer detail drawer: stage, MRR, renewal, segments that explain themselves, grouped traits,
// recent timeline and the retention actions for each of the customer's subscriptions.
import {
  Box,
  ContextView,
  Divider,
  Inline,
  PropertyList,
  PropertyListItem,
} from '@stripe/ui-extension-sdk/ui'
import type { ExtensionContextValue } from '@stripe/ui-extension-sdk/context'
import { useFormat, withLocale } from '../locale'
import type { Format } from '../format'
import { useCustomerPanel } from '../hooks/use-customer-panel'
import { ActionFocusView } from '../components/ActionFocusView'
import { PanelStatus, TestModeNotice } from '../components/PanelStatus'
import { SegmentBadges } from '../components/SegmentBadges'
import { SubscriptionActions } from '../components/SubscriptionActions'
import { Timeline } from '../components/Timeline'
import { TraitGroups, findTrait, formatTrait, mrrOf } from '../components/TraitGroups'
import { StageBadge } from '../components/StageBadge'
import { BRAND_COLOR } from '../brand'

const CustomerDetailView = (context: ExtensionContextValue) => {
  const { state, reload, api, action, openAction, closeAction, onActionDone } =
    useCustomerPanel(context)
  const format = useFormat()
  return (
    <ContextView
      title="Holdfast"
      description="Who this customer is, and how to keep them"
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
          loadingLabel="Loading customer insights"
        />
      ) : (
        <Box css={{ stack: 'y', gap: 'large' }}>
          {state.account.status === 'installing' && (
            <Inline css={{ font: 'caption', color: 'secondary' }}>
              The first import is still running; figures may be incomplete.
            </Inline>
          )}
          <Box css={{ stack: 'x', gap: 'small', alignY: 'center' }}>
            <Inline css={{ font: 'bodyEmphasized' }}>Stage</Inline>
            <StageBadge stage={state.data.stage.stage} />
          </Box>
          <PropertyList>
            <PropertyListItem label="MRR" value={mrrOf(state.data.traits, format)} />
            <PropertyListItem label="Renews" value={renewal(state.data.traits, format)} />
          </PropertyList>
          <Box css={{ stack: 'y', gap: 'small' }}>
            <Inline css={{ font: 'heading' }}>Segments</Inline>
            <SegmentBadges segments={state.data.segments} />
          </Box>
          <Divider />
          <Box css={{ stack: 'y', gap: 'small' }}>
            <Inline css={{ font: 'heading' }}>Actions</Inline>
            <SubscriptionActions
              actions={state.data.actions}
              permissions={state.account.permissions}
              onOpen={openAction}
            />
          </Box>
          <Divider />
          <Box css={{ stack: 'y', gap: 'small' }}>
            <Inline css={{ font: 'heading' }}>Traits</Inline>
            <TraitGroups groups={state.data.traits} />
          </Box>
          <Box css={{ stack: 'y', gap: 'small' }}>
            <Inline css={{ font: 'heading' }}>Recent activity</Inline>
            <Timeline entries={state.data.timeline.entries} />
          </Box>
        </Box>
      )}
      <ActionFocusView api={api} target={action} onClose={closeAction} onDone={onActionDone} />
    </ContextView>
  )
}

function renewal(groups: Parameters<typeof findTrait>[0], format: Format): string {
  const cancelAtEnd = findTrait(groups, 'subscription.cancel_at_period_end')
  const end = findTrait(groups, 'subscription.current_period_end')
  if (!end || end.value === null) return '—'
  return cancelAtEnd?.value === true
    ? `Cancels ${formatTrait(end, format)}`
    : formatTrait(end, format)
}

export default withLocale(CustomerDetailView)
