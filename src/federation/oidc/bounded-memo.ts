// Remembers what a computation gave for a string key, up to a bound: key material comes from
// issuers' JWKS, which outsiders influence, so what it yields must not grow memory without limit.

export class BoundedMemo<V> {
  private readonly entries = new Map<string, V>()

  constructor(private readonly limit: number) {}

  /** The remembered value for `key`, else `compute()` remembered; a full memo starts over. */
  get(key: string, compute: () => V): V {
    if (this.entries.has(key)) return this.entries.get(key) as V
    const value = compute()
    if (this.entries.size >= this.limit) this.entries.clear()
    this.entries.set(key, value)
    return value
  }
}
