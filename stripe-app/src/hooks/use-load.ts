// Loads one thing for a section of a view (settings sections, home cards): loading, ready or an
// error message to show in place, with reload.
import { useCallback, useEffect, useState } from 'react'
import { ApiError, describeError, type ApiClient } from '../api/client'

export type Load<T> =
  | { kind: 'loading' }
  | { kind: 'ready'; data: T }
  | { kind: 'error'; message: string; unreachable: boolean }

export function useLoad<T>(
  api: ApiClient,
  load: (api: ApiClient) => Promise<T>,
  key = ''
): Load<T> & { reload(): Promise<void> } {
  const [state, setState] = useState<Load<T>>({ kind: 'loading' })
  const run = useCallback(async (): Promise<Load<T>> => {
    try {
      return { kind: 'ready', data: await load(api) }
    } catch (err) {
      const unreachable = err instanceof ApiError && err.code === 'unreachable'
      return { kind: 'error', message: describeError(err), unreachable }
    }
    // `load` is an inline function at call sites; `key` names what it loads.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, key])
  useEffect(() => {
    let current = true
    setState({ kind: 'loading' })
    void run().then((next) => {
      if (current) setState(next)
    })
    return () => {
      current = false
    }
  }, [run])
  const reload = useCallback(async () => {
    setState(await run())
  }, [run])
  return { ...state, reload }
}
