// Confirms a destructive settings action in place, as review asks of settings pages (a FocusView
// may only sit inside a ContextView). The row's or section's own button only opens this banner;
// only the banner's destructive button acts, so a double click on Delete never deletes.
import { Banner, Box, Button } from '@stripe/ui-extension-sdk/ui'

export function ConfirmBanner({
  title,
  description,
  confirmLabel,
  pending,
  onConfirm,
  onKeep,
}: {
  title: string
  description: string
  confirmLabel: string
  pending: boolean
  onConfirm: () => void
  onKeep: () => void
}) {
  return (
    <Banner
      type="critical"
      title={title}
      description={description}
      actions={
        <Box css={{ stack: 'x', gap: 'small' }}>
          <Button type="destructive" pending={pending} onPress={onConfirm}>
            {confirmLabel}
          </Button>
          <Button disabled={pending} onPress={onKeep}>
            Keep
          </Button>
        </Box>
      }
    />
  )
}
