// One request at a time per settings block. The Dashboard delivers presses asynchronously, so two
// quick presses both arrive before `pending` re-renders the button as disabled; the ref sees the
// first press at once and drops the second (two presses once created two coupons at Stripe).
import { useCallback, useRef, useState } from 'react'

export function useSingleFlight() {
  const inFlight = useRef(false)
  const [pending, setPending] = useState<string | null>(null)
  const run = useCallback(async (key: string, work: () => Promise<void>): Promise<void> => {
    if (inFlight.current) return
    inFlight.current = true
    setPending(key)
    try {
      await work()
    } finally {
      inFlight.current = false
      setPending(null)
    }
  }, [])
  return { pending, run }
}
