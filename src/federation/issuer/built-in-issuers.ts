// The built-in issuers as the rest of the server reads them: their published documents for the
// HTTP layer, and their verification keys for STS, straight from the store with no HTTP round
// trip. Keys, and their public JWKs prepared for verification, are cached per issuer until the
// store's generation moves.
import type { JWK } from 'jose'
import type { Clock } from '../../core/clock.js'
import { prepareVerificationKey } from '../oidc/prepare-verification-keys.js'
import type { VerificationKey } from '../oidc/prepare-verification-keys.js'
import type { IssuerKeyRecord, Store } from '../../store/ports.js'
import { builtInIssuerName, discoveryDocument, issuerUrl, jwksDocument } from './discovery.js'
import type { DiscoveryDocument } from './discovery.js'
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

const verifyingKey = (record: IssuerKeyRecord) => ({
  record,
  key: prepareVerificationKey(JSON.parse(record.publicJwk) as JWK),
})

export class BuiltInIssuers {
  private cache = new Map<string, Cached>()

  constructor(private readonly options: BuiltInIssuersOptions) {}

  /** The issuer URL of `name` on this server. */
  url(name: string): string {
    return issuerUrl(this.options.publicUrl(), name)
  }

  /**
   * The keys that may verify a token whose `iss` is `url`: every published key (the verifier picks
   * by `kid`), [] for one of our issuer URLs whose issuer does not exist, undefined for others.
   */
  readonly keys: BuiltInKeys = async (url) => {
    const name = builtInIssuerName(this.options.publicUrl(), url)
    if (name === undefined) return undefined
    const loaded = this.current(name) ?? (await this.loadEntry(name))
    const now = this.options.clock.now()
    return loaded.verifying.filter(({ record }) => isPublished(record, now)).map(({ key }) => key)
  }

  async discovery(name: string): Promise<DiscoveryDocument | undefined> {
    const keys = await this.load(name)
    if (keys === undefined) return undefined
    const now = this.options.clock.now()
    const algorithms = keys
      .filter((key) => isPublished(key, now))
      .map((key) => key.algorithm)
      .filter(isIssuerAlgorithm)
    return discoveryDocument(this.url(name), algorithms)
  }

  async jwks(name: string): Promise<{ keys: JWK[] } | undefined> {
    const keys = await this.load(name)
    if (keys === undefined) return undefined
    return jwksDocument(publishedKeys(keys, this.options.clock.now()))
  }

  private async load(name: string): Promise<IssuerKeyRecord[] | undefined> {
    return (await this.loadEntry(name)).keys
  }

  /** The cached entry while the store has not moved; every call to keys() asks first. */
  private current(name: string): Cached | undefined {
    const cached = this.cache.get(name)
    return cached !== undefined && cached.generation === this.options.store.generation
      ? cached
      : undefined
  }

  private async loadEntry(name: string): Promise<Cached> {
    const { store } = this.options
    const generation = store.generation
    const cached = this.current(name)
    if (cached) return cached
    const keys = await store.transaction(async (repo) =>
      (await repo.getIssuer(name)) === undefined ? undefined : repo.listIssuerKeys(name),
    )
    const entry: Cached = { generation, keys, verifying: (keys ?? []).map(verifyingKey) }
    // A write that landed meanwhile may have changed the answer: keep it out of the cache.
    if (store.generation === generation) {
      if (this.cache.size > 1000) this.cache.clear()
      this.cache.set(name, entry)
    }
    return entry
  }
}
