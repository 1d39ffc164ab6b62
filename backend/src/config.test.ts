import { describe, expect, test } from 'vitest'
import { ConfigError, loadConfig } from './config'

describe('loadConfig', () => {
  test('defaults give the embedded database and port 8787', () => {
    const config = loadConfig({})
    expect(config.databaseUrl).toBeUndefined()
    expect(config.port).toBe(8787)
    expect(config.dataDir).toMatch(/\.data$/)
    expect(config.logLevel).toBe('info')
  })

  test('a postgres URL selects Postgres', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://u@127.0.0.1:5432/holdfast' })
    expect(config.databaseUrl).toBe('postgres://u@127.0.0.1:5432/holdfast')
  })

  test('an empty DATABASE_URL means unset', () => {
    expect(loadConfig({ DATABASE_URL: '  ' }).databaseUrl).toBeUndefined()
  })

  test('every bad variable is named in one error', () => {
    let error: unknown
    try {
      loadConfig({ DATABASE_URL: 'mysql://x', PORT: '-3', LOG_LEVEL: 'loud', STRIPE_API_URL: 'x' })
    } catch (err) {
      error = err
    }
    expect(error).toBeInstanceOf(ConfigError)
    const problems = (error as ConfigError).problems.map((p) => p.split(' ')[0])
    expect(problems.sort()).toEqual(['DATABASE_URL', 'LOG_LEVEL', 'PORT', 'STRIPE_API_URL'])
  })

  test('webhook secrets are given per mode; the old unmoded variable names the fix', () => {
    const config = loadConfig({
      STRIPE_WEBHOOK_SECRETS_TEST: 'whsec_a,whsec_b',
      STRIPE_WEBHOOK_SECRETS_LIVE: 'whsec_c',
    })
    expect(config.stripe.webhookSecrets).toEqual({
      test: ['whsec_a', 'whsec_b'],
      live: ['whsec_c'],
    })
    expect(() => loadConfig({ STRIPE_WEBHOOK_SECRETS: 'whsec_a' })).toThrow(
      'STRIPE_WEBHOOK_SECRETS names no mode: move each secret to STRIPE_WEBHOOK_SECRETS_TEST or STRIPE_WEBHOOK_SECRETS_LIVE'
    )
    expect(loadConfig({ STRIPE_WEBHOOK_SECRETS: '' }).stripe.webhookSecrets.live).toEqual([])
  })

  test('a web process runs no background work; splitting needs Postgres', () => {
    const web = loadConfig({ HOLDFAST_ROLE: 'web', DATABASE_URL: 'postgres://u@127.0.0.1/h' })
    expect(web.role).toBe('web')
    expect([web.webhookWorkers, web.traitsWorkers, web.sync.workers]).toEqual([0, 0, 0])
    const worker = loadConfig({ HOLDFAST_ROLE: 'worker', DATABASE_URL: 'postgres://u@127.0.0.1/h' })
    expect([worker.webhookWorkers, worker.traitsWorkers, worker.sync.workers]).toEqual([4, 4, 25])
    expect(() => loadConfig({ HOLDFAST_ROLE: 'worker' })).toThrow(/needs DATABASE_URL/)
    expect(() => loadConfig({ HOLDFAST_ROLE: 'both' })).toThrow(/HOLDFAST_ROLE/)
  })
})
