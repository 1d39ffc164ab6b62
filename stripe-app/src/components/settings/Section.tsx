import type { ReactNode } from 'react'
import { Box, Divider, Inline } from '@stripe/ui-extension-sdk/ui'

/** A titled block of the settings page. */
export function Section({
  title,
  description,
  children,
}: {
  title: string
  description?: string
  children: ReactNode
}) {
  return (
    <Box css={{ stack: 'y', gap: 'medium' }}>
      <Divider />
      <Box css={{ stack: 'y', gap: 'xsmall' }}>
        <Inline css={{ font: 'heading' }}>{title}</Inline>
        {description && <Inline css={{ font: 'body', color: 'secondary' }}>{description}</Inline>}
      </Box>
      {children}
    </Box>
  )
}
