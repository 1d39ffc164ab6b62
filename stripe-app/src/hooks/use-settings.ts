// Data and state behind the settings page: the installation, and the one Save for the form
// fields (stage mapping, identity key), with its confirmation message.
import { useCallback, useState } from 'react'
import type { ExtensionContextValue } from '@stripe/ui-extension-sdk/context'
import { StageMapping } from '@holdfast/shared/stages/stages'
import { IdentitySetting } from '@holdfast/shared/api/stages'
import { accountApi, type Account } from '../api/account'
import { describeError } from '../api/client'
import { useApi } from '../api/provider'
import { routes } from '../api/routes'
import { useLoad } from './use-load'

export function useSettings(context: ExtensionContextValue) {
  const api = useApi(context)
  const account = useLoad<Account>(api, (api) => accountApi.get(api))
  const [statusMessage, setStatusMessage] = useState<string | undefined>(undefined)
  const [saveError, setSaveError] = useState<string | null>(null)

  const onSave = useCallback(
    async (values: Record<string, string>) => {
      setStatusMessage('Saving…')
      setSaveError(null)
      try {
        const requests: Promise<unknown>[] = []
        if ('stage.trial' in values) {
          const mapping = StageMapping.safeParse({
            trial: list(values['stage.trial']),
            customer: list(values['stage.customer']),
            churned: list(values['stage.churned']),
          })
          if (!mapping.success) throw new Error(firstIssue(mapping.error, 'Stage mapping'))
          requests.push(api.put(routes.stageSettings, { mapping: mapping.data }))
        }
        if ('identity.kind' in values) {
          const identity = IdentitySetting.safeParse(
            values['identity.kind'] === 'metadata'
              ? { kind: 'metadata', key: (values['identity.key'] ?? '').trim() }
              : { kind: 'email' }
          )
          if (!identity.success) throw new Error(firstIssue(identity.error, 'Identity key'))
          requests.push(api.put(routes.identity, identity.data))
        }
        await Promise.all(requests)
        setStatusMessage('Settings saved')
      } catch (err) {
        setStatusMessage('Not saved')
        setSaveError(describeError(err))
      }
    },
    [api]
  )

  return { api, account, onSave, statusMessage, saveError }
}

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
}

function firstIssue(error: { issues: { path: PropertyKey[]; message: string }[] }, what: string) {
  const issue = error.issues[0]
  return `${what}: ${issue ? `${issue.path.map(String).join('.') || 'value'} ${issue.message}` : 'invalid'}`
}
