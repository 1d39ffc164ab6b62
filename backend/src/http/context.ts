// Per-request variables of a route (Hono's env). The dependencies every route can reach, and who
// is calling, are kernel types (kernel/deps.ts).
import type { Caller } from '../kernel/deps'

export type AppEnv = {
  Variables: {
    requestId: string
    caller: Caller
  }
}
