// Prints each vitest project's time at the end of a run (.ci/run shows it): the files run at
// once across projects, so a project's span (its first file's start to its last file's end)
// and the summed time of its files are both given.
import type { Reporter, TestModule } from 'vitest/node'

type ProjectTimes = { files: number; tests: number; busyMs: number; start: number; end: number }

export default class ProjectTimesReporter implements Reporter {
  private readonly started = new Map<string, number>()
  private readonly projects = new Map<string, ProjectTimes>()
  private readonly files: Array<{ name: string; ms: number }> = []
  private runStart = Date.now()

  onTestRunStart() {
    this.runStart = Date.now()
  }

  onTestModuleStart(module: TestModule) {
    this.started.set(module.moduleId + module.project.name, Date.now())
  }

  onTestModuleEnd(module: TestModule) {
    const end = Date.now()
    const start = this.started.get(module.moduleId + module.project.name) ?? end
    const name = module.project.name
    const p = this.projects.get(name) ?? { files: 0, tests: 0, busyMs: 0, start, end }
    p.files++
    this.files.push({ name: `${name} ${module.relativeModuleId}`, ms: end - start })
    p.tests += [...module.children.allTests()].length
    p.busyMs += end - start
    p.start = Math.min(p.start, start)
    p.end = Math.max(p.end, end)
    this.projects.set(name, p)
  }

  onTestRunEnd() {
    const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`
    const lines = [...this.projects.entries()]
      .sort((a, b) => b[1].busyMs - a[1].busyMs)
      .map(
        ([name, p]) =>
          `  ${name.padEnd(11)} ${String(p.files).padStart(4)} files ${String(p.tests).padStart(5)} tests` +
          `   span ${s(p.end - p.start).padStart(8)}   files summed ${s(p.busyMs).padStart(8)}`
      )
    // The slowest files, so the next change to the suite's time knows where the time goes.
    const slowest = [...this.files]
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 12)
      .map((f) => `  ${s(f.ms).padStart(8)}  ${f.name}`)
    process.stdout.write(
      `\nTime per project (wall ${s(Date.now() - this.runStart)}):\n${lines.join('\n')}\n` +
        `Slowest files:\n${slowest.join('\n')}\n`
    )
  }
}
