import { Badge } from '@stripe/ui-extension-sdk/ui'
import type { LifecycleStage } from '@holdfast/shared/stages/stages'

const STYLE: Record<
  LifecycleStage,
  { label: string; type: 'info' | 'positive' | 'negative' | 'neutral' }
> = {
  trial: { label: 'Trial', type: 'info' },
  customer: { label: 'Customer', type: 'positive' },
  churned: { label: 'Churned', type: 'negative' },
  none: { label: 'No subscription', type: 'neutral' },
}

export function StageBadge({ stage }: { stage: LifecycleStage }) {
  const style = STYLE[stage]
  return <Badge type={style.type}>{style.label}</Badge>
}
