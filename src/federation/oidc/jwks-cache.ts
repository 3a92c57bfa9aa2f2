// Fetches an issuer's signing keys (discovery, then `jwks_uri`) through the injected fetch and keeps
// them prepared for verification for a TTL; an unknown `kid` refreshes them early, at most once per
// interval per issuer, so forged kids cannot make us hammer the issuer.
import { Buffer } from 'node:buffer'
import type { Clock } from '../../core/clock.js'
import { AwsError } from '../../core/errors.js'
import { KEY_NOT_RETRIEVED, THUMBPRINT_MISMATCH, invalidIdentityToken } from './aws-messages.js'
import type { FetchLike, TlsThumbprint } from './fetch-like.js'
import { isLoopbackHost } from './find-provider.js'
import type { OidcProvider } from './find-provider.js'
import { prepareVerificationKeys } from './prepare-verification-keys.js'
import type { VerificationKey } from './prepare-verification-keys.js'

/**
 * Supplies the keys that may verify a token from `issuer`; see verify-web-identity-token.ts.
 * Hand out key sets prepared when they were loaded (prepareVerificationKeys), not per call: the
 * import and the strength verdict are the costly part of a key.
 */
export type ResolveKeys = (
  issuer: string,
  kid: string | undefined,
  provider: OidcProvider,
) => Promise<readonly VerificationKey[]>

export interface JwksCacheOptions {
  readonly fetch: FetchLike
  readonly clock: Clock
  /** Certificate chains for thumbprint checks; without it configured thumbprints are not checked. */
  readonly tlsThumbprint?: TlsThumbprint
  /** How long fetched keys are trusted. Default 3600 s. */
  readonly ttlSeconds?: number
  /** The least time between two fetches for one issuer. Default 60 s. */
  readonly minRefreshIntervalSeconds?: number
  /** Per request; AWS gives an issuer about 5 s. */
  readonly timeoutMs?: number
  /** Largest discovery or JWKS document accepted. Default 512 KiB. */
  readonly maxDocumentBytes?: number
  /** Allow `http://` discovery/JWKS URLs on loopback hosts; for development only. */
  readonly allowHttpIssuers?: boolean
}

interface Entry {
  readonly keys: readonly VerificationKey[]
  readonly fetchedAt: number
  /** The served chain per URL that was fetched over https (when a hook reports it). */
  readonly chains: ReadonlyMap<string, readonly string[]>
}

const retrievalFailed = () => invalidIdentityToken(KEY_NOT_RETRIEVED)

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/** The certificates a configured thumbprint may name: the chain's CAs, or a lone self-signed leaf. */
const pinnableCertificates = (chain: readonly string[]) =>
  (chain.length > 1 ? chain.slice(1) : chain).map((f) => f.toLowerCase())

export class JwksCache {
  private readonly entries = new Map<string, Entry>()
  private readonly lastAttempt = new Map<string, number>()
  private readonly inflight = new Map<string, Promise<Entry>>()
  private readonly ttlMs: number
  private readonly minIntervalMs: number
  private readonly timeoutMs: number
  private readonly maxBytes: number

  constructor(private readonly options: JwksCacheOptions) {
    this.ttlMs = (options.ttlSeconds ?? 3600) * 1000
    this.minIntervalMs = (options.minRefreshIntervalSeconds ?? 60) * 1000
    this.timeoutMs = options.timeoutMs ?? 5000
    this.maxBytes = options.maxDocumentBytes ?? 512 * 1024
  }

  /** The ResolveKeys of this cache, bound for handing to verifyWebIdentityToken. */
  readonly resolveKeys: ResolveKeys = async (issuer, kid, provider) => {
    const now = this.options.clock.now().getTime()
    let entry = this.entries.get(issuer)
    if (entry === undefined || now - entry.fetchedAt >= this.ttlMs) {
      entry = await this.refresh(issuer, now)
    } else if (kid !== undefined && !entry.keys.some((k) => k.jwk.kid === kid)) {
      if (this.mayFetch(issuer, now)) entry = await this.refresh(issuer, now)
    }
    this.checkThumbprints(entry, provider)
    return entry.keys
  }

  /** Forgets an issuer's keys, e.g. after its provider was deleted. */
  forget(issuer: string): void {
    this.entries.delete(issuer)
    this.lastAttempt.delete(issuer)
  }

  private mayFetch(issuer: string, now: number): boolean {
    const last = this.lastAttempt.get(issuer)
    return last === undefined || now - last >= this.minIntervalMs
  }

  private refresh(issuer: string, now: number): Promise<Entry> {
    const running = this.inflight.get(issuer)
    if (running) return running
    // A failed fetch also counts, so an unreachable issuer is not retried on every request.
    if (!this.mayFetch(issuer, now)) return Promise.reject(retrievalFailed())
    this.lastAttempt.set(issuer, now)
    const work = this.load(issuer, now).finally(() => this.inflight.delete(issuer))
    this.inflight.set(issuer, work)
    return work
  }

  private async load(issuer: string, now: number): Promise<Entry> {
    const chains = new Map<string, readonly string[]>()
    const discoveryUrl = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`
    const discovery = await this.getJson(discoveryUrl, chains)
    const jwksUri = discovery['jwks_uri']
    if (typeof jwksUri !== 'string') throw retrievalFailed()
    const jwks = await this.getJson(jwksUri, chains)
    const keys = jwks['keys']
    if (!Array.isArray(keys)) throw retrievalFailed()
    const entry: Entry = { keys: prepareVerificationKeys(keys), fetchedAt: now, chains }
    this.entries.set(issuer, entry)
    return entry
  }

  private async getJson(
    url: string,
    chains: Map<string, readonly string[]>,
  ): Promise<Record<string, unknown>> {
    const parsed = URL.canParse(url) ? new URL(url) : undefined
    const https = parsed?.protocol === 'https:'
    const http =
      parsed?.protocol === 'http:' &&
      this.options.allowHttpIssuers === true &&
      isLoopbackHost(parsed.hostname)
    if (!parsed || (!https && !http) || parsed.username !== '' || parsed.password !== '') {
      throw retrievalFailed()
    }
    let body: string
    try {
      const response = await this.options.fetch(url, {
        signal: AbortSignal.timeout(this.timeoutMs),
        headers: { accept: 'application/json' },
      })
      if (response.status !== 200) throw retrievalFailed()
      body = await response.text()
      if (https && this.options.tlsThumbprint) {
        chains.set(url, await this.options.tlsThumbprint(url))
      }
    } catch (cause) {
      throw new AwsError('InvalidIdentityToken', KEY_NOT_RETRIEVED, { cause })
    }
    if (Buffer.byteLength(body) > this.maxBytes) throw retrievalFailed()
    try {
      const value: unknown = JSON.parse(body)
      if (isObject(value)) return value
    } catch {
      // fall through to the refusal below
    }
    throw retrievalFailed()
  }

  private checkThumbprints(entry: Entry, provider: OidcProvider): void {
    if (provider.thumbprints.length === 0 || !this.options.tlsThumbprint) return
    const wanted = new Set(provider.thumbprints.map((t) => t.toLowerCase()))
    for (const chain of entry.chains.values()) {
      if (!pinnableCertificates(chain).some((f) => wanted.has(f))) {
        throw invalidIdentityToken(THUMBPRINT_MISMATCH)
      }
    }
  }
}
