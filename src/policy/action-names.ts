// Lower-cased action names, one string per name. Each compiled policy files its statements under
// the lower-cased action, so handing it the very string it stored them under makes its lookup a
// pointer comparison. Owned and passed in by whoever evaluates (the authoriser), never shared.

export class ActionNames {
  private readonly lowered = new Map<string, string>()

  /** Names kept at most; actions come from a small, fixed vocabulary. */
  constructor(private readonly limit = 4096) {}

  lower(action: string): string {
    let lower = this.lowered.get(action)
    if (lower === undefined) {
      lower = action.toLowerCase()
      if (this.lowered.size >= this.limit) this.lowered.clear()
      this.lowered.set(action, lower)
    }
    return lower
  }

  get size(): number {
    return this.lowered.size
  }
}
