// The state machine behind every view: check the installation first, then load the view's data,
// and turn every failure into a state the view can explain (never a blank panel).
import { useCallback, useEffect, useState } from 'react'
import { accountApi, isConnected, type Account } from '../api/account'
import { ApiError, describeError, type ApiClient } from '../api/client'

export type PanelState<T> =
  | { kind: 'loading' }
  | { kind: 'not_connected'; account: Account }
  | { kind: 'needs_reauth'; account: Account }
  | { kind: 'unreachable'; message: string }
  | { kind: 'error'; message: string }
  | { kind: 'empty'; account: Account; message: string }
  | { kind: 'ready'; account: Account; data: T }

export type Panel<T> = {
  state: PanelState<T>
  /** Loads again, showing the spinner (after an error). */
  reload(): void
  /** Loads again in the background, keeping what is shown (after an action). */
  refresh(): Promise<void>
}

/**
 * @param load the view's data; a 404 from it means "nothing here yet" (the empty state).
 * @param key changes when the object on screen changes (e.g. another customer).
 */
export function usePanel<T>(
  api: ApiClient,
  load: (api: ApiClient) => Promise<T>,
  key: string,
  emptyMessage: string
): Panel<T> {
  const [state, setState] = useState<PanelState<T>>({ kind: 'loading' })
  const [generation, setGeneration] = useState(0)

  const fetchState = useCallback(async (): Promise<PanelState<T>> => {
    let account: Account
    try {
      account = await accountApi.get(api)
    } catch (err) {
      return failure(err)
    }
    if (account.status === 'needs_reauth') return { kind: 'needs_reauth', account }
    if (!isConnected(account)) return { kind: 'not_connected', account }
    try {
      return { kind: 'ready', account, data: await load(api) }
    } catch (err) {
      if (err instanceof ApiError && err.status === 404 && err.code === 'not_found') {
        return { kind: 'empty', account, message: emptyMessage }
      }
      return failure(err)
    }
    // `load` is recreated on each render by callers; `key` names what it loads.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, key, emptyMessage])

  useEffect(() => {
    let current = true
    setState({ kind: 'loading' })
    void fetchState().then((next) => {
      if (current) setState(next)
    })
    return () => {
      current = false
    }
  }, [fetchState, generation])

  const reload = useCallback(() => setGeneration((g) => g + 1), [])
  const refresh = useCallback(async () => {
    setState(await fetchState())
  }, [fetchState])

  return { state, reload, refresh }
}

function failure(err: unknown): { kind: 'unreachable' | 'error'; message: string } {
  if (err instanceof ApiError && err.status === 0 && err.code === 'unreachable') {
    return { kind: 'unreachable', message: err.message }
  }
  return { kind: 'error', message: describeError(err) }
}
