// The Dashboard user's locale for every component under a view: each view wraps its content in
// <LocaleProvider context={…}>, and components format with useFormat(). Outside a view (a component
// rendered on its own) the formatters fall back to en-US in the runtime's time zone.
import { createContext, useContext, useMemo, type ComponentType, type ReactNode } from 'react'
import type { ExtensionContextValue } from '@stripe/ui-extension-sdk/context'
import { formatFor, runtimeLocale, type Format } from './format'

const FormatContext = createContext<Format | null>(null)

export function LocaleProvider({
  context,
  children,
}: {
  context: ExtensionContextValue
  children: ReactNode
}) {
  const locale = context.userContext.locale || 'en-US'
  const format = useMemo(() => formatFor(runtimeLocale(locale)), [locale])
  return <FormatContext.Provider value={format}>{children}</FormatContext.Provider>
}

export function useFormat(): Format {
  const format = useContext(FormatContext)
  return useMemo(() => format ?? formatFor(runtimeLocale()), [format])
}

/** A view whose components format in its user's locale: `export default withLocale(MyView)`. */
export function withLocale(View: ComponentType<ExtensionContextValue>) {
  const Localized = (context: ExtensionContextValue) => (
    <LocaleProvider context={context}>
      <View {...context} />
    </LocaleProvider>
  )
  Localized.displayName = View.displayName ?? View.name
  return Localized
}
