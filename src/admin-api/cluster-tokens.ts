// Service-account tokens of a cluster through the admin API (issue #14): the token a pod using the
// service account would hold in its projected `aws-iam-token` volume, signed by the cluster's
// issuer. Authorised as rolegate:CreateServiceAccountToken on the cluster's ARN. The service
// account must exist in the cluster; its stored uid goes into the token, as a kube-apiserver's
// TokenRequest puts it there.
import { AwsError } from '../core/errors.js'
import { optionalInteger, optionalString, requiredString, stringList } from '../core/input.js'
import { signingKey } from '../federation/issuer/index.js'
import { fromRecord } from '../kubernetes/cluster-objects.js'
import {
  MAX_SERVICE_ACCOUNT_TOKEN_SECONDS,
  MIN_SERVICE_ACCOUNT_TOKEN_SECONDS,
  mintServiceAccountToken,
} from '../kubernetes/pod-identity/index.js'
import { clusterName, clusterNotFound } from './clusters.js'
import { defineAdminOperation } from './operation.js'

/** A Kubernetes object name: a DNS-1123 subdomain (ServiceAccounts, Pods). */
const SUBDOMAIN = {
  regex: /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/,
  text: '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*',
}
/** A namespace name: a DNS-1123 label. */
const LABEL = { regex: /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, text: '[a-z0-9]([-a-z0-9]*[a-z0-9])?' }

const createServiceAccountToken = defineAdminOperation({
  name: 'CreateServiceAccountToken',
  store: 'read',
  input: {
    ClusterName: clusterName(),
    Namespace: requiredString({ min: 1, max: 63, pattern: LABEL }),
    ServiceAccountName: requiredString({ min: 1, max: 253, pattern: SUBDOMAIN }),
    Audiences: stringList({ max: 10, item: { min: 1, max: 255 } }),
    TtlSeconds: optionalInteger({
      min: MIN_SERVICE_ACCOUNT_TOKEN_SECONDS,
      max: MAX_SERVICE_ACCOUNT_TOKEN_SECONDS,
    }),
    PodName: optionalString({ min: 1, max: 253, pattern: SUBDOMAIN }),
  },
  resource: (input, scope) => scope.clusterArn(input.ClusterName),
  async run(input, context) {
    const { repo, accountId } = context
    const cluster = await repo.clusters.get(accountId, input.ClusterName)
    if (cluster === undefined) throw clusterNotFound(input.ClusterName)
    const stored = await repo.clusters.getObject(
      accountId,
      cluster.name,
      'ServiceAccount',
      input.Namespace,
      input.ServiceAccountName,
    )
    const account = stored === undefined ? undefined : fromRecord(stored)
    if (account === undefined || account.kind !== 'ServiceAccount') {
      // The kube-apiserver's answer to a TokenRequest for a service account it does not have.
      throw new AwsError(
        'ResourceNotFoundException',
        `serviceaccounts "${input.ServiceAccountName}" not found in namespace "${input.Namespace}" of cluster ${cluster.name}`,
      )
    }
    const issuer = { accountId, name: cluster.issuerName }
    const key = signingKey(await repo.issuers.listKeys(accountId, cluster.issuerName))
    if (key === undefined) {
      throw new AwsError('ServiceFailure', `Cluster ${cluster.name}'s issuer has no signing key.`)
    }
    const issuerUrl = context.issuers.url(issuer)
    const minted = await mintServiceAccountToken(key, {
      issuerUrl,
      account,
      audiences: input.Audiences,
      ttlSeconds: input.TtlSeconds,
      pod: input.PodName,
      now: context.now,
    })
    return {
      Token: minted.token,
      ExpirationTimestamp: minted.expiresAt,
      Subject: minted.claims.sub,
      Audiences: Array.isArray(minted.claims.aud) ? minted.claims.aud : [],
      IssuerUrl: issuerUrl,
      KeyId: key.kid,
    }
  },
})

export const clusterTokenOperations = [createServiceAccountToken]
