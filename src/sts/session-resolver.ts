// Resolves temporary credentials (an access key id with X-Amz-Security-Token) by opening the token
// with the keyring: the secret is re-derived and the Caller read from the token, no lookup needed.
// Opened tokens are remembered briefly so a busy client does not pay for the cipher every call.
import type { Clock } from '../core/clock.js'
import { AwsError } from '../core/errors.js'
import { invalidClientTokenId } from '../credentials/credential-resolver.js'
import type { CredentialResolver, ResolvedCredential } from '../credentials/credential-resolver.js'
import type { SessionKeyring } from './keyring.js'
import { callerFromClaims, openSessionToken } from './session-token.js'

/** AWS's answer for temporary credentials past their expiration. */
export const expiredToken = () =>
  new AwsError('ExpiredToken', 'The security token included in the request is expired')

interface CachedSession {
  /** The whole token that opened: a hit needs this very token, not only its access key id. */
  sessionToken: string
  credential: ResolvedCredential
  expiresAt: number
}

const CACHE_LIMIT = 2000

export class SessionCredentialResolver implements CredentialResolver {
  // Keyed by access key id, which is short, not by the ~1 KB token: a hit compares the token with
  // the one remembered instead of hashing it.
  private cache = new Map<string, CachedSession>()
  private cachedGeneration = -1

  constructor(
    private readonly keyring: SessionKeyring,
    private readonly clock: Clock,
  ) {}

  async resolve(
    accessKeyId: string,
    sessionToken: string | undefined,
  ): Promise<ResolvedCredential | undefined> {
    if (sessionToken === undefined) return undefined
    const now = this.clock.now()
    // The keyring reloads when the store changes (a key deleted must stop opening at once).
    const generation = await this.keyring.refresh()
    if (generation !== this.cachedGeneration) {
      this.cache = new Map()
      this.cachedGeneration = generation
    }
    const cached = this.cache.get(accessKeyId)
    if (cached !== undefined && cached.sessionToken === sessionToken) {
      if (now.getTime() >= cached.expiresAt) throw expiredToken()
      return cached.credential
    }
    const opened = await openSessionToken(this.keyring, sessionToken, accessKeyId, now)
    if (opened.kind === 'invalid') throw invalidClientTokenId()
    if (opened.kind === 'expired') throw expiredToken()
    const credential: ResolvedCredential = {
      secretAccessKey: opened.secretAccessKey,
      caller: callerFromClaims(opened.claims),
    }
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear()
    this.cache.set(accessKeyId, { sessionToken, credential, expiresAt: opened.claims.expiresAt })
    return credential
  }
}
