// Connection: OAuth status (or the API-key alternative with Check and Save), re-authorisation,
// and disconnect behind a confirmation.
import { useState } from 'react'
import {
  Badge,
  Banner,
  Box,
  Button,
  FocusView,
  Inline,
  PropertyList,
  PropertyListItem,
  TextField,
} from '@stripe/ui-extension-sdk/ui'
import { toast } from '../../host'
import type { ExtensionContextValue } from '@stripe/ui-extension-sdk/context'
import { accountApi, type Account, type ApiKeyCheck } from '../../api/account'
import { describeError, type ApiClient } from '../../api/client'
import { reauthorizeUrl } from '../../app-links'
import { formatDate } from '../../format'
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
        <PropertyListItem label="Connected since" value={formatDate(account.installedAt)} />
      </PropertyList>
      {account.status === 'needs_reauth' && (
        <Banner
          type="caution"
          title="Re-authorize Holdfast"
          description="Stripe no longer accepts Holdfast's access. Re-authorize it, or paste a new restricted key below."
          actions={
            <Button href={reauthorizeUrl(context)} target="_blank">
              Re-authorize
            </Button>
          }
        />
      )}
      {!connected && account.status !== 'needs_reauth' && (
        <Box css={{ stack: 'x', gap: 'small', alignY: 'center' }}>
          <Button type="primary" href={reauthorizeUrl(context)} target="_blank">
            Connect with Stripe
          </Button>
          <Inline css={{ font: 'caption', color: 'secondary' }}>or use a restricted key:</Inline>
        </Box>
      )}
      {(!connected || account.connection === 'api_key') && (
        <ApiKeyForm api={api} mode={account.mode} onSaved={onChanged} />
      )}
      {connected && <Disconnect api={api} account={account} onDone={onChanged} />}
    </Section>
  )
}

function ApiKeyForm({
  api,
  mode,
  onSaved,
}: {
  api: ApiClient
  mode: string
  onSaved: () => Promise<void>
}) {
  const [key, setKey] = useState('')
  const [busy, setBusy] = useState<'check' | 'save' | null>(null)
  const [result, setResult] = useState<
    { kind: 'check'; check: ApiKeyCheck } | { kind: 'error'; message: string } | null
  >(null)

  async function check() {
    setBusy('check')
    try {
      setResult({ kind: 'check', check: await accountApi.checkKey(api, key.trim()) })
    } catch (err) {
      setResult({ kind: 'error', message: describeError(err) })
    }
    setBusy(null)
  }

  async function save() {
    setBusy('save')
    try {
      await accountApi.saveKey(api, key.trim())
      toast('API key saved', 'success')
      setResult(null)
      setBusy(null)
      await onSaved()
    } catch (err) {
      setResult({ kind: 'error', message: describeError(err) })
      setBusy(null)
    }
  }

  return (
    <Box css={{ stack: 'y', gap: 'small' }}>
      <TextField
        label="Restricted API key"
        description={`A ${mode}-mode restricted key (rk_${mode}_…) with the permissions Holdfast lists at install.`}
        type="password"
        placeholder={`rk_${mode}_…`}
        onChange={(e) => {
          setKey(e.target.value)
          setResult(null)
        }}
      />
      <Box css={{ stack: 'x', gap: 'small' }}>
        <Button
          disabled={!key.trim() || busy !== null}
          pending={busy === 'check'}
          onPress={() => void check()}
        >
          Check
        </Button>
        <Button
          type="primary"
          disabled={!key.trim() || busy !== null}
          pending={busy === 'save'}
          onPress={() => void save()}
        >
          Save key
        </Button>
      </Box>
      {result?.kind === 'check' && (
        <Banner
          type={result.check.ok ? 'default' : 'caution'}
          title={result.check.ok ? 'This key works' : 'This key cannot be used yet'}
          description={
            result.check.ok
              ? result.check.message
              : `${result.check.message}${
                  result.check.missingPermissions.length
                    ? ` Missing: ${result.check.missingPermissions.join(', ')}.`
                    : ''
                }`
          }
        />
      )}
      {result?.kind === 'error' && (
        <Banner type="critical" title="The key was not saved" description={result.message} />
      )}
    </Box>
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
  const [shown, setShown] = useState(false)
  const [pending, setPending] = useState(false)
  const [error, setError] = useState<string | null>(null)

  async function disconnect() {
    setPending(true)
    setError(null)
    try {
      await accountApi.disconnect(api)
    } catch (err) {
      setPending(false)
      setError(describeError(err))
      return
    }
    toast('Holdfast disconnected', 'success')
    setPending(false)
    setShown(false)
    await onDone()
  }

  return (
    <>
      <Box>
        <Button type="destructive" onPress={() => setShown(true)}>
          Disconnect
        </Button>
      </Box>
      <FocusView
        title="Disconnect Holdfast"
        shown={shown}
        setShown={(s) => !pending && setShown(s)}
        primaryAction={
          <Button type="destructive" pending={pending} onPress={() => void disconnect()}>
            Disconnect
          </Button>
        }
        secondaryAction={
          <Button disabled={pending} onPress={() => setShown(false)}>
            Cancel
          </Button>
        }
      >
        <Box css={{ stack: 'y', gap: 'medium' }}>
          <Inline>
            Holdfast stops syncing {account.accountId} in {account.mode} mode and deletes the data
            it holds for it. Your Stripe data is not touched. You can connect again at any time.
          </Inline>
          {error && <Banner type="critical" title="Still connected" description={error} />}
        </Box>
      </FocusView>
    </>
  )
}
