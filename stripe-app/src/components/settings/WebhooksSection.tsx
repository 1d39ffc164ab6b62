// Downstream webhooks: endpoints that receive segment.entered, segment.left and stage.changed,
// signed with a secret shown once.
import { useState } from 'react'
import {
  Banner,
  Box,
  Button,
  Checkbox,
  Inline,
  List,
  ListItem,
  TextField,
} from '@stripe/ui-extension-sdk/ui'
import { toast } from '../../host'
import {
  OUTBOUND_EVENT_TYPES,
  OutboundEndpoint,
  OutboundEndpointCreate,
  OutboundEndpointCreated,
} from '@holdfast/shared/api/outbound'
import { z } from 'zod'
import { describeError, type ApiClient } from '../../api/client'
import { routes } from '../../api/routes'
import { useLoad } from '../../hooks/use-load'
import { useSingleFlight } from '../../hooks/use-single-flight'
import { ConfirmBanner } from '../ConfirmBanner'
import { Loading } from '../PanelStatus'
import { Section } from './Section'

const EndpointList = z.object({ endpoints: z.array(OutboundEndpoint) })

export function WebhooksSection({ api }: { api: ApiClient }) {
  const list = useLoad(api, (api) => api.get(routes.webhooks, EndpointList), 'webhooks')
  const [url, setUrl] = useState('')
  const [types, setTypes] = useState<string[]>([...OUTBOUND_EVENT_TYPES])
  const { pending, run } = useSingleFlight()
  const [removing, setRemoving] = useState<OutboundEndpoint | null>(null)
  const [secret, setSecret] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)

  async function add() {
    setError(null)
    const input = OutboundEndpointCreate.safeParse({ url: url.trim(), eventTypes: types })
    if (!input.success) {
      const issue = input.error.issues[0]
      return setError(`${issue?.path.join('.') || 'Endpoint'}: ${issue?.message ?? 'invalid'}`)
    }
    await run('add', async () => {
      try {
        const created = await api.post(routes.webhooks, input.data, {
          schema: OutboundEndpointCreated,
        })
        setSecret(created.secret)
        toast('Endpoint added', 'success')
        await list.reload()
      } catch (err) {
        setError(describeError(err))
      }
    })
  }

  async function remove(id: string) {
    setError(null)
    await run(id, async () => {
      try {
        await api.delete(routes.webhook(id))
        toast('Endpoint removed', 'success')
        setRemoving(null)
        await list.reload()
      } catch (err) {
        setError(describeError(err))
      }
    })
  }

  return (
    <Section
      title="Downstream webhooks"
      description="Holdfast POSTs signed events to these URLs when customers enter or leave segments or change stage."
    >
      {list.kind === 'loading' && <Loading label="Loading webhook endpoints" />}
      {list.kind === 'error' && (
        <Banner type="critical" title="Endpoints could not be loaded" description={list.message} />
      )}
      {list.kind === 'ready' &&
        (list.data.endpoints.length === 0 ? (
          <Inline css={{ font: 'body', color: 'secondary' }}>No endpoints yet.</Inline>
        ) : (
          <List>
            {list.data.endpoints.map((e) => (
              <ListItem
                key={e.id}
                id={e.id}
                title={e.url}
                secondaryTitle={`${e.eventTypes.join(', ')}${e.enabled ? '' : ' (disabled)'}`}
                value={
                  <Button size="small" disabled={pending !== null} onPress={() => setRemoving(e)}>
                    Remove
                  </Button>
                }
              />
            ))}
          </List>
        ))}
      {removing && (
        <ConfirmBanner
          title="Remove this endpoint?"
          description={`${removing.url} stops receiving Holdfast events at once.`}
          confirmLabel="Remove endpoint"
          pending={pending === removing.id}
          onConfirm={() => void remove(removing.id)}
          onKeep={() => setRemoving(null)}
        />
      )}
      <Box css={{ stack: 'y', gap: 'small' }}>
        <TextField
          name="webhook.url"
          label="Endpoint URL"
          placeholder="https://example.com/holdfast"
          onChange={(e) => setUrl(e.target.value)}
        />
        {OUTBOUND_EVENT_TYPES.map((type) => (
          <Checkbox
            key={type}
            name={`webhook.${type}`}
            label={type}
            defaultChecked
            onChange={(e) =>
              setTypes((t) =>
                e.target.checked ? [...new Set([...t, type])] : t.filter((x) => x !== type)
              )
            }
          />
        ))}
        <Box>
          <Button
            pending={pending === 'add'}
            disabled={pending !== null}
            onPress={() => void add()}
          >
            Add endpoint
          </Button>
        </Box>
        {secret && (
          <TextField
            label="Signing secret"
            description="Copy it now: verify the Holdfast-Signature header with it. Shown only once."
            readOnly
            defaultValue={secret}
          />
        )}
        {error && <Banner type="critical" title="The endpoint was not added" description={error} />}
      </Box>
    </Section>
  )
}
