// Kubernetes clusters through the admin API (issue #12). A cluster is EKS-like: an id of 32
// upper-case hex digits, `arn:aws:eks:REGION:ACCOUNT:cluster/NAME`, its own built-in OIDC issuer
// (`eks-ID`) for service-account tokens, and no access configuration until aws-auth is applied.
// What EKS has is authorised as EKS authorises it (eks:CreateCluster, eks:DeleteCluster,
// eks:ListClusters, eks:DescribeCluster); what only rolegate has is rolegate:OPERATION on the
// cluster's ARN (rolegate:ApplyClusterObjects, ...). Names are unique per account, not per region.
import { AwsError } from '../core/errors.js'
import {
  enumValue,
  optionalBoolean,
  optionalString,
  requiredString,
  stringList,
} from '../core/input.js'
import type { ResultObject } from '../core/result.js'
import { DEFAULT_ISSUER_ALGORITHM, generateIssuerKey } from '../federation/issuer/index.js'
import type { IssuerRef } from '../federation/issuer/index.js'
import { oidcProviderArn, oidcProviderUrl, registerOidcProvider } from '../iam/oidc-providers.js'
import {
  AWS_AUTH_NAME,
  AWS_AUTH_NAMESPACE,
  identityType,
  parseAwsAuth,
} from '../kubernetes/aws-auth.js'
import { addIdentityMapping, removeIdentityMapping } from '../kubernetes/aws-auth-edit.js'
import type { AwsAuthEdit } from '../kubernetes/aws-auth-edit.js'
import { planApply, refusalMessage } from '../kubernetes/cluster-apply.js'
import { goQuote, invalidMessage } from '../kubernetes/cluster-field-errors.js'
import {
  CLUSTER_KINDS,
  IMMORTAL_NAMESPACES,
  kindFromWord,
  kindInfo,
  qualifiedResource,
} from '../kubernetes/cluster-kinds.js'
import type { KindInfo } from '../kubernetes/cluster-kinds.js'
import {
  fromRecord,
  kubernetesTimestamp,
  systemNamespaces,
  toRecord,
  withMetadata,
} from '../kubernetes/cluster-objects.js'
import type { ClusterObject, ClusterRecord, ConfigMap } from '../kubernetes/objects.js'
import { generateWebhookToken } from '../kubernetes/webhook-credential.js'
import type { IssuerKeyRecord } from '../store/ports.js'
import type { AdminContext } from './operation.js'
import { adminFrame, defineAdminOperation } from './operation.js'

/** CreateCluster's name: 1 to 100 characters (Amazon EKS API Reference, CreateCluster). */
export const clusterName = () =>
  requiredString({
    min: 1,
    max: 100,
    pattern: { regex: /^[0-9A-Za-z][A-Za-z0-9\-_]*$/, text: '^[0-9A-Za-z][A-Za-z0-9\\-_]*' },
  })

const REGION = { regex: /^[a-z]{2}(-[a-z]+)+-\d+$/, text: '[a-z]{2}(-[a-z]+)+-\\d+' }

/** The audience EKS's IAM OIDC providers are registered with (aws eks / eksctl). */
export const STS_AUDIENCE = 'sts.amazonaws.com'

/** A whole manifest may be as large as a kube-apiserver takes a request body (3 MiB). */
const MAX_MANIFEST_CHARACTERS = 3 * 1024 * 1024

export const clusterArn = (region: string, accountId: string, name: string) =>
  `arn:aws:eks:${region}:${accountId}:cluster/${name}`

export const clusterNotFound = (name: string) =>
  new AwsError('ResourceNotFoundException', `No cluster found for name: ${name}.`)

const invalidParameter = (message: string) => new AwsError('InvalidParameterException', message)

const issuerOf = (cluster: ClusterRecord): IssuerRef => ({
  accountId: cluster.accountId,
  name: cluster.issuerName,
})

async function findCluster(context: AdminContext, name: string): Promise<ClusterRecord> {
  const cluster = await context.repo.clusters.get(context.accountId, name)
  if (cluster === undefined) throw clusterNotFound(name)
  return cluster
}

function renderCluster(
  context: AdminContext,
  cluster: ClusterRecord,
  status: 'ACTIVE' | 'DELETING' = 'ACTIVE',
): ResultObject {
  return {
    Name: cluster.name,
    Arn: cluster.arn,
    Id: cluster.id,
    Region: cluster.region,
    CreatedAt: cluster.createdAt,
    Status: status,
    Identity: { Oidc: { Issuer: context.issuers.url(issuerOf(cluster)) } },
    IssuerName: cluster.issuerName,
  }
}

/** Writes objects with the cluster's next resource versions, in order. */
async function writeObjects(
  context: AdminContext,
  cluster: ClusterRecord,
  objects: readonly ClusterObject[],
): Promise<void> {
  if (objects.length === 0) return
  const first = await context.repo.clusters.reserveResourceVersions(
    cluster.accountId,
    cluster.name,
    objects.length,
  )
  for (const [i, object] of objects.entries()) {
    const versioned = withMetadata(object, { resourceVersion: String(first + i) })
    await context.repo.clusters.putObject(cluster.accountId, cluster.name, toRecord(versioned))
  }
}

/** What CreateCluster prepares before its transaction: the id, the issuer's key, the provider. */
interface PreparedCluster {
  id: string
  issuerName: string
  key: IssuerKeyRecord
  /** The IAM OIDC provider to register, already authorised. */
  provider?: { url: string; arn: string }
}

const createCluster = defineAdminOperation({
  name: 'CreateCluster',
  action: 'eks:CreateCluster',
  input: {
    ClusterName: clusterName(),
    Region: optionalString({ min: 1, max: 64, pattern: REGION }),
    RegisterOidcProvider: optionalBoolean(),
  },
  resource: (input, scope) =>
    clusterArn(input.Region ?? scope.region, scope.accountId, input.ClusterName),
  async prepare(input, frame): Promise<PreparedCluster> {
    const { environment, authorize, caller, request } = adminFrame(frame)
    const id = environment.ids.randomBytes(16).toString('hex').toUpperCase()
    const issuer = { accountId: caller.accountId, name: `eks-${id}` }
    const key = await generateIssuerKey(issuer, DEFAULT_ISSUER_ALGORITHM, request.now)
    if (input.RegisterOidcProvider !== true) return { id, issuerName: issuer.name, key }
    // IAM's own checks of the URL (an http URL is refused as IAM refuses it), then IAM's
    // authorisation of the provider the caller is about to create.
    const url = environment.issuers.url(issuer)
    const arn = oidcProviderArn(caller.accountId, oidcProviderUrl(url))
    await authorize('iam:CreateOpenIDConnectProvider', arn)
    return { id, issuerName: issuer.name, key, provider: { url, arn } }
  },
  async run(input, context, prepared) {
    const { repo, accountId, now } = context
    if (await repo.clusters.get(accountId, input.ClusterName)) {
      throw new AwsError(
        'ResourceInUseException',
        `Cluster already exists with name: ${input.ClusterName}`,
      )
    }
    const region = input.Region ?? context.region
    const cluster: ClusterRecord = {
      accountId,
      name: input.ClusterName,
      id: prepared.id,
      arn: clusterArn(region, accountId, input.ClusterName),
      region,
      issuerName: prepared.issuerName,
      createdAt: now,
    }
    await repo.issuers.insert({ accountId, name: prepared.issuerName, createDate: now })
    await repo.issuers.insertKey({ ...prepared.key, createDate: now })
    await repo.clusters.insert(cluster)
    await repo.clusters.setWebhookToken(accountId, cluster.name, generateWebhookToken(context.ids))
    await writeObjects(
      context,
      cluster,
      systemNamespaces(now, () => context.ids.requestId()),
    )
    let providerArn: string | undefined
    if (prepared.provider !== undefined) {
      providerArn = await registerOidcProvider(repo, accountId, now, {
        url: prepared.provider.url,
        clientIds: [STS_AUDIENCE],
        thumbprints: [],
        tags: [],
      })
    }
    return { Cluster: renderCluster(context, cluster), OpenIDConnectProviderArn: providerArn }
  },
})

const deleteCluster = defineAdminOperation({
  name: 'DeleteCluster',
  action: 'eks:DeleteCluster',
  input: { ClusterName: clusterName() },
  resource: (input, scope) => scope.clusterArn(input.ClusterName),
  async run(input, context) {
    const cluster = await findCluster(context, input.ClusterName)
    await context.repo.clusters.delete(cluster.accountId, cluster.name)
    // The issuer goes with it; an IAM OIDC provider registered for its URL stays, as AWS leaves
    // it behind when an EKS cluster is deleted. No other issuer can ever have that URL (it holds
    // the cluster's id), so a role trusting it trusts nothing any more.
    await context.repo.issuers.delete(cluster.accountId, cluster.issuerName)
    return { Cluster: renderCluster(context, cluster, 'DELETING') }
  },
})

const listClusters = defineAdminOperation({
  name: 'ListClusters',
  action: 'eks:ListClusters',
  store: 'read',
  input: {},
  // The Service Authorization Reference names no resource type for eks:ListClusters.
  resource: () => '*',
  async run(_input, context) {
    const clusters = await context.repo.clusters.list(context.accountId)
    return { Clusters: clusters.map((cluster) => cluster.name) }
  },
})

const describeCluster = defineAdminOperation({
  name: 'DescribeCluster',
  action: 'eks:DescribeCluster',
  // Read through the cluster snapshots the rest of the server reads, as they are now.
  store: 'none',
  input: { ClusterName: clusterName() },
  resource: (input, scope) => scope.clusterArn(input.ClusterName),
  async run(input, context) {
    const snapshot = await context.clusters.get(context.accountId, input.ClusterName)
    if (snapshot === undefined) throw clusterNotFound(input.ClusterName)
    return {
      Cluster: {
        ...renderCluster(context, snapshot.cluster),
        ObjectCount: snapshot.objects.length,
      },
    }
  },
})

/** A KIND as kubectl resolves it, or kubectl's answer for a type the server does not have. */
function kindFromInput(word: string): KindInfo {
  const info = kindFromWord(word)
  if (info === undefined) {
    throw invalidParameter(`the server doesn't have a resource type ${goQuote(word)}`)
  }
  return info
}

const getClusterObjects = defineAdminOperation({
  name: 'GetClusterObjects',
  store: 'none',
  input: {
    ClusterName: clusterName(),
    Kind: optionalString({ min: 1, max: 128 }),
    Namespace: optionalString({ min: 1, max: 63 }),
    ObjectName: optionalString({ min: 1, max: 253 }),
  },
  resource: (input, scope) => scope.clusterArn(input.ClusterName),
  async run(input, context) {
    const snapshot = await context.clusters.get(context.accountId, input.ClusterName)
    if (snapshot === undefined) throw clusterNotFound(input.ClusterName)
    const info = input.Kind === undefined ? undefined : kindFromInput(input.Kind)
    if (input.ObjectName !== undefined && info === undefined) {
      throw invalidParameter('an object name needs a Kind')
    }
    const order = new Map(CLUSTER_KINDS.map((kind, i) => [kind.kind, i]))
    const objects = snapshot.objects
      .filter((object) => info === undefined || object.kind === info.kind)
      .filter(
        (object) =>
          input.Namespace === undefined ||
          !kindInfo(object.kind).namespaced ||
          object.metadata.namespace === input.Namespace,
      )
      .filter(
        (object) => input.ObjectName === undefined || object.metadata.name === input.ObjectName,
      )
      .sort((a, b) => (order.get(a.kind) ?? 0) - (order.get(b.kind) ?? 0))
    if (input.ObjectName !== undefined && info !== undefined && objects.length === 0) {
      throw new AwsError(
        'ResourceNotFoundException',
        `${qualifiedResource(info)} ${goQuote(input.ObjectName)} not found`,
      )
    }
    return { Items: JSON.stringify(objects) }
  },
})

const applyClusterObjects = defineAdminOperation({
  name: 'ApplyClusterObjects',
  input: {
    ClusterName: clusterName(),
    Manifest: requiredString({ min: 1, max: MAX_MANIFEST_CHARACTERS }),
    Namespace: optionalString({ min: 1, max: 63 }),
    DryRun: optionalBoolean(),
  },
  resource: (input, scope) => scope.clusterArn(input.ClusterName),
  async run(input, context) {
    const cluster = await findCluster(context, input.ClusterName)
    const current = await context.repo.clusters.listObjects(cluster.accountId, cluster.name)
    const outcome = planApply(input.Manifest, current.map(fromRecord), {
      namespace: input.Namespace,
      now: context.now,
      newUid: () => context.ids.requestId(),
    })
    if (!outcome.ok) throw invalidParameter(refusalMessage(outcome.problems))
    const { plan } = outcome
    if (input.DryRun !== true) await writeObjects(context, cluster, plan.writes)
    const suffix = input.DryRun === true ? ' (server dry run)' : ''
    return {
      Results: plan.results.map((line) => `${line}${suffix}`),
      Warnings: plan.warnings,
    }
  },
})

const deleteClusterObject = defineAdminOperation({
  name: 'DeleteClusterObject',
  input: {
    ClusterName: clusterName(),
    Kind: requiredString({ min: 1, max: 128 }),
    ObjectName: requiredString({ min: 1, max: 253 }),
    Namespace: optionalString({ min: 1, max: 63 }),
  },
  resource: (input, scope) => scope.clusterArn(input.ClusterName),
  async run(input, context) {
    const cluster = await findCluster(context, input.ClusterName)
    const info = kindFromInput(input.Kind)
    const namespace = info.namespaced ? (input.Namespace ?? 'default') : ''
    const { accountId, name } = cluster
    const stored = await context.repo.clusters.getObject(
      accountId,
      name,
      info.kind,
      namespace,
      input.ObjectName,
    )
    if (stored === undefined) {
      throw new AwsError(
        'ResourceNotFoundException',
        `${qualifiedResource(info)} ${goQuote(input.ObjectName)} not found`,
      )
    }
    if (info.kind === 'Namespace') {
      if (IMMORTAL_NAMESPACES.includes(input.ObjectName)) {
        throw new AwsError(
          'InvalidRequestException',
          `namespaces ${goQuote(input.ObjectName)} is forbidden: this namespace may not be deleted`,
        )
      }
      // Deleting a namespace deletes what it holds, as the namespace controller does.
      const inside = await context.repo.clusters.listObjects(accountId, name, {
        namespace: input.ObjectName,
      })
      for (const object of inside) {
        await context.repo.clusters.deleteObject(
          accountId,
          name,
          object.kind,
          object.namespace,
          object.name,
        )
      }
    }
    await context.repo.clusters.deleteObject(
      accountId,
      name,
      info.kind,
      namespace,
      input.ObjectName,
    )
    const kind =
      info.group === '' ? info.kind.toLowerCase() : `${info.kind.toLowerCase()}.${info.group}`
    return { Result: `${kind} ${goQuote(input.ObjectName)} deleted` }
  },
})

/** The cluster's aws-auth ConfigMap, or a new empty one (as eksctl makes it when there is none). */
async function awsAuthOf(context: AdminContext, cluster: ClusterRecord): Promise<ConfigMap> {
  const stored = await context.repo.clusters.getObject(
    cluster.accountId,
    cluster.name,
    'ConfigMap',
    AWS_AUTH_NAMESPACE,
    AWS_AUTH_NAME,
  )
  const object = stored === undefined ? undefined : fromRecord(stored)
  if (object !== undefined && object.kind === 'ConfigMap') return object
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: AWS_AUTH_NAME,
      namespace: AWS_AUTH_NAMESPACE,
      uid: context.ids.requestId(),
      creationTimestamp: kubernetesTimestamp(context.now),
    },
    data: {},
  }
}

/** Writes an edited aws-auth, checked as `cluster apply` checks it. */
async function saveAwsAuth(
  context: AdminContext,
  cluster: ClusterRecord,
  configMap: ConfigMap,
  edit: AwsAuthEdit,
): Promise<ResultObject> {
  const parsed = parseAwsAuth(edit.data)
  if (parsed.errors.length > 0) {
    throw invalidParameter(invalidMessage('ConfigMap', AWS_AUTH_NAME, parsed.errors))
  }
  if (edit.changed) await writeObjects(context, cluster, [{ ...configMap, data: edit.data }])
  return {
    Changed: edit.changed,
    Warnings: [...edit.warnings, ...parsed.warnings],
    MapRoles: edit.data['mapRoles'] ?? '',
    MapUsers: edit.data['mapUsers'] ?? '',
  }
}

const mapClusterIdentity = defineAdminOperation({
  name: 'MapClusterIdentity',
  input: {
    ClusterName: clusterName(),
    Arn: requiredString({ min: 1, max: 2048 }),
    IdentityType: enumValue(['role', 'user'] as const),
    Username: optionalString({ max: 1024 }),
    Groups: stringList({ max: 100, item: { min: 1, max: 1024 } }),
    NoDuplicateArns: optionalBoolean(),
  },
  resource: (input, scope) => scope.clusterArn(input.ClusterName),
  async run(input, context) {
    const cluster = await findCluster(context, input.ClusterName)
    const configMap = await awsAuthOf(context, cluster)
    const edit = addIdentityMapping(
      configMap.data ?? {},
      { arn: input.Arn, username: input.Username ?? '', groups: input.Groups ?? [] },
      { noDuplicateArns: input.NoDuplicateArns === true },
    )
    const type = identityType(input.Arn) ?? 'user'
    if (input.IdentityType !== undefined && input.IdentityType !== type) {
      throw invalidParameter(
        `${input.Arn} is an IAM ${type} ARN; map it with map-${type}, not map-${input.IdentityType}`,
      )
    }
    return saveAwsAuth(context, cluster, configMap, edit)
  },
})

const unmapClusterIdentity = defineAdminOperation({
  name: 'UnmapClusterIdentity',
  input: {
    ClusterName: clusterName(),
    Arn: requiredString({ min: 1, max: 2048 }),
    All: optionalBoolean(),
  },
  resource: (input, scope) => scope.clusterArn(input.ClusterName),
  async run(input, context) {
    const cluster = await findCluster(context, input.ClusterName)
    const configMap = await awsAuthOf(context, cluster)
    const edit = removeIdentityMapping(configMap.data ?? {}, input.Arn, {
      all: input.All === true,
    })
    return saveAwsAuth(context, cluster, configMap, edit)
  },
})

/**
 * The bearer token the cluster's kube-apiserver presents to its webhooks, for its webhook
 * kubeconfig (`rolegate cluster webhook-config`). Its own action, not part of DescribeCluster:
 * whoever holds it can ask the cluster's RBAC about anyone. A cluster made before tokens
 * (migration 0012) has none, and gets one the first time it is asked for.
 */
const getClusterWebhookToken = defineAdminOperation({
  name: 'GetClusterWebhookToken',
  input: { ClusterName: clusterName() },
  resource: (input, scope) => scope.clusterArn(input.ClusterName),
  async run(input, context) {
    const { accountId, name, arn } = await findCluster(context, input.ClusterName)
    let token = await context.repo.clusters.getWebhookToken(accountId, name)
    if (token === undefined) {
      token = generateWebhookToken(context.ids)
      await context.repo.clusters.setWebhookToken(accountId, name, token)
    }
    return { ClusterName: name, Arn: arn, Token: token }
  },
})

/**
 * A new webhook token; the old one is refused from the commit on (a replica from when it notices
 * the write). The new token is not in the answer: it takes rolegate:GetClusterWebhookToken.
 */
const rotateClusterWebhookToken = defineAdminOperation({
  name: 'RotateClusterWebhookToken',
  input: { ClusterName: clusterName() },
  resource: (input, scope) => scope.clusterArn(input.ClusterName),
  async run(input, context) {
    const { accountId, name, arn } = await findCluster(context, input.ClusterName)
    await context.repo.clusters.setWebhookToken(accountId, name, generateWebhookToken(context.ids))
    return { ClusterName: name, Arn: arn }
  },
})

export const clusterOperations = [
  createCluster,
  deleteCluster,
  listClusters,
  describeCluster,
  getClusterObjects,
  applyClusterObjects,
  deleteClusterObject,
  mapClusterIdentity,
  unmapClusterIdentity,
  getClusterWebhookToken,
  rotateClusterWebhookToken,
]
