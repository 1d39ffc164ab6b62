// The actions available now, grouped by subscription: one button each, opening its FocusView.
import { Box, Button, Inline } from '@stripe/ui-extension-sdk/ui'
import type { AvailableAction } from '@holdfast/shared/api/customers'
import { specFor } from '../actions/specs'
import type { ActionTarget } from './ActionFocusView'

export function SubscriptionActions({
  actions,
  onOpen,
}: {
  actions: AvailableAction[]
  onOpen: (target: ActionTarget) => void
}) {
  const bySubscription = new Map<string, AvailableAction[]>()
  for (const action of actions) {
    if (!action.subscriptionId || !specFor(action.kind)) continue
    const list = bySubscription.get(action.subscriptionId) ?? []
    list.push(action)
    bySubscription.set(action.subscriptionId, list)
  }
  if (bySubscription.size === 0) {
    return (
      <Inline css={{ font: 'caption', color: 'secondary' }}>
        No retention actions apply to this customer&apos;s subscriptions right now.
      </Inline>
    )
  }
  return (
    <Box css={{ stack: 'y', gap: 'medium' }}>
      {[...bySubscription].map(([subscriptionId, list]) => (
        <Box key={subscriptionId} css={{ stack: 'y', gap: 'small' }}>
          <Inline css={{ font: 'caption', color: 'secondary' }}>{subscriptionId}</Inline>
          <Box css={{ stack: 'x', gap: 'small', wrap: 'wrap' }}>
            {list.map((action) => (
              <Button
                key={action.kind}
                size="small"
                type={specFor(action.kind)?.destructive ? 'destructive' : 'secondary'}
                onPress={() => onOpen({ kind: action.kind, subscriptionId })}
              >
                {specFor(action.kind)?.title ?? action.label}
              </Button>
            ))}
          </Box>
        </Box>
      ))}
    </Box>
  )
}
