// The customer's recent history (status changes, payments, actions, segment moves), newest first.
import { Inline, List, ListItem } from '@stripe/ui-extension-sdk/ui'
import type { TimelineEntry } from '@holdfast/shared/api/customers'
import { formatDateTime } from '../format'

export function Timeline({ entries }: { entries: TimelineEntry[] }) {
  if (entries.length === 0) {
    return <Inline css={{ font: 'caption', color: 'secondary' }}>No activity recorded yet.</Inline>
  }
  return (
    <List>
      {entries.map((entry) => (
        <ListItem
          key={entry.id}
          id={entry.id}
          title={entry.title}
          secondaryTitle={formatDateTime(entry.at)}
        />
      ))}
    </List>
  )
}
