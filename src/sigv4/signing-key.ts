// Step 3: the signing key, four chained HMACs from the secret. A small LRU cache, owned by whoever
// verifies or signs, keeps the hot path (one caller, day, region and service) to one HMAC a request.

import type { Sigv4Crypto } from './crypto.js'
import type { CredentialScope } from './credential-scope.js'
import { SCOPE_TERMINATOR } from './request.js'

export const deriveSigningKey = (
  crypto: Sigv4Crypto,
  secretAccessKey: string,
  scope: CredentialScope,
): Uint8Array => {
  const kDate = crypto.hmacSha256(`AWS4${secretAccessKey}`, scope.date)
  const kRegion = crypto.hmacSha256(kDate, scope.region)
  const kService = crypto.hmacSha256(kRegion, scope.service)
  return crypto.hmacSha256(kService, SCOPE_TERMINATOR)
}

/** The key handed out last, with what it was derived from. */
interface LastKey {
  secretAccessKey: string
  date: string
  region: string
  service: string
  key: Uint8Array
}

/** Least-recently-used cache of signing keys, keyed by secret, date, region and service. */
export class SigningKeyCache {
  private readonly keys = new Map<string, Uint8Array>()
  // A busy client signs request after request with one secret and scope: the key handed out last
  // is found by comparing the four parts, without building the cache key.
  private last: LastKey | undefined

  constructor(
    private readonly crypto: Sigv4Crypto,
    private readonly maxEntries = 100,
  ) {}

  get size(): number {
    return this.keys.size
  }

  get(secretAccessKey: string, scope: CredentialScope): Uint8Array {
    const last = this.last
    if (
      last !== undefined &&
      last.secretAccessKey === secretAccessKey &&
      last.date === scope.date &&
      last.region === scope.region &&
      last.service === scope.service
    ) {
      return last.key
    }
    const key = this.lookUp(secretAccessKey, scope)
    const { date, region, service } = scope
    this.last = { secretAccessKey, date, region, service, key }
    return key
  }

  private lookUp(secretAccessKey: string, scope: CredentialScope): Uint8Array {
    // Newlines cannot occur in a scope part that reached here, so the key is unambiguous.
    const cacheKey = `${scope.date}\n${scope.region}\n${scope.service}\n${secretAccessKey}`
    const cached = this.keys.get(cacheKey)
    if (cached) {
      this.keys.delete(cacheKey)
      this.keys.set(cacheKey, cached)
      return cached
    }
    const key = deriveSigningKey(this.crypto, secretAccessKey, scope)
    this.keys.set(cacheKey, key)
    if (this.keys.size > this.maxEntries) {
      const oldest = this.keys.keys().next().value
      if (oldest !== undefined) this.keys.delete(oldest)
    }
    return key
  }
}

/** The signing key from the caller's cache when it passes one, else derived anew. */
export const signingKey = (
  crypto: Sigv4Crypto,
  secretAccessKey: string,
  scope: CredentialScope,
  cache?: SigningKeyCache,
): Uint8Array =>
  cache === undefined
    ? deriveSigningKey(crypto, secretAccessKey, scope)
    : cache.get(secretAccessKey, scope)
