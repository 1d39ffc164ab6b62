// The customer's recent history (status changes, payments, actions, segment moves), newest first.
import { Inline, List, ListItem } from '@stripe/ui-extension-sdk/ui'
import type { TimelineEntry } from '@holdfast/shared/api/customers'
import { useFormat } from '../locale'

export function Timeline({ entries }: { entries: TimelineEntry[] }) {
  const format = useFormat()
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
          secondaryTitle={format.dateTime(entry.at)}
        />
      ))}
    </List>
  )
}
