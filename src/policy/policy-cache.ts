// A bounded cache of compiled policies keyed by their text, so a policy is parsed and compiled
// once and not on every request. Entries of the least recently used text leave first.

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
  /**
   * By text first, then by kind and source. Callers pass the same text string (a cached role's
   * trust policy) again and again, and a string keeps its hash: joining kind, source and text
   * into one key meant building and hashing a string as long as the policy on every call.
   */
  private readonly entries = new Map<string, Map<string, CompiledPolicy>>()
  private count = 0
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
    const key = `${kind}\u0000${source}`
    const forText = this.entries.get(text)
    const hit = forText?.get(key)
    if (forText !== undefined && hit !== undefined) {
      this.hits++
      // Re-inserting keeps both Maps in least-recently-used order.
      this.entries.delete(text)
      this.entries.set(text, forText)
      forText.delete(key)
      forText.set(key, hit)
      return hit
    }
    this.misses++
    const doc: PolicyDocument = parsePolicy(text, PARSE_KIND[kind])
    const compiled = compilePolicy(doc, source, kind)
    if (this.count >= this.limit) this.evictOldest()
    if (forText === undefined) this.entries.set(text, new Map([[key, compiled]]))
    else forText.set(key, compiled)
    this.count++
    return compiled
  }

  /** Drops the least recently used entry of the least recently used text. */
  private evictOldest(): void {
    const oldest = this.entries.entries().next()
    if (oldest.done === true) return
    const [text, forText] = oldest.value
    const first = forText.keys().next()
    if (first.done !== true) forText.delete(first.value)
    if (forText.size === 0) this.entries.delete(text)
    this.count--
  }

  get size(): number {
    return this.count
  }

  clear(): void {
    this.entries.clear()
    this.count = 0
  }
}
