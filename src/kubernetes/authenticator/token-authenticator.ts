// EKS token authentication for one cluster, as a pipeline: read the token (format checks), verify
// it against rolegate's own STS in process, map the identity through the cluster's aws-auth, and
// build the UserInfo aws-iam-authenticator returns (its uid and extra fields).
import type { AwsAuth, ClusterSnapshot, Node, UserInfo } from '../objects.js'
import type { AwsIdentity } from './aws-identity.js'
import { mapIdentity } from './map-identity.js'
import type { MappedUser } from './map-identity.js'
import { TokenRejection } from './token-rejection.js'
import type { RejectionKind } from './token-rejection.js'
import type { TokenVerification } from './token-verifier.js'

/** Every authenticated user is in this group, as the apiserver adds it. */
export const AUTHENTICATED_GROUP = 'system:authenticated'

/**
 * The cluster's aws-auth mapping, parsed from its `kube-system/aws-auth` ConfigMap (the parser is
 * the cluster objects' own, wired in by the composition root); empty lists when there is none.
 */
export type AwsAuthOf = (snapshot: ClusterSnapshot) => AwsAuth

export type TokenAuthentication =
  { user: UserInfo; identity: AwsIdentity } | { error: string; kind: RejectionKind }

export interface TokenAuthenticatorDeps {
  verifier: { verify(token: string, clusterName: string): Promise<TokenVerification> }
  awsAuthOf: AwsAuthOf
}

/** UserInfo as aws-iam-authenticator's webhook fills it, plus system:authenticated. */
export function userInfo(identity: AwsIdentity, mapped: MappedUser): UserInfo {
  const groups = mapped.groups.includes(AUTHENTICATED_GROUP)
    ? [...mapped.groups]
    : [...mapped.groups, AUTHENTICATED_GROUP]
  return {
    username: mapped.username,
    uid: `aws-iam-authenticator:${identity.accountId}:${identity.userId}`,
    groups,
    extra: {
      arn: [identity.arn],
      canonicalArn: [identity.canonicalArn],
      sessionName: [identity.sessionName],
      accessKeyId: [identity.accessKeyId],
      principalId: [identity.userId],
      'sigs.k8s.io/aws-iam-authenticator/principalId': [identity.userId],
    },
  }
}

const isNode = (object: ClusterSnapshot['objects'][number]): object is Node =>
  object.kind === 'Node'

export class TokenAuthenticator {
  readonly #deps: TokenAuthenticatorDeps

  constructor(deps: TokenAuthenticatorDeps) {
    this.#deps = deps
  }

  /**
   * Who `token` authenticates as on `cluster`: the user, or the reason it does not. Never throws
   * for a bad token; throws only when a dependency fails (the store, the aws-auth parser).
   */
  async authenticateToken(token: string, cluster: ClusterSnapshot): Promise<TokenAuthentication> {
    const verified = await this.#deps.verifier.verify(token, cluster.cluster.name)
    if ('error' in verified) return verified
    const { identity } = verified
    try {
      const mapped = mapIdentity(
        identity,
        this.#deps.awsAuthOf(cluster),
        cluster.objects.filter(isNode),
      )
      return { user: userInfo(identity, mapped), identity }
    } catch (error) {
      if (error instanceof TokenRejection) return { error: error.message, kind: error.kind }
      throw error
    }
  }
}
