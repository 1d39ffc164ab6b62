// The ingest key your product uses to call POST /v1/track: create or rotate; shown once.
import { useState } from 'react'
import { Banner, Box, Button, Inline, TextField } from '@stripe/ui-extension-sdk/ui'
import { toast } from '../../host'
import { IngestKeyCreated, IngestKeyStatus } from '@holdfast/shared/api/stages'
import { describeError, type ApiClient } from '../../api/client'
import { routes } from '../../api/routes'
import { useLoad } from '../../hooks/use-load'
import { useSingleFlight } from '../../hooks/use-single-flight'
import { useFormat } from '../../locale'
import { Loading } from '../PanelStatus'
import { Section } from './Section'

export function IngestKeySection({ api }: { api: ApiClient }) {
  const format = useFormat()
  const status = useLoad(api, (api) => api.get(routes.ingestKey, IngestKeyStatus), 'ingest')
  const [confirming, setConfirming] = useState(false)
  const flight = useSingleFlight()
  const pending = flight.pending !== null
  const [created, setCreated] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)

  async function create() {
    setError(null)
    await flight.run('create', async () => {
      try {
        const key = await api.post(routes.ingestKey, {}, { schema: IngestKeyCreated })
        setCreated(key.key)
        setConfirming(false)
        toast('Ingest key created', 'success')
        await status.reload()
      } catch (err) {
        setError(describeError(err))
      }
    })
  }

  return (
    <Section
      title="Ingest key"
      description="Your product sends activity (logins, usage) to POST /v1/track with this key, so segments can spot slipping customers."
    >
      {status.kind === 'loading' && <Loading label="Loading ingest key" />}
      {status.kind === 'error' && (
        <Banner
          type="critical"
          title="Ingest key status could not be loaded"
          description={status.message}
        />
      )}
      {status.kind === 'ready' && (
        <Inline css={{ font: 'body' }}>
          {status.data.exists
            ? `A key exists (created ${format.date(status.data.createdAt)}).`
            : 'No key yet.'}
        </Inline>
      )}
      {created && (
        <TextField
          label="New ingest key"
          description="Copy it now: Holdfast shows it only once."
          readOnly
          defaultValue={created}
        />
      )}
      {status.kind === 'ready' && !status.data.exists && (
        <Box>
          <Button pending={pending} onPress={() => void create()}>
            Create key
          </Button>
        </Box>
      )}
      {status.kind === 'ready' && status.data.exists && !confirming && (
        <Box>
          <Button onPress={() => setConfirming(true)}>Rotate key</Button>
        </Box>
      )}
      {confirming && (
        <Banner
          type="caution"
          title="Rotate the ingest key?"
          description="The current key stops working at once; update your product with the new one."
          actions={
            <Box css={{ stack: 'x', gap: 'small' }}>
              <Button type="destructive" pending={pending} onPress={() => void create()}>
                Rotate now
              </Button>
              <Button disabled={pending} onPress={() => setConfirming(false)}>
                Keep current key
              </Button>
            </Box>
          }
        />
      )}
      {error && <Banner type="critical" title="No new key" description={error} />}
    </Section>
  )
}
