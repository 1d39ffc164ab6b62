// Sync progress per object type, with Resync (a fresh import from Stripe).
import { useState } from 'react'
import { useSingleFlight } from '../../hooks/use-single-flight'
import { Banner, Box, Button } from '@stripe/ui-extension-sdk/ui'
import { toast } from '../../host'
import { describeError, type ApiClient } from '../../api/client'
import { fetchSyncHealth, resync } from '../../api/sync'
import { useLoad } from '../../hooks/use-load'
import { SyncHealthCard } from '../SyncHealthCard'
import { Section } from './Section'

export function SyncSection({ api }: { api: ApiClient }) {
  const sync = useLoad(api, fetchSyncHealth, 'sync')
  const flight = useSingleFlight()
  const pending = flight.pending !== null
  const [error, setError] = useState<string | null>(null)

  async function onResync() {
    setError(null)
    await flight.run('resync', async () => {
      try {
        await resync(api)
        toast('Resync started', 'success')
        await sync.reload()
      } catch (err) {
        setError(describeError(err))
      }
    })
  }

  return (
    <Section
      title="Sync"
      description="Holdfast imports your Stripe data once, then follows every change through webhooks."
    >
      <SyncHealthCard sync={sync} detailed />
      <Box>
        <Button pending={pending} disabled={pending} onPress={() => void onResync()}>
          Resync
        </Button>
      </Box>
      {error && <Banner type="critical" title="Resync did not start" description={error} />}
    </Section>
  )
}
