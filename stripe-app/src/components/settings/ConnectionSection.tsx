// Connection: OAuth status, re-authorisation, and disconnect behind an in-place confirmation.
// An OAuth app asks for no pasted key: connecting is Stripe's OAuth install link, which the
// drawer offers first (review: prompt for authentication in the drawer, not in settings).
import { useState } from 'react'
import {
  Badge,
  Banner,
  Box,
  Button,
  Inline,
  PropertyList,
  PropertyListItem,
} from '@stripe/ui-extension-sdk/ui'
import { toast } from '../../host'
import type { ExtensionContextValue } from '@stripe/ui-extension-sdk/context'
import { accountApi, can, type Account } from '../../api/account'
import { useSingleFlight } from '../../hooks/use-single-flight'
import { ConfirmBanner } from '../ConfirmBanner'
import { describeError, type ApiClient } from '../../api/client'
import { reauthorizeUrl } from '../../app-links'
import { useFormat } from '../../locale'
import { Section } from './Section'

const STATUS: Record<
  string,
  { label: string; type: 'positive' | 'warning' | 'negative' | 'neutral' }
> = {
  active: { label: 'Connected', type: 'positive' },
  installing: { label: 'Importing', type: 'warning' },
  needs_reauth: { label: 'Needs re-authorization', type: 'negative' },
  uninstalled: { label: 'Disconnected', type: 'neutral' },
  not_connected: { label: 'Not connected', type: 'neutral' },
}

export function ConnectionSection({
  api,
  account,
  context,
  onChanged,
}: {
  api: ApiClient
  account: Account
  context: ExtensionContextValue
  onChanged: () => Promise<void>
}) {
  const format = useFormat()
  const status = STATUS[account.status] ?? { label: account.status, type: 'neutral' as const }
  const connected = account.status === 'active' || account.status === 'installing'
  return (
    <Section
      title="Connection"
      description={`How Holdfast reaches your ${account.mode}-mode Stripe data.`}
    >
      <Box css={{ stack: 'x', gap: 'small', alignY: 'center' }}>
        <Inline css={{ font: 'bodyEmphasized' }}>Status</Inline>
        <Badge type={status.type}>{status.label}</Badge>
      </Box>
      <PropertyList>
        <PropertyListItem
          label="Method"
          value={
            account.connection === 'oauth'
              ? 'OAuth (Stripe Marketplace)'
              : account.connection === 'api_key'
                ? 'Restricted API key'
                : '—'
          }
        />
        <PropertyListItem label="Connected since" value={format.date(account.installedAt)} />
      </PropertyList>
      {account.status === 'needs_reauth' && (
        <Banner
          type="caution"
          title="Re-authorize Holdfast"
          description="Stripe no longer accepts Holdfast's access. Re-authorize it to resume syncing and actions."
          actions={
            <Button href={reauthorizeUrl(context)} target="_blank">
              Re-authorize
            </Button>
          }
        />
      )}
      {!connected && account.status !== 'needs_reauth' && (
        <Box>
          <Button type="primary" href={reauthorizeUrl(context)} target="_blank">
            Connect with Stripe
          </Button>
        </Box>
      )}
      {connected && can(account, 'disconnect') && (
        <Disconnect api={api} account={account} onDone={onChanged} />
      )}
    </Section>
  )
}

function Disconnect({
  api,
  account,
  onDone,
}: {
  api: ApiClient
  account: Account
  onDone: () => Promise<void>
}) {
  const [asking, setAsking] = useState(false)
  const { pending, run } = useSingleFlight()
  const [error, setError] = useState<string | null>(null)

  async function disconnect() {
    setError(null)
    await run('disconnect', async () => {
      try {
        await accountApi.disconnect(api)
      } catch (err) {
        setError(describeError(err))
        return
      }
      toast('Holdfast disconnected', 'success')
      setAsking(false)
      await onDone()
    })
  }

  return (
    <Box css={{ stack: 'y', gap: 'small' }}>
      <Box>
        <Button type="destructive" disabled={asking} onPress={() => setAsking(true)}>
          Disconnect…
        </Button>
      </Box>
      {asking && (
        <ConfirmBanner
          title="Disconnect Holdfast?"
          description={`Holdfast stops syncing ${account.accountId} in ${account.mode} mode and deletes the data it holds for it. Your Stripe data is not touched. You can connect again at any time.`}
          confirmLabel="Disconnect"
          pending={pending !== null}
          onConfirm={() => void disconnect()}
          onKeep={() => setAsking(false)}
        />
      )}
      {error && <Banner type="critical" title="Still connected" description={error} />}
    </Box>
  )
}
