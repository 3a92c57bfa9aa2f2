// The built-in issuers as the rest of the server reads them: their published documents for the
// HTTP layer, and their verification keys for STS, straight from the store with no HTTP round
// trip. Keys, and their public JWKs prepared for verification, are cached per issuer until the
// store's generation moves.
import type { JWK } from 'jose'
import type { Clock } from '../../core/clock.js'
import { prepareVerificationKey } from '../oidc/prepare-verification-keys.js'
import type { VerificationKey } from '../oidc/prepare-verification-keys.js'
import type { IssuerKeyRecord, Store } from '../../store/ports.js'
import { builtInIssuerRef, discoveryDocument, issuerUrl, jwksDocument } from './discovery.js'
import type { DiscoveryDocument, IssuerRef } from './discovery.js'
import { isIssuerAlgorithm, isPublished, publishedKeys } from './issuer-keys.js'

export interface BuiltInIssuersOptions {
  store: Store
  clock: Clock
  /** The server's public URL; a function because it may be known only once the socket listens. */
  publicUrl: () => string
}

/** Resolves a built-in issuer's keys: undefined when the URL is not one of ours. */
export type BuiltInKeys = (
  issuerUrl: string,
  kid?: string,
) => Promise<readonly VerificationKey[] | undefined>

interface Cached {
  generation: number
  /** Undefined when no such issuer exists. */
  keys: IssuerKeyRecord[] | undefined
  /** Each record with its public JWK parsed and imported once, not on every token verified. */
  verifying: readonly { record: IssuerKeyRecord; key: VerificationKey }[]
}

const cacheKey = (issuer: IssuerRef) => `${issuer.accountId}/${issuer.name}`

const verifyingKey = (record: IssuerKeyRecord) => ({
  record,
  key: prepareVerificationKey(JSON.parse(record.publicJwk) as JWK),
})

export class BuiltInIssuers {
  private cache = new Map<string, Cached>()

  constructor(private readonly options: BuiltInIssuersOptions) {}

  /** The issuer's URL on this server. */
  url(issuer: IssuerRef): string {
    return issuerUrl(this.options.publicUrl(), issuer)
  }

  /**
   * The keys that may verify a token whose `iss` is `url`: every published key (the verifier picks
   * by `kid`), [] for one of our issuer URLs whose issuer does not exist, undefined for others.
   */
  readonly keys: BuiltInKeys = async (url) => {
    const issuer = builtInIssuerRef(this.options.publicUrl(), url)
    if (issuer === undefined) return undefined
    const loaded = this.current(issuer) ?? (await this.loadEntry(issuer))
    const now = this.options.clock.now()
    return loaded.verifying.filter(({ record }) => isPublished(record, now)).map(({ key }) => key)
  }

  async discovery(issuer: IssuerRef): Promise<DiscoveryDocument | undefined> {
    const keys = await this.load(issuer)
    if (keys === undefined) return undefined
    const now = this.options.clock.now()
    const algorithms = keys
      .filter((key) => isPublished(key, now))
      .map((key) => key.algorithm)
      .filter(isIssuerAlgorithm)
    return discoveryDocument(this.url(issuer), algorithms)
  }

  async jwks(issuer: IssuerRef): Promise<{ keys: JWK[] } | undefined> {
    const keys = await this.load(issuer)
    if (keys === undefined) return undefined
    return jwksDocument(publishedKeys(keys, this.options.clock.now()))
  }

  private async load(issuer: IssuerRef): Promise<IssuerKeyRecord[] | undefined> {
    return (await this.loadEntry(issuer)).keys
  }

  /** The cached entry while the store has not moved; every call to keys() asks first. */
  private current(issuer: IssuerRef): Cached | undefined {
    const cached = this.cache.get(cacheKey(issuer))
    return cached !== undefined && cached.generation === this.options.store.generation
      ? cached
      : undefined
  }

  private async loadEntry(issuer: IssuerRef): Promise<Cached> {
    const { store } = this.options
    const generation = store.generation
    const cached = this.current(issuer)
    if (cached) return cached
    const { accountId, name } = issuer
    const keys = await store.read(async (repo) =>
      (await repo.issuers.get(accountId, name)) === undefined
        ? undefined
        : repo.issuers.listKeys(accountId, name),
    )
    const entry: Cached = { generation, keys, verifying: (keys ?? []).map(verifyingKey) }
    // A write that landed meanwhile may have changed the answer: keep it out of the cache.
    if (store.generation === generation) {
      if (this.cache.size > 1000) this.cache.clear()
      this.cache.set(cacheKey(issuer), entry)
    }
    return entry
  }
}
