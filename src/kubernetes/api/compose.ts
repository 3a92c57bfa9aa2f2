// The API face with its ports filled: clusters from the per-generation snapshots, tokens through
// the EKS token authenticator and the cluster's aws-auth, RBAC over the bootstrap policy, writes
// through the store, the pod identity webhook, and service-account tokens signed by the cluster's
// issuer. The composition root calls this once per server.
import type { Logger } from 'pino'
import type { Clock } from '../../core/clock.js'
import type { IdSource } from '../../core/ids.js'
import type { Store } from '../../store/ports.js'
import { TokenAuthenticator } from '../authenticator/index.js'
import type { TokenAuthenticatorDeps } from '../authenticator/index.js'
import type { ClusterSnapshots } from '../cluster-snapshots.js'
import { PodIdentityWebhook, issuerServiceAccountTokens } from '../pod-identity/index.js'
import type { IssuerTokenDeps } from '../pod-identity/index.js'
import { createClusterApi } from './cluster-api.js'
import type { ClusterApi } from './cluster-api.js'
import { clusterDirectory, storeObjectWriter } from './cluster-store.js'
import { RbacClusterAuthorizer } from './rbac-authorizer.js'

export interface ClusterApiParts {
  store: Pick<Store, 'transaction' | 'read'>
  snapshots: ClusterSnapshots
  /** The built-in issuers' URLs, for the clusters' service-account tokens. */
  issuers?: IssuerTokenDeps['issuers'] | undefined
  /** EKS tokens verified against this server's STS (the composition root's TokenVerifier). */
  tokens: TokenAuthenticatorDeps['verifier']
  clock: Clock
  ids: Pick<IdSource, 'requestId'>
  logger?: Logger | undefined
}

export function composeClusterApi(parts: ClusterApiParts): ClusterApi {
  const tokens = new TokenAuthenticator({
    verifier: parts.tokens,
    awsAuthOf: (snapshot) => parts.snapshots.awsAuth(snapshot).awsAuth,
  })
  return createClusterApi({
    clusters: clusterDirectory(parts.snapshots),
    authenticator: {
      async authenticate(snapshot, token) {
        const result = await tokens.authenticateToken(token, snapshot)
        return 'user' in result
          ? { authenticated: true, user: result.user }
          : { authenticated: false, error: result.error }
      },
    },
    authorizer: new RbacClusterAuthorizer(),
    writer: storeObjectWriter({ store: parts.store, clock: parts.clock, ids: parts.ids }),
    podIdentity: new PodIdentityWebhook(),
    tokens:
      parts.issuers === undefined
        ? undefined
        : issuerServiceAccountTokens({
            store: parts.store,
            issuers: parts.issuers,
            now: () => parts.clock.now(),
          }),
    clock: parts.clock,
    logger: parts.logger,
  })
}
