// The module bundle.ts generates from stripe-app.json: viewport id → that view's component.
declare module 'holdfast:views' {
  import type { ReactNode } from 'react'
  import type { ExtensionContextValue } from '@stripe/ui-extension-sdk/context'
  export const views: Record<string, ((context: ExtensionContextValue) => ReactNode) | undefined>
}
