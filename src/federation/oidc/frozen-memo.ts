// Remembers what a computation gave for a frozen object, for as long as that object lives: its
// members cannot change, so neither can the answer. Objects that are not frozen are computed
// afresh every time. Built-in issuers and the JWKS cache hand out frozen JWKs.

export class FrozenMemo<K extends object, V> {
  private readonly entries = new WeakMap<K, V>()

  get(key: K, compute: () => V): V {
    if (!Object.isFrozen(key)) return compute()
    if (this.entries.has(key)) return this.entries.get(key) as V
    const value = compute()
    this.entries.set(key, value)
    return value
  }
}
