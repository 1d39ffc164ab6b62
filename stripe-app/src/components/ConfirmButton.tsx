// A destructive list action that asks once before acting: the first press turns the button into
// its confirmation, the second press acts (review: irreversible actions need a confirm).
import { useState } from 'react'
import { Button } from '@stripe/ui-extension-sdk/ui'

export function ConfirmButton({
  label,
  confirmLabel,
  pending,
  onConfirm,
}: {
  label: string
  confirmLabel: string
  pending: boolean
  onConfirm: () => void
}) {
  const [asking, setAsking] = useState(false)
  return (
    <Button
      size="small"
      type={asking ? 'destructive' : 'secondary'}
      pending={pending}
      onPress={() => {
        if (!asking) return setAsking(true)
        setAsking(false)
        onConfirm()
      }}
    >
      {asking ? confirmLabel : label}
    </Button>
  )
}
