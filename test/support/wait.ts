/**
 * Polls `check` until it is true, or fails after timeoutMs with what it waited for. The default
 * deadline is generous (90 s; integration tests get 180 s): a loaded 2-core machine must not
 * fail a test that is only slow.
 */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  { timeoutMs = 90_000, intervalMs = 25, what = 'condition' } = {}
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, intervalMs))
  }
}
