// Form fields saved by the settings page's one Save: the status → stage mapping and the identity
// key POST /v1/track resolves customers by.
import { useState } from 'react'
import { Banner, Box, Select, TextField } from '@stripe/ui-extension-sdk/ui'
import { StageSettings, IngestKeyStatus } from '@holdfast/shared/api/stages'
import type { ApiClient } from '../../api/client'
import { routes } from '../../api/routes'
import { useLoad } from '../../hooks/use-load'
import { Loading } from '../PanelStatus'
import { Section } from './Section'

export function StageAndIdentityFields({ api }: { api: ApiClient }) {
  const stages = useLoad(api, (api) => api.get(routes.stageSettings, StageSettings), 'stages')
  const ingest = useLoad(api, (api) => api.get(routes.ingestKey, IngestKeyStatus), 'ingest')
  const [kind, setKind] = useState<string | null>(null)
  return (
    <>
      <Section
        title="Lifecycle stages"
        description="Which subscription statuses put a customer in each stage (comma-separated). Saved with Save."
      >
        {stages.kind === 'loading' && <Loading label="Loading stage mapping" />}
        {stages.kind === 'error' && (
          <Banner
            type="critical"
            title="Stage mapping could not be loaded"
            description={stages.message}
          />
        )}
        {stages.kind === 'ready' && (
          <Box css={{ stack: 'y', gap: 'small' }}>
            <TextField
              name="stage.trial"
              label="Trial"
              defaultValue={stages.data.mapping.trial.join(', ')}
            />
            <TextField
              name="stage.customer"
              label="Customer"
              defaultValue={stages.data.mapping.customer.join(', ')}
            />
            <TextField
              name="stage.churned"
              label="Churned"
              defaultValue={stages.data.mapping.churned.join(', ')}
            />
          </Box>
        )}
      </Section>
      <Section
        title="Identity key"
        description="How activity your product sends to POST /v1/track finds the Stripe customer. Saved with Save."
      >
        {ingest.kind === 'loading' && <Loading label="Loading identity setting" />}
        {ingest.kind === 'error' && (
          <Banner
            type="critical"
            title="Identity setting could not be loaded"
            description={ingest.message}
          />
        )}
        {ingest.kind === 'ready' && (
          <Box css={{ stack: 'y', gap: 'small' }}>
            <Select
              name="identity.kind"
              label="Match customers by"
              defaultValue={ingest.data.identity.kind}
              onChange={(e) => setKind(e.target.value)}
            >
              <option value="email">Email</option>
              <option value="metadata">A customer metadata key</option>
            </Select>
            {(kind ?? ingest.data.identity.kind) === 'metadata' && (
              <TextField
                name="identity.key"
                label="Metadata key"
                description="e.g. user_id: the key your product stores its own user id under"
                required
                defaultValue={
                  ingest.data.identity.kind === 'metadata' ? ingest.data.identity.key : ''
                }
              />
            )}
          </Box>
        )}
      </Section>
    </>
  )
}
