// `npm test`: the type-check and vitest at once, failing if either fails. Run one after the other
// they cost ~40 s more on a 2-core machine: most test files wait on I/O, so tsc fits beside them.
// tsc runs at a lower priority so tests that wait on time keep the CPU first. Arguments go to vitest.
import { spawn } from 'node:child_process'
import { setPriority } from 'node:os'

function run(command, args, { quiet }) {
  const child = spawn(command, args, {
    stdio: quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit',
    shell: process.platform === 'win32',
  })
  let output = ''
  if (quiet) {
    child.stdout.on('data', (d) => (output += d))
    child.stderr.on('data', (d) => (output += d))
  }
  const started = Date.now()
  const done = new Promise((resolve) => {
    child.on('error', (err) => resolve({ code: 1, output: `${output}${err.message}\n`, started }))
    child.on('close', (code) => resolve({ code: code ?? 1, output, ms: Date.now() - started }))
  })
  return { child, done }
}

const typecheck = run('npm', ['run', '--silent', 'typecheck'], { quiet: true })
try {
  if (typecheck.child.pid) setPriority(typecheck.child.pid, 10)
} catch {
  // Not allowed here: it only costs the tests some CPU.
}
const vitest = run('npx', ['vitest', 'run', ...process.argv.slice(2)], { quiet: false })

const [types, tests] = await Promise.all([typecheck.done, vitest.done])
// Its output waits for the end, so it does not interleave with vitest's.
process.stdout.write(types.output)
console.log(
  types.code === 0
    ? `Typecheck passed (${((types.ms ?? 0) / 1000).toFixed(1)} s, beside the tests)`
    : `Typecheck FAILED (exit ${types.code})`
)
process.exit(types.code !== 0 ? types.code : tests.code)
