// The backend as its own process, started as `npm start` starts it (backend/src/main.ts under
// tsx): benchmarks and npm run chaos run it beside the emulator and can SIGKILL it.
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const main = fileURLToPath(new URL('../../backend/src/main.ts', import.meta.url))
const exitWithParent = fileURLToPath(new URL('./exit-with-parent.ts', import.meta.url))

export type BackendProcess = {
  child: ChildProcess
  /** Where it listens; empty for HOLDFAST_ROLE=worker (no HTTP). */
  url: string
  /** Resolves with the exit code (or signal) whenever the process ends. */
  exited: Promise<number | string | null>
  /** The last of its output (stdout and stderr), for a failure message. */
  recentOutput(): string
}

/**
 * Spawns the backend with `env` on top of this process's environment and resolves once it
 * listens (or, as a worker, is ready). LOG_LEVEL must stay at info or below: readiness is read
 * from its log. `forwardOutput` copies its output to this process's stderr.
 */
export async function startBackendProcess(
  env: Record<string, string>,
  options: { nodeArgs?: string[]; forwardOutput?: boolean } = {}
): Promise<BackendProcess> {
  const nodeArgs = [...(options.nodeArgs ?? []), '--import', 'tsx', '--import', exitWithParent]
  const child = spawn(process.execPath, [...nodeArgs, main], {
    env: { ...process.env, LOG_LEVEL: 'info', PORT: '0', ...env },
    // stdin stays open for exit-with-parent: it ends when this process does.
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  let output = ''
  const keep = (d: Buffer) => {
    output = (output + d.toString()).slice(-20_000)
    if (options.forwardOutput) process.stderr.write(d)
  }
  child.stdout!.on('data', keep)
  child.stderr!.on('data', keep)
  const exited = new Promise<number | string | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal))
  )
  const url = await new Promise<string>((resolve, reject) => {
    const onData = () => {
      const listening = output.match(/"msg":"listening","url":"([^"]+)"/)
      if (listening) resolve(listening[1]!)
      else if (output.includes('"msg":"worker ready"')) resolve('')
      else return
      child.stdout!.off('data', onData)
    }
    child.stdout!.on('data', onData)
    void exited.then((code) =>
      reject(new Error(`backend exited (${code}) before it was ready:\n${output}`))
    )
  })
  return { child, url, exited, recentOutput: () => output }
}

/** SIGTERM (a clean stop) or SIGKILL, and wait for the exit; nothing if it already ended. */
export async function stopBackendProcess(
  backend: BackendProcess,
  signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'
): Promise<void> {
  if (backend.child.exitCode !== null || backend.child.signalCode !== null) return
  backend.child.kill(signal)
  await backend.exited
}
