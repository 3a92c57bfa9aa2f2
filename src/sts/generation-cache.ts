// Store reads that STS repeats on every call (roles, IAM OIDC providers), kept in memory until the
// store's generation moves: every committed write here bumps it, so the next request sees it.
// Writes by another process sharing the database move it once noticed, and so does the maximum
// staleness passing (Store.noticeOtherWriters), should a notice be missed.
import type { Store } from '../store/ports.js'

export interface GenerationCacheOptions {
  /** Entries kept at most; names that do not exist are cached too, so this bounds a flood. */
  limit?: number
}

export class GenerationCache<V> {
  private generation = -1
  /** Boxed, so that a cached undefined (no such role) is told from a miss in one lookup. */
  private readonly entries = new Map<string, { value: V }>()
  private readonly limit: number

  constructor(
    private readonly store: Pick<Store, 'generation'>,
    options: GenerationCacheOptions = {},
  ) {
    this.limit = options.limit ?? 10_000
  }

  /** The cached value for `key`, or what `load` reads (cached unless a write landed meanwhile). */
  async get(key: string, load: () => Promise<V>): Promise<V> {
    const generation = this.store.generation
    if (generation !== this.generation) {
      this.entries.clear()
      this.generation = generation
    }
    const hit = this.entries.get(key)
    if (hit !== undefined) return hit.value
    const value = await load()
    // A write committed while loading may have changed the answer: use it once, never keep it.
    if (this.store.generation === generation && this.generation === generation) {
      if (this.entries.size >= this.limit) this.entries.clear()
      this.entries.set(key, { value })
    }
    return value
  }
}
