// The caller's own installation: status, API-key activation, disconnect.
import { Hono } from 'hono'
import { z } from 'zod'
import { saveApiKey } from '../../accounts/credentials'
import { checkApiKey } from '../../accounts/api-key-check'
import { findInstallation } from '../../accounts/installation'
import { permissionsOfCaller } from '../../accounts/roles'
import { uninstallAccount } from '../../accounts/uninstall'
import { AppError } from '../../errors'
import { queueImportAfterInstall } from '../../sync/backfill'
import type { AppDeps, Caller } from '../../kernel/deps'
import type { AppEnv } from '../context'
import { jsonBody } from '../json-body'

const ApiKeyBody = z.object({
  apiKey: z
    .string()
    .trim()
    .regex(
      /^(rk|sk)_(test|live)_[A-Za-z0-9_]+$/,
      'must be a Stripe restricted key (rk_test_… or rk_live_…)'
    ),
})

export function accountRoutes(deps: AppDeps) {
  return new Hono<AppEnv>()
    .get('/account', async (c) => {
      const caller = c.get('caller')
      const account = await findInstallation(deps, caller)
      return c.json({
        accountId: caller.accountId,
        mode: caller.mode,
        status: account?.status ?? 'not_connected',
        connection: account?.connection ?? null,
        installedAt: account?.installedAt ?? null,
        roles: caller.roles,
        permissions: await permissionsOfCaller(deps.db, caller),
      })
    })
    .post('/account/api-key/check', async (c) => {
      const caller = c.get('caller')
      const { apiKey } = ApiKeyBody.parse(await jsonBody(c))
      assertKeyMode(apiKey, caller)
      return c.json(await checkApiKey(deps, caller, apiKey))
    })
    .post('/account/api-key', async (c) => {
      const caller = c.get('caller')
      const { apiKey } = ApiKeyBody.parse(await jsonBody(c))
      assertKeyMode(apiKey, caller)
      const check = await checkApiKey(deps, caller, apiKey)
      if (!check.ok)
        throw new AppError('unprocessable', check.message, {
          missingPermissions: check.missingPermissions,
        })
      await saveApiKey(deps, caller, apiKey)
      await queueImportAfterInstall(deps, {
        accountId: caller.accountId,
        livemode: caller.livemode,
      })
      return c.json({ saved: true, status: 'active' })
    })
    .post('/account/disconnect', async (c) => {
      const caller = c.get('caller')
      const account = await findInstallation(deps, caller)
      if (!account || account.status === 'uninstalled') {
        throw new AppError(
          'not_found',
          `Holdfast is not connected to ${caller.accountId} in ${caller.mode} mode.`
        )
      }
      await uninstallAccount(deps, caller, 'disconnected')
      return c.json({ disconnected: true })
    })
}

function assertKeyMode(apiKey: string, caller: Caller) {
  const keyMode = apiKey.includes('_live_') ? 'live' : 'test'
  if (keyMode !== caller.mode) {
    throw new AppError(
      'bad_request',
      `That is a ${keyMode}-mode key; you are in ${caller.mode} mode. Paste a ${caller.mode}-mode key.`
    )
  }
}
