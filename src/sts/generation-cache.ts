// Store reads that STS repeats on every call (roles, IAM OIDC providers), kept in memory until the
// store's generation moves: every committed write here bumps it, so the next request sees it.
// Writes by another process sharing the database move it once noticed (Store.noticeOtherWriters);
// a short maximum age is the second net, should a notice be missed (as IAM is eventually
// consistent in AWS too).
import type { Store } from '../store/ports.js'

export interface GenerationCacheOptions {
  /** Entries kept at most; names that do not exist are cached too, so this bounds a flood. */
  limit?: number
  /** How long an entry may serve before it is read again whatever the generation. Default 5 s. */
  maxAgeMs?: number
  /** A monotonic clock in milliseconds; freshness only, never an input to a decision. */
  now?: () => number
}

interface Entry<V> {
  value: V
  loadedAt: number
}

export class GenerationCache<V> {
  private generation = -1
  private readonly entries = new Map<string, Entry<V>>()
  private readonly limit: number
  private readonly maxAgeMs: number
  private readonly now: () => number

  constructor(
    private readonly store: Pick<Store, 'generation'>,
    options: GenerationCacheOptions = {},
  ) {
    this.limit = options.limit ?? 10_000
    this.maxAgeMs = options.maxAgeMs ?? 5000
    this.now = options.now ?? (() => performance.now())
  }

  /** The cached value for `key`, or what `load` reads (cached unless a write landed meanwhile). */
  async get(key: string, load: () => Promise<V>): Promise<V> {
    const generation = this.store.generation
    if (generation !== this.generation) {
      this.entries.clear()
      this.generation = generation
    }
    const hit = this.entries.get(key)
    const startedAt = this.now()
    if (hit !== undefined && startedAt - hit.loadedAt < this.maxAgeMs) return hit.value
    const value = await load()
    // A write committed while loading may have changed the answer: use it once, never keep it.
    if (this.store.generation === generation && this.generation === generation) {
      if (this.entries.size >= this.limit) this.entries.clear()
      this.entries.set(key, { value, loadedAt: startedAt })
    }
    return value
  }
}
