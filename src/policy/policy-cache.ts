// A bounded cache of compiled policies keyed by their text, so a policy is parsed and compiled
// once and not on every request. Least recently used entries leave first.

import type { CompiledPolicy, CompiledPolicyKind } from './compile-policy.js'
import { compilePolicy } from './compile-policy.js'
import type { PolicyDocument } from './document.js'
import type { PolicyKind } from './parse-policy.js'
import { parsePolicy } from './parse-policy.js'

export interface PolicyCacheOptions {
  /** Most entries kept; 1000 unless told. */
  limit?: number
}

/** Which parse rules apply to each compiled kind (guardrails parse like managed policies). */
const PARSE_KIND: Record<CompiledPolicyKind, PolicyKind> = {
  identity: 'identity',
  managed: 'managed',
  trust: 'trust',
  resource: 'resource',
  boundary: 'boundary',
  session: 'session',
  scp: 'identity',
  rcp: 'resource',
}

export class PolicyCache {
  private readonly entries = new Map<string, CompiledPolicy>()
  private readonly limit: number
  hits = 0
  misses = 0

  constructor(options: PolicyCacheOptions = {}) {
    this.limit = Math.max(1, options.limit ?? 1000)
  }

  /**
   * The compiled policy for this text, parsing and compiling it on first use. Throws AwsError
   * MalformedPolicyDocument for text that does not parse (nothing is cached then).
   */
  get(text: string, kind: CompiledPolicyKind, source: string): CompiledPolicy {
    const key = `${kind}\u0000${source}\u0000${text}`
    const hit = this.entries.get(key)
    if (hit !== undefined) {
      this.hits++
      // Re-inserting keeps the Map in least-recently-used order.
      this.entries.delete(key)
      this.entries.set(key, hit)
      return hit
    }
    this.misses++
    const doc: PolicyDocument = parsePolicy(text, PARSE_KIND[kind])
    const compiled = compilePolicy(doc, source, kind)
    if (this.entries.size >= this.limit) {
      const oldest = this.entries.keys().next()
      if (oldest.done !== true) this.entries.delete(oldest.value)
    }
    this.entries.set(key, compiled)
    return compiled
  }

  get size(): number {
    return this.entries.size
  }

  clear(): void {
    this.entries.clear()
  }
}
