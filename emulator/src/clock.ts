// The emulator's clock: real time plus an offset that tests move forward with `advance`.

export class Clock {
  private offset = 0

  constructor(start?: number) {
    if (start !== undefined) this.offset = start - Date.now() / 1000
  }

  /** Unix seconds. */
  now(): number {
    return Math.floor(Date.now() / 1000 + this.offset)
  }

  advance(seconds: number): number {
    this.offset += seconds
    return this.now()
  }

  set(unixSeconds: number): void {
    this.offset = unixSeconds - Date.now() / 1000
  }
}
