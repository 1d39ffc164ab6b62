// An id-keyed collection kept in Stripe's list order: newest `created` first, ties broken by
// insertion (later insert first). The sorted view is rebuilt lazily after writes.

type Entry<T> = { obj: T; seq: number }

/** What a list endpoint pages over: a whole collection or one indexed group of it. */
export type ListSource<T> = {
  ordered(): T[]
  position(id: string): number
  createdOf(obj: T): number
}

type Index<T> = { keyOf: (obj: T) => string | null | undefined; groups: Map<string, T[]> | null }

export class Collection<T extends { id: string }> implements ListSource<T> {
  private byId = new Map<string, Entry<T>>()
  private sorted: T[] | null = null
  private positions: Map<string, number> | null = null
  private seq = 0
  private indexes = new Map<string, Index<T>>()

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
    this.touch()
    return obj
  }

  delete(id: string): boolean {
    const removed = this.byId.delete(id)
    if (removed) this.touch()
    return removed
  }

  /** Drops cached order and indexes; call after changing a field an index is keyed on. */
  touch(): void {
    this.sorted = null
    this.positions = null
    for (const index of this.indexes.values()) index.groups = null
  }

  /** Declares a secondary index, so lists filtered on one key don't scan everything. */
  defineIndex(name: string, keyOf: (obj: T) => string | null | undefined): this {
    this.indexes.set(name, { keyOf, groups: null })
    return this
  }

  /** Objects whose index key is `key`, newest first. */
  group(name: string, key: string): ListSource<T> {
    const index = this.indexes.get(name)
    if (!index) throw new Error(`No index ${name}`)
    if (!index.groups) {
      const groups = new Map<string, T[]>()
      for (const obj of this.ordered()) {
        const k = index.keyOf(obj)
        if (k === null || k === undefined) continue
        const list = groups.get(k)
        if (list) list.push(obj)
        else groups.set(k, [obj])
      }
      index.groups = groups
    }
    const items = index.groups.get(key) ?? []
    return {
      ordered: () => items,
      position: (id) => items.findIndex((x) => x.id === id),
      createdOf: this.createdOf,
    }
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
