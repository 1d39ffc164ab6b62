// Stage settings: which subscription statuses map to which lifecycle stage.
import { Hono } from 'hono'
import { StageSettings } from '@holdfast/shared/api/stages'
import { recomputeStages } from '../../stages/recompute-stages'
import { readFeatureSettings, writeFeatureSetting } from '../../stages/settings'
import type { AppDeps } from '../../kernel/deps'
import type { AppEnv } from '../context'
import { scopeOf } from './customers'
import { jsonBody } from '../json-body'

export function stageRoutes(deps: AppDeps) {
  return new Hono<AppEnv>()
    .get('/stages/settings', async (c) => {
      const settings = await readFeatureSettings(deps.db, scopeOf(c.get('caller')))
      return c.json({ mapping: settings.stageMapping })
    })
    .put('/stages/settings', async (c) => {
      const scope = scopeOf(c.get('caller'))
      const { mapping } = StageSettings.parse(await jsonBody(c))
      await writeFeatureSetting(deps.db, scope, 'stageMapping', mapping)
      const changed = await recomputeStages(deps, scope, mapping)
      return c.json({ mapping, changed })
    })
}
