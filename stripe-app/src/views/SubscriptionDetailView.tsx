// Subscription detail drawer: the subscription's traits and the actions its status allows.
import { Badge, Box, ContextView, Divider, Inline } from '@stripe/ui-extension-sdk/ui'
import type { ExtensionContextValue } from '@stripe/ui-extension-sdk/context'
import { withLocale } from '../locale'
import { useSubscriptionPanel } from '../hooks/use-subscription-panel'
import { ActionFocusView } from '../components/ActionFocusView'
import { PanelStatus, TestModeNotice } from '../components/PanelStatus'
import { SubscriptionActions } from '../components/SubscriptionActions'
import { TraitGroups } from '../components/TraitGroups'
import { humanize } from '../format'
import { BRAND_COLOR } from '../brand'

const STATUS_BADGE: Record<string, 'positive' | 'info' | 'warning' | 'negative' | 'neutral'> = {
  active: 'positive',
  trialing: 'info',
  past_due: 'warning',
  unpaid: 'negative',
  incomplete: 'warning',
  canceled: 'neutral',
  incomplete_expired: 'neutral',
  paused: 'neutral',
}

const SubscriptionDetailView = (context: ExtensionContextValue) => {
  const { state, reload, api, action, openAction, closeAction, onActionDone } =
    useSubscriptionPanel(context)
  return (
    <ContextView
      title="Holdfast"
      description="Keep this subscription"
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
          loadingLabel="Loading subscription insights"
        />
      ) : (
        <Box css={{ stack: 'y', gap: 'large' }}>
          <Box css={{ stack: 'x', gap: 'small', alignY: 'center' }}>
            <Inline css={{ font: 'bodyEmphasized' }}>Status</Inline>
            <Badge type={STATUS_BADGE[state.data.subscription.status ?? ''] ?? 'neutral'}>
              {humanize(state.data.subscription.status ?? 'unknown')}
            </Badge>
          </Box>
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
            <TraitGroups groups={state.data.subscription.traits} />
          </Box>
        </Box>
      )}
      <ActionFocusView api={api} target={action} onClose={closeAction} onDone={onActionDone} />
    </ContextView>
  )
}

export default withLocale(SubscriptionDetailView)
