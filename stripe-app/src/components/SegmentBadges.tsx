// Segment badges that explain themselves: hover a badge for the rule values that put the customer
// in it, or open "Why these segments" for all of them.
import {
  Accordion,
  AccordionItem,
  Badge,
  Box,
  Inline,
  List,
  ListItem,
  Tooltip,
} from '@stripe/ui-extension-sdk/ui'
import type { CustomerSegment, ExplanationNode } from '@holdfast/shared/api/customers'
import { useFormat } from '../locale'
import { describeRule } from '@holdfast/shared/segments/describe-rule'
import { RuleCondition } from '@holdfast/shared/segments/rule'
import { findTraitDefinition } from '@holdfast/shared/traits/catalog'

export function SegmentBadges({ segments }: { segments: CustomerSegment[] }) {
  const format = useFormat()
  if (segments.length === 0) {
    return <Inline css={{ font: 'caption', color: 'secondary' }}>In no segments right now.</Inline>
  }
  return (
    <Box css={{ stack: 'y', gap: 'small' }}>
      <Box css={{ stack: 'x', gap: 'xsmall', wrap: 'wrap' }}>
        {segments.map((segment) => (
          <Tooltip
            key={segment.id}
            type="description"
            trigger={<Badge type="info">{segment.name}</Badge>}
          >
            {explain(segment.explanation).join('; ')}
          </Tooltip>
        ))}
      </Box>
      <Accordion>
        <AccordionItem title="Why these segments">
          <List>
            {segments.map((segment) => (
              <ListItem
                key={segment.id}
                id={segment.id}
                title={segment.name}
                secondaryTitle={explain(segment.explanation).join('; ')}
                value={segment.enteredAt ? `Since ${format.date(segment.enteredAt)}` : undefined}
              />
            ))}
          </List>
        </AccordionItem>
      </Accordion>
    </Box>
  )
}

/** The matched conditions of an explanation, in words ("Subscription status is "active""). */
export function explain(node: ExplanationNode): string[] {
  if (node.kind === 'condition') return node.matched ? [conditionInWords(node)] : []
  const texts = node.children.flatMap(explain)
  return texts.length ? texts : ['Matches every customer']
}

function conditionInWords(node: Extract<ExplanationNode, { kind: 'condition' }>): string {
  const parsed = RuleCondition.safeParse({ trait: node.trait, op: node.op, value: node.value })
  const words = parsed.success ? describeRule(parsed.data) : node.text
  const definition = findTraitDefinition(node.trait)
  if (node.actual === null || definition?.type === 'date' || typeof node.actual === 'boolean')
    return words
  return parsed.success && !words.includes(String(node.actual))
    ? `${words} (${String(node.actual)})`
    : words
}
