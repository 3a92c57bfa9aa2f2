// IAM users' long-term access keys (AKIA...) as a credential resolver: answers from memory and
// reloads only when the store's generation moves.
import { iamArn } from '../core/arn.js'
import type { Store } from '../store/ports.js'
import { invalidClientTokenId } from './credential-resolver.js'
import type { CredentialResolver, ResolvedCredential } from './credential-resolver.js'

/** What a long-term key resolves to; `inactive` keys are refused the way AWS refuses them. */
type KeyEntry =
  { kind: 'active'; credential: ResolvedCredential } | { kind: 'inactive' } | { kind: 'unknown' }

/** Resolves IAM users' long-term access keys (AKIA...) through an in-memory cache. */
export class AccessKeyResolver implements CredentialResolver {
  private cache = new Map<string, KeyEntry>()
  private cachedGeneration = -1

  constructor(private readonly store: Store) {}

  async resolve(
    accessKeyId: string,
    sessionToken: string | undefined,
  ): Promise<ResolvedCredential | undefined> {
    // A long-term key never carries a session token; temporary keys belong to another resolver.
    if (sessionToken !== undefined) return undefined
    const entry = await this.lookup(accessKeyId)
    if (entry.kind === 'unknown') return undefined
    if (entry.kind === 'inactive') throw invalidClientTokenId()
    return entry.credential
  }

  private async lookup(accessKeyId: string): Promise<KeyEntry> {
    if (this.store.generation !== this.cachedGeneration) {
      this.cache = new Map()
      this.cachedGeneration = this.store.generation
    }
    const cached = this.cache.get(accessKeyId)
    if (cached) return cached
    const generation = this.store.generation
    const entry = await this.load(accessKeyId)
    // A write that landed while loading may have changed the answer: keep it out of the cache.
    if (this.store.generation === generation) this.cache.set(accessKeyId, entry)
    return entry
  }

  private load(accessKeyId: string): Promise<KeyEntry> {
    return this.store.read(async (repo): Promise<KeyEntry> => {
      const key = await repo.accessKeys.get(accessKeyId)
      if (!key) return { kind: 'unknown' }
      if (key.status !== 'Active') return { kind: 'inactive' }
      const user = await repo.users.getById(key.userId)
      if (!user) return { kind: 'unknown' }
      return {
        kind: 'active',
        credential: {
          secretAccessKey: key.secretAccessKey,
          caller: {
            type: 'user',
            accountId: user.accountId,
            arn: user.arn || iamArn(user.accountId, 'user', user.path, user.userName),
            userId: user.userId,
            principalId: user.userId,
            name: user.userName,
            accessKeyId: key.accessKeyId,
          },
        },
      }
    })
  }
}
