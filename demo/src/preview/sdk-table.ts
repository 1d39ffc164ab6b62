// What the preview host may render: the components and props @stripe/ui-extension-sdk declares
// (sdk-table.generated.ts, read from its .d.ts). Anything else is an error the host shows in
// place of the view, so a view that works here cannot use something Stripe's Dashboard lacks.
import { SDK_COMPONENTS } from './sdk-table.generated'

export { SDK_COMPONENTS, SDK_VERSION } from './sdk-table.generated'

/** Props the SDK's own wrapper (`withSdkProps` in ui/index.js) adds to every component. */
const WRAPPER_PROPS = new Set(['wrappedComponentName', 'sdkVersion', 'schemaVersion'])

/** The one lowercase element the sandbox allows: `<option>` inside `Select`. */
const OPTION_PROPS = ['children', 'disabled', 'label', 'value']

/** Every element name a view may create: the SDK's components plus `option`. */
export const RENDERABLE = [...Object.keys(SDK_COMPONENTS), 'option']

export class PreviewRenderError extends Error {
  override name = 'PreviewRenderError'
}

/** Throws when `type` is not an SDK component or a prop is not in its type definition. */
export function assertDeclared(type: string, props: Record<string, unknown>): void {
  const declared = type === 'option' ? OPTION_PROPS : SDK_COMPONENTS[type]
  if (!declared) {
    throw new PreviewRenderError(`<${type}> is not a component of @stripe/ui-extension-sdk/ui`)
  }
  for (const prop of Object.keys(props)) {
    if (WRAPPER_PROPS.has(prop) || declared.includes(prop)) continue
    throw new PreviewRenderError(
      `<${type} ${prop}=…>: the SDK's type definitions declare no prop "${prop}" on ${type}`
    )
  }
}
