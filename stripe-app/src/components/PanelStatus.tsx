// Everything a view shows when it has no data to show: loading, not connected, needs re-auth,
// backend unreachable, an error, or nothing synced yet. Each says what to do next.
import { Banner, Box, Button, Inline, Link, Spinner } from '@stripe/ui-extension-sdk/ui'
import type { ExtensionContextValue } from '@stripe/ui-extension-sdk/context'
import type { PanelState } from '../hooks/use-panel'
import { reauthorizeUrl, settingsUrl } from '../app-links'

export function PanelStatus({
  state,
  loadingLabel,
  context,
  onRetry,
  inSettings = false,
}: {
  state: Exclude<PanelState<unknown>, { kind: 'ready' }>
  loadingLabel: string
  context: ExtensionContextValue
  onRetry: () => void
  /** On the settings page itself there is no "open settings" link to give. */
  inSettings?: boolean
}) {
  switch (state.kind) {
    case 'loading':
      return <Loading label={loadingLabel} />
    case 'not_connected':
      return (
        <Banner
          type="default"
          title="Holdfast is not connected"
          description={
            inSettings
              ? `Connect your ${context.environment.mode}-mode Stripe data below to start the import.`
              : `Connect Holdfast to this account in ${context.environment.mode} mode to see customer insights and actions. Stripe asks you to approve the access Holdfast lists.`
          }
          actions={
            inSettings ? undefined : (
              <Button type="primary" href={reauthorizeUrl(context)} target="_blank">
                Connect with Stripe
              </Button>
            )
          }
        />
      )
    case 'needs_reauth':
      return (
        <Banner
          type="caution"
          title="Holdfast needs to be re-authorized"
          description="Stripe no longer accepts Holdfast's access to this account. Re-authorize it to resume syncing and actions."
          actions={
            <Button href={reauthorizeUrl(context)} target="_blank">
              Re-authorize
            </Button>
          }
        />
      )
    case 'unreachable':
      return (
        <Banner
          type="critical"
          title="Holdfast is unreachable"
          description={state.message}
          actions={<Button onPress={onRetry}>Retry</Button>}
        />
      )
    case 'error':
      return (
        <Banner
          type="critical"
          title="Holdfast could not load this"
          description={state.message}
          actions={<Button onPress={onRetry}>Retry</Button>}
        />
      )
    case 'empty':
      return (
        <Box css={{ stack: 'y', gap: 'small' }}>
          <Inline css={{ font: 'body', color: 'secondary' }}>{state.message}</Inline>
          {!inSettings && (
            <Link href={settingsUrl(context)} target="_top">
              Check sync progress in settings
            </Link>
          )}
        </Box>
      )
  }
}

export function Loading({ label }: { label: string }) {
  return (
    <Box css={{ stack: 'x', gap: 'small', alignY: 'center' }}>
      <Spinner size="small" />
      <Inline css={{ font: 'body', color: 'secondary' }}>{label}</Inline>
    </Box>
  )
}

/** Test-mode data is not live data: say so wherever figures are shown. */
export function TestModeNotice({ context }: { context: ExtensionContextValue }) {
  if (context.environment.mode !== 'test') return null
  return (
    <Banner
      type="default"
      title="Test mode"
      description="You are viewing test data. Actions change test objects only."
    />
  )
}
