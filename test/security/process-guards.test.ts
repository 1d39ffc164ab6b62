// An error no code caught: a dropped promise or a client's broken connection is logged and the
// process keeps serving; any other uncaught exception is logged and hands over to a clean stop.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { expect, test } from 'vitest'

const script = fileURLToPath(new URL('../support/guarded-process.ts', import.meta.url))

function run(fail: string) {
  return new Promise<{ code: number | null; lines: string[] }>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, fail], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.stderr.on('data', (d: Buffer) => (out += d.toString()))
    child.on('error', reject)
    child.on('exit', (code) => resolve({ code, lines: out.trim().split('\n') }))
  })
}

const logged = (lines: string[]) =>
  lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, any>)

test('an unhandled rejection is logged and the process keeps serving', async () => {
  const { code, lines } = await run('rejection')
  expect(code).toBe(0)
  expect(lines.at(-1)).toBe('STILL SERVING')
  expect(logged(lines)).toMatchObject([
    {
      level: 'error',
      msg: 'unhandled promise rejection; still serving',
      err: { message: 'a promise nobody awaited' },
    },
  ])
})

test('a connection error nobody listened for is logged and the process keeps serving', async () => {
  const { code, lines } = await run('connection')
  expect(code).toBe(0)
  expect(lines.at(-1)).toBe('STILL SERVING')
  expect(logged(lines)).toMatchObject([
    { level: 'warn', msg: 'connection error with no handler; still serving' },
  ])
})

test('any other uncaught exception is logged, then the process stops for a clean one', async () => {
  const { code, lines } = await run('exception')
  expect(code).toBe(1)
  expect(lines).not.toContain('STILL SERVING')
  expect(lines.at(-1)).toBe('FATAL')
  expect(logged(lines)).toMatchObject([
    {
      level: 'error',
      msg: 'uncaught exception; stopping so a clean process takes over',
      err: { message: 'a bug in a callback' },
    },
  ])
})
