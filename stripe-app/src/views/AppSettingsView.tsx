// The app's settings page: connection, sync, offers, custom segments, stages, identity and
// ingest keys, downstream webhooks. One save pattern: each block saves with its own labelled
// button (no page-level Save that could skip a filled-in block); deletions confirm in a banner.
import { Banner, Box, SettingsView } from '@stripe/ui-extension-sdk/ui'
import type { ExtensionContextValue } from '@stripe/ui-extension-sdk/context'
import { withLocale } from '../locale'
import { useSettings } from '../hooks/use-settings'
import { Loading, PanelStatus, TestModeNotice } from '../components/PanelStatus'
import { ConnectionSection } from '../components/settings/ConnectionSection'
import { IngestKeySection } from '../components/settings/IngestKeySection'
import { GuardrailsSection } from '../components/settings/GuardrailsSection'
import { OffersSection } from '../components/settings/OffersSection'
import { SegmentBuilder } from '../components/settings/SegmentBuilder'
import { StageAndIdentityFields } from '../components/settings/StageAndIdentityFields'
import { SyncSection } from '../components/settings/SyncSection'
import { WebhooksSection } from '../components/settings/WebhooksSection'
import { RolesSection } from '../components/settings/RolesSection'
import { can, isConnected } from '../api/account'

const AppSettingsView = (context: ExtensionContextValue) => {
  const { api, account } = useSettings(context)
  return (
    <SettingsView>
      <Box css={{ stack: 'y', gap: 'large' }}>
        <TestModeNotice context={context} />
        {account.kind === 'loading' && <Loading label="Loading Holdfast settings" />}
        {account.kind === 'error' && (
          <PanelStatus
            state={{
              kind: account.unreachable ? 'unreachable' : 'error',
              message: account.message,
            }}
            context={context}
            onRetry={() => void account.reload()}
            loadingLabel=""
            inSettings
          />
        )}
        {account.kind === 'ready' && (
          <>
            <ConnectionSection
              api={api}
              account={account.data}
              context={context}
              onChanged={account.reload}
            />
            {isConnected(account.data) && !can(account.data, 'manage_settings') && (
              <Banner
                type="default"
                title="Settings are read only for your role"
                description="Your Dashboard role cannot change Holdfast settings. Ask an administrator."
              />
            )}
            {isConnected(account.data) && can(account.data, 'manage_settings') && (
              <>
                <SyncSection api={api} />
                <OffersSection api={api} />
                <GuardrailsSection api={api} />
                <SegmentBuilder api={api} />
                <StageAndIdentityFields api={api} />
                <IngestKeySection api={api} />
                <WebhooksSection api={api} />
              </>
            )}
            {isConnected(account.data) && can(account.data, 'manage_roles') && (
              <RolesSection api={api} />
            )}
          </>
        )}
      </Box>
    </SettingsView>
  )
}

export default withLocale(AppSettingsView)
