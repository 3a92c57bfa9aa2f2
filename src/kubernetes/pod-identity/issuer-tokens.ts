// Service-account tokens signed by the cluster's own issuer, for the kubectl face's TokenRequest:
// the signing key read from the store when asked (a token is minted far less often than verified),
// the issuer's URL from the built-in issuers.
import type { IssuerRef } from '../../federation/issuer/index.js'
import { signingKey } from '../../federation/issuer/index.js'
import type { Store } from '../../store/ports.js'
import type { ClusterSnapshot, ServiceAccount } from '../objects.js'
import { mintServiceAccountToken } from './service-account-token.js'

export interface IssuerTokenDeps {
  store: Pick<Store, 'read'>
  issuers: { url(issuer: IssuerRef): string }
  now: () => Date
}

export function issuerServiceAccountTokens(deps: IssuerTokenDeps) {
  return {
    async mint(
      snapshot: ClusterSnapshot,
      account: ServiceAccount,
      request: {
        audiences: readonly string[]
        expirationSeconds: number
        pod?: string | undefined
      },
    ): Promise<{ token: string; audiences: string[]; expirationTimestamp: Date }> {
      const issuer = { accountId: snapshot.cluster.accountId, name: snapshot.cluster.issuerName }
      const key = signingKey(
        await deps.store.read((repo) => repo.issuers.listKeys(issuer.accountId, issuer.name)),
      )
      if (key === undefined) throw new Error(`cluster ${snapshot.cluster.name}'s issuer has no key`)
      const minted = await mintServiceAccountToken(key, {
        issuerUrl: deps.issuers.url(issuer),
        account,
        audiences: request.audiences,
        ttlSeconds: request.expirationSeconds,
        pod: request.pod,
        now: deps.now(),
      })
      const aud = minted.claims.aud
      return {
        token: minted.token,
        audiences: Array.isArray(aud) ? aud : aud === undefined ? [] : [aud],
        expirationTimestamp: minted.expiresAt,
      }
    },
  }
}
