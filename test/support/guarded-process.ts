// Child process for the process-guards test: installs the guards as main.ts does, fails the way
// argv[2] says, and prints STILL SERVING if it is alive 300 ms later (FATAL if the guard stopped it).
import { createLogger } from '../../backend/src/log'
import { installProcessGuards } from '../../backend/src/process-guards'

installProcessGuards(createLogger('info'), () => {
  process.stdout.write('FATAL\n')
  process.exit(1)
})
const fail = process.argv[2]
if (fail === 'rejection') void Promise.reject(new Error('a promise nobody awaited'))
if (fail === 'connection')
  setImmediate(() => {
    throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })
  })
if (fail === 'exception')
  setImmediate(() => {
    throw new Error('a bug in a callback')
  })
setTimeout(() => {
  process.stdout.write('STILL SERVING\n')
  process.exit(0)
}, 300)
