// The status → stage mapping and the identity key POST /v1/track resolves customers by, saved
// together by this block's own button (the settings page has no page-level Save).
import { useEffect, useState } from 'react'
import { Banner, Box, Button, Select, TextField } from '@stripe/ui-extension-sdk/ui'
import { StageSettings, IngestKeyStatus } from '@holdfast/shared/api/stages'
import { describeError, type ApiClient } from '../../api/client'
import { routes } from '../../api/routes'
import { useLoad } from '../../hooks/use-load'
import { useSaveStagesAndIdentity, type StageAndIdentityValues } from '../../hooks/use-settings'
import { useSingleFlight } from '../../hooks/use-single-flight'
import { toast } from '../../host'
import { Loading } from '../PanelStatus'
import { Section } from './Section'

export function StageAndIdentityFields({ api }: { api: ApiClient }) {
  const stages = useLoad(api, (api) => api.get(routes.stageSettings, StageSettings), 'stages')
  const ingest = useLoad(api, (api) => api.get(routes.ingestKey, IngestKeyStatus), 'ingest')
  const save = useSaveStagesAndIdentity(api)
  const { pending, run } = useSingleFlight()
  const [values, setValues] = useState<StageAndIdentityValues | null>(null)
  const [error, setError] = useState<string | null>(null)

  // Start from what is saved once both have loaded; typing edits this copy.
  useEffect(() => {
    if (values || stages.kind !== 'ready' || ingest.kind !== 'ready') return
    const identity = ingest.data.identity
    setValues({
      trial: stages.data.mapping.trial.join(', '),
      customer: stages.data.mapping.customer.join(', '),
      churned: stages.data.mapping.churned.join(', '),
      identityKind: identity.kind,
      identityKey: identity.kind === 'metadata' ? identity.key : '',
    })
  }, [values, stages, ingest])

  const set = (key: keyof StageAndIdentityValues) => (e: { target: { value: string } }) =>
    setValues((v) => (v ? { ...v, [key]: e.target.value } : v))

  async function onSave() {
    if (!values) return
    setError(null)
    await run('save', async () => {
      try {
        await save(values)
        toast('Stages and identity saved', 'success')
      } catch (err) {
        setError(describeError(err))
      }
    })
  }

  const failed =
    stages.kind === 'error' ? stages.message : ingest.kind === 'error' ? ingest.message : null
  return (
    <Section
      title="Lifecycle stages and identity key"
      description="Which subscription statuses put a customer in each stage (comma-separated), and how activity your product sends to POST /v1/track finds the Stripe customer."
    >
      {!values && !failed && <Loading label="Loading stage mapping and identity setting" />}
      {failed && (
        <Banner type="critical" title="These settings could not be loaded" description={failed} />
      )}
      {values && (
        <Box css={{ stack: 'y', gap: 'small' }}>
          <TextField
            name="stage.trial"
            label="Trial"
            defaultValue={values.trial}
            onChange={set('trial')}
          />
          <TextField
            name="stage.customer"
            label="Customer"
            defaultValue={values.customer}
            onChange={set('customer')}
          />
          <TextField
            name="stage.churned"
            label="Churned"
            defaultValue={values.churned}
            onChange={set('churned')}
          />
          <Select
            name="identity.kind"
            label="Match customers by"
            defaultValue={values.identityKind}
            onChange={set('identityKind')}
          >
            <option value="email">Email</option>
            <option value="metadata">A customer metadata key</option>
          </Select>
          {values.identityKind === 'metadata' && (
            <TextField
              name="identity.key"
              label="Metadata key"
              description="e.g. user_id: the key your product stores its own user id under"
              required
              defaultValue={values.identityKey}
              onChange={set('identityKey')}
            />
          )}
          <Box>
            <Button
              type="primary"
              pending={pending === 'save'}
              disabled={pending !== null}
              onPress={() => void onSave()}
            >
              Save stages and identity
            </Button>
          </Box>
          {error && <Banner type="critical" title="Not saved" description={error} />}
        </Box>
      )}
    </Section>
  )
}
