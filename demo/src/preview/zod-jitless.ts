// Imported first by host.tsx: zod decides per schema, when it is built, whether to compile it with
// `new Function`; the preview page's CSP (no unsafe-eval, like a sandbox) refuses that loudly.
import { config } from 'zod'

config({ jitless: true })
