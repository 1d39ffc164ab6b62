// Data behind the settings page: the installation, and the save for the stage mapping and
// identity key (the page has no page-level Save: every block saves with its own labelled button,
// the one pattern used throughout, so nothing typed is left behind by a "Settings saved").
import { useCallback } from 'react'
import type { ExtensionContextValue } from '@stripe/ui-extension-sdk/context'
import { StageMapping } from '@holdfast/shared/stages/stages'
import { IdentitySetting } from '@holdfast/shared/api/stages'
import { accountApi, type Account } from '../api/account'
import type { ApiClient } from '../api/client'
import { useApi } from '../api/provider'
import { routes } from '../api/routes'
import { useLoad } from './use-load'

export function useSettings(context: ExtensionContextValue) {
  const api = useApi(context)
  const account = useLoad<Account>(api, (api) => accountApi.get(api))
  return { api, account }
}

/** Field values of the stages + identity block, as typed. */
export type StageAndIdentityValues = {
  trial: string
  customer: string
  churned: string
  identityKind: string
  identityKey: string
}

/** Validates, then saves both settings; throws with the field named when the input is refused. */
export function useSaveStagesAndIdentity(api: ApiClient) {
  return useCallback(
    async (values: StageAndIdentityValues) => {
      const mapping = StageMapping.safeParse({
        trial: list(values.trial),
        customer: list(values.customer),
        churned: list(values.churned),
      })
      if (!mapping.success) throw new Error(firstIssue(mapping.error, 'Stage mapping'))
      const identity = IdentitySetting.safeParse(
        values.identityKind === 'metadata'
          ? { kind: 'metadata', key: values.identityKey.trim() }
          : { kind: 'email' }
      )
      if (!identity.success) throw new Error(firstIssue(identity.error, 'Identity key'))
      await api.put(routes.stageSettings, { mapping: mapping.data })
      await api.put(routes.identity, identity.data)
    },
    [api]
  )
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
