// An id-keyed collection kept in Stripe's list order: newest `created` first, ties broken by
// insertion (later insert first). The sorted view is rebuilt lazily after writes.

type Entry<T> = { obj: T; seq: number }

export class Collection<T extends { id: string }> {
  private byId = new Map<string, Entry<T>>()
  private sorted: T[] | null = null
  private positions: Map<string, number> | null = null
  private seq = 0

  constructor(
    readonly createdOf: (obj: T) => number = (obj) => (obj as { created?: number }).created ?? 0
  ) {}

  get size(): number {
    return this.byId.size
  }

  get(id: string): T | undefined {
    return this.byId.get(id)?.obj
  }

  has(id: string): boolean {
    return this.byId.has(id)
  }

  insert(obj: T): T {
    this.byId.set(obj.id, { obj, seq: this.seq++ })
    this.sorted = null
    this.positions = null
    return obj
  }

  delete(id: string): boolean {
    const removed = this.byId.delete(id)
    if (removed) {
      this.sorted = null
      this.positions = null
    }
    return removed
  }

  values(): IterableIterator<T> {
    return Array.from(this.byId.values(), (e) => e.obj)[Symbol.iterator]()
  }

  /** Newest first. */
  ordered(): T[] {
    if (!this.sorted) {
      const entries = Array.from(this.byId.values())
      const created = this.createdOf
      entries.sort((a, b) => created(b.obj) - created(a.obj) || b.seq - a.seq)
      this.sorted = entries.map((e) => e.obj)
    }
    return this.sorted
  }

  /** Position of `id` in `ordered()`, or -1. */
  position(id: string): number {
    if (!this.positions) {
      const positions = new Map<string, number>()
      this.ordered().forEach((obj, i) => positions.set(obj.id, i))
      this.positions = positions
    }
    return this.positions.get(id) ?? -1
  }
}
