// The actions available now, grouped by subscription: one button each, opening its FocusView.
import { Box, Button, Inline } from '@stripe/ui-extension-sdk/ui'
import type { AvailableAction } from '@holdfast/shared/api/customers'
import { specFor } from '../actions/specs'
import type { ActionTarget } from './ActionFocusView'

export function SubscriptionActions({
  actions,
  permissions,
  onOpen,
}: {
  actions: AvailableAction[]
  /** What the user's Dashboard roles allow: other actions are not offered. */
  permissions: readonly string[]
  onOpen: (target: ActionTarget) => void
}) {
  const bySubscription = new Map<string, AvailableAction[]>()
  const mayRunSome = actions.some((a) => permissions.includes(a.kind))
  for (const action of actions) {
    if (!action.subscriptionId || !specFor(action.kind)) continue
    if (!permissions.includes(action.kind)) continue
    const list = bySubscription.get(action.subscriptionId) ?? []
    list.push(action)
    bySubscription.set(action.subscriptionId, list)
  }
  if (actions.length > 0 && !mayRunSome) {
    return (
      <Inline css={{ font: 'caption', color: 'secondary' }}>
        Your Dashboard role can view this customer but not run retention actions. An administrator
        can allow it in Holdfast settings.
      </Inline>
    )
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
