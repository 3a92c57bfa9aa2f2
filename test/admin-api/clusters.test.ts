// Clusters through the admin API, socket-free over the real composition: what CreateCluster makes
// (EKS's id and ARN, a service-account issuer serving its JWKS, the system namespaces, the IAM OIDC
// provider through IAM's own code), EKS's error codes and messages (ResourceInUseException
// "Cluster already exists with name: NAME", ResourceNotFoundException "No cluster found for name:
// NAME."), IAM authorisation of each action on the cluster ARN, and nothing written when a call is
// refused; the webhook token each cluster's kube-apiserver presents, fetched, rotated, and made on
// first fetch for a cluster from before tokens.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import Database from 'better-sqlite3'
import { queryRequest } from '../support/signed-request.js'
import { ACCOUNT, PUBLIC_URL, assertError, field, harness, list, userWithKey } from './support.js'
import type { Harness } from './support.js'

/** Every row a cluster call could write, counted, to show a refused call wrote none of them. */
const footprint = (h: Harness) =>
  h.store.read(async (repo) => {
    const clusters = await repo.clusters.list(ACCOUNT)
    let objects = 0
    for (const cluster of clusters) {
      objects += (await repo.clusters.listObjects(ACCOUNT, cluster.name)).length
    }
    return {
      clusters: clusters.map((cluster) => cluster.name),
      objects,
      issuers: (await repo.issuers.list(ACCOUNT)).length,
      providers: (await repo.oidcProviders.list(ACCOUNT)).length,
    }
  })

const allow = (actions: string[], resource = '*') => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: actions, Resource: resource }],
})

describe('clusters through the admin API', () => {
  let h: Harness
  before(async () => (h = await harness()))
  after(() => h.close())

  test('CreateCluster: an EKS-style id and ARN, its own issuer with a JWKS, the system namespaces', async () => {
    const result = await h.ok('CreateCluster', { ClusterName: 'prod', Region: 'eu-west-1' })
    const cluster = result['Cluster']
    const id = field(cluster, 'Id') as string
    // EKS cluster ids are 32 upper-case hex digits (the tail of oidc.eks.REGION.amazonaws.com/id/ID).
    assert.match(id, /^[0-9A-F]{32}$/)
    assert.equal(field(cluster, 'Arn'), `arn:aws:eks:eu-west-1:${ACCOUNT}:cluster/prod`)
    assert.equal(field(cluster, 'Status'), 'ACTIVE')
    const issuer = field(field(field(cluster, 'Identity'), 'Oidc'), 'Issuer')
    assert.equal(issuer, `${PUBLIC_URL}/issuers/${ACCOUNT}/eks-${id}`)
    assert.equal(result['OpenIDConnectProviderArn'], undefined)

    const jwks = await h.app.handle({
      ...queryRequest({}, { method: 'GET' }),
      path: `/issuers/${ACCOUNT}/eks-${id}/keys`,
      query: '',
    })
    assert.equal(jwks.status, 200)
    assert.equal((JSON.parse(jwks.body) as { keys: { alg: string }[] }).keys[0]?.alg, 'RS256')

    const objects = JSON.parse(
      (await h.ok('GetClusterObjects', { ClusterName: 'prod', Kind: 'ns' }))['Items'] as string,
    ) as { metadata: { name: string; resourceVersion: string } }[]
    assert.deepEqual(
      objects.map((object) => object.metadata.name),
      ['default', 'kube-node-lease', 'kube-public', 'kube-system'],
    )
    assert.deepEqual(
      objects.map((object) => object.metadata.resourceVersion),
      ['1', '2', '3', '4'],
    )
    assert.deepEqual(list((await h.ok('ListClusters'))['Clusters']), ['prod'])
  })

  test('the same name again is ResourceInUseException and writes nothing', async () => {
    const before = await footprint(h)
    assertError(
      await h.call('CreateCluster', { ClusterName: 'prod' }),
      409,
      'ResourceInUseException',
      'Cluster already exists with name: prod',
    )
    assert.deepEqual(await footprint(h), before)
  })

  test("a name outside EKS's pattern is a ValidationError", async () => {
    assertError(
      await h.call('CreateCluster', { ClusterName: 'my cluster' }),
      400,
      'ValidationError',
      "1 validation error detected: Value at 'clusterName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[0-9A-Za-z][A-Za-z0-9\\-_]*",
    )
  })

  test('a cluster that does not exist is ResourceNotFoundException', async () => {
    for (const action of ['DescribeCluster', 'DeleteCluster', 'GetClusterObjects']) {
      assertError(
        await h.call(action, { ClusterName: 'nope' }),
        404,
        'ResourceNotFoundException',
        'No cluster found for name: nope.',
      )
    }
  })

  test('the IAM OIDC provider is registered with audience sts.amazonaws.com, as IAM makes one', async () => {
    const result = await h.ok('CreateCluster', {
      ClusterName: 'with-oidc',
      RegisterOidcProvider: 'true',
    })
    const issuer = field(field(field(result['Cluster'], 'Identity'), 'Oidc'), 'Issuer') as string
    const arn = result['OpenIDConnectProviderArn'] as string
    assert.equal(arn, `arn:aws:iam::${ACCOUNT}:oidc-provider/${issuer.replace('https://', '')}`)
    const provider = await h.ok(
      'GetOpenIDConnectProvider',
      { OpenIDConnectProviderArn: arn },
      { service: 'iam' },
    )
    assert.equal(provider['Url'], issuer.replace('https://', ''))
    assert.deepEqual(list(provider['ClientIDList']), ['sts.amazonaws.com'])
  })

  test('DeleteCluster removes its objects and its issuer and leaves the OIDC provider, as AWS does', async () => {
    const created = await h.ok('CreateCluster', {
      ClusterName: 'short-lived',
      RegisterOidcProvider: 'true',
    })
    const id = field(created['Cluster'], 'Id') as string
    const provider = created['OpenIDConnectProviderArn'] as string
    // A cluster's issuer cannot be deleted on its own.
    assertError(
      await h.call('DeleteIssuer', { IssuerName: `eks-${id}`, Force: 'true' }),
      409,
      'DeleteConflict',
      `Cannot delete issuer eks-${id}: cluster short-lived signs its service-account tokens with it. Delete the cluster instead.`,
    )
    const deleted = await h.ok('DeleteCluster', { ClusterName: 'short-lived' })
    assert.equal(field(deleted['Cluster'], 'Status'), 'DELETING')
    assert.equal(
      await h.store
        .read((repo) => repo.clusters.listObjects(ACCOUNT, 'short-lived'))
        .then((o) => o.length),
      0,
    )
    assert.equal(await h.store.read((repo) => repo.issuers.get(ACCOUNT, `eks-${id}`)), undefined)
    await h.ok(
      'GetOpenIDConnectProvider',
      { OpenIDConnectProviderArn: provider },
      { service: 'iam' },
    )
    assertError(
      await h.call('DescribeCluster', { ClusterName: 'short-lived' }),
      404,
      'ResourceNotFoundException',
      'No cluster found for name: short-lived.',
    )
  })

  test('apply refused: InvalidParameterException naming the document, and nothing written', async () => {
    const before = await footprint(h)
    const answer = await h.call('ApplyClusterObjects', {
      ClusterName: 'prod',
      Manifest:
        'apiVersion: v1\nkind: Namespace\nmetadata: {name: fine}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: Not_OK}\n',
    })
    assertError(
      answer,
      400,
      'InvalidParameterException',
      /^document 2 \(line 5\): Namespace "Not_OK" is invalid: metadata\.name: Invalid value: "Not_OK": a lowercase RFC 1123 label .*; nothing was applied$/,
    )
    assert.deepEqual(await footprint(h), before)
  })

  test('apply, dry run, delete: resource versions move on; immortal namespaces stay', async () => {
    const manifest =
      'apiVersion: v1\nkind: Namespace\nmetadata: {name: team}\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: sa, namespace: team}\n'
    const dry = await h.ok('ApplyClusterObjects', {
      ClusterName: 'prod',
      Manifest: manifest,
      DryRun: 'true',
    })
    assert.deepEqual(list(dry['Results']), [
      'namespace/team created (server dry run)',
      'serviceaccount/sa created (server dry run)',
    ])
    const before = await footprint(h)
    const applied = await h.ok('ApplyClusterObjects', { ClusterName: 'prod', Manifest: manifest })
    assert.deepEqual(list(applied['Results']), [
      'namespace/team created',
      'serviceaccount/sa created',
    ])
    assert.equal((await footprint(h)).objects, before.objects + 2)
    const account = JSON.parse(
      (
        await h.ok('GetClusterObjects', {
          ClusterName: 'prod',
          Kind: 'sa',
          Namespace: 'team',
          ObjectName: 'sa',
        })
      )['Items'] as string,
    ) as { metadata: { resourceVersion: string } }[]
    assert.equal(account[0]?.metadata.resourceVersion, '6')

    const removed = await h.ok('DeleteClusterObject', {
      ClusterName: 'prod',
      Kind: 'namespace',
      ObjectName: 'team',
    })
    assert.equal(removed['Result'], 'namespace "team" deleted')
    assert.equal((await footprint(h)).objects, before.objects, 'the service account went with it')
    assertError(
      await h.call('DeleteClusterObject', {
        ClusterName: 'prod',
        Kind: 'sa',
        ObjectName: 'sa',
        Namespace: 'team',
      }),
      404,
      'ResourceNotFoundException',
      'serviceaccounts "sa" not found',
    )
    assertError(
      await h.call('DeleteClusterObject', {
        ClusterName: 'prod',
        Kind: 'ns',
        ObjectName: 'kube-system',
      }),
      400,
      'InvalidRequestException',
      'namespaces "kube-system" is forbidden: this namespace may not be deleted',
    )
    assertError(
      await h.call('GetClusterObjects', { ClusterName: 'prod', Kind: 'pods' }),
      400,
      'InvalidParameterException',
      `the server doesn't have a resource type "pods"`,
    )
  })

  test('map-role and unmap as eksctl, refusing a user ARN for map-role', async () => {
    const role = `arn:aws:iam::${ACCOUNT}:role/OktaProdAdminRole`
    const mapped = await h.ok('MapClusterIdentity', {
      ClusterName: 'prod',
      Arn: role,
      IdentityType: 'role',
      Username: 'production-admin-user',
      'Groups.member.1': 'prod-admin-group',
    })
    assert.equal(mapped['Changed'], 'true')
    const before = await footprint(h)
    assertError(
      await h.call('MapClusterIdentity', {
        ClusterName: 'prod',
        Arn: `arn:aws:iam::${ACCOUNT}:user/alice`,
        IdentityType: 'role',
        Username: 'alice',
      }),
      400,
      'InvalidParameterException',
      `arn:aws:iam::${ACCOUNT}:user/alice is an IAM user ARN; map it with map-user, not map-role`,
    )
    assertError(
      await h.call('MapClusterIdentity', {
        ClusterName: 'prod',
        Arn: role,
        Username: 'x',
        NoDuplicateArns: 'true',
      }),
      400,
      'InvalidParameterException',
      `found existing mapping with the same arn "${role}" and shadowing is disabled`,
    )
    assert.deepEqual(await footprint(h), before)
    await h.ok('UnmapClusterIdentity', { ClusterName: 'prod', Arn: role })
    assertError(
      await h.call('UnmapClusterIdentity', { ClusterName: 'prod', Arn: role }),
      404,
      'ResourceNotFoundException',
      `instance identity ARN "${role}" not found in auth ConfigMap`,
    )
  })

  test('IAM decides: eks: actions for what EKS has, rolegate: actions for the rest, on the cluster ARN', async () => {
    const arn = `arn:aws:eks:eu-west-1:${ACCOUNT}:cluster/prod`
    const viewer = await userWithKey(
      h,
      'viewer',
      allow(['eks:DescribeCluster', 'eks:ListClusters'], arn),
    )
    await h.ok('DescribeCluster', { ClusterName: 'prod' }, { key: viewer })
    const before = await footprint(h)
    const refusals: [string, Record<string, string>, string, string][] = [
      ['ListClusters', {}, 'eks:ListClusters', '*'],
      [
        'CreateCluster',
        { ClusterName: 'other', Region: 'eu-west-1' },
        'eks:CreateCluster',
        `arn:aws:eks:eu-west-1:${ACCOUNT}:cluster/other`,
      ],
      ['DeleteCluster', { ClusterName: 'prod' }, 'eks:DeleteCluster', arn],
      ['GetClusterObjects', { ClusterName: 'prod' }, 'rolegate:GetClusterObjects', arn],
      [
        'ApplyClusterObjects',
        { ClusterName: 'prod', Manifest: 'kind: x' },
        'rolegate:ApplyClusterObjects',
        arn,
      ],
      [
        'DeleteClusterObject',
        { ClusterName: 'prod', Kind: 'ns', ObjectName: 'x' },
        'rolegate:DeleteClusterObject',
        arn,
      ],
      ['MapClusterIdentity', { ClusterName: 'prod', Arn: 'x' }, 'rolegate:MapClusterIdentity', arn],
      [
        'UnmapClusterIdentity',
        { ClusterName: 'prod', Arn: 'x' },
        'rolegate:UnmapClusterIdentity',
        arn,
      ],
      ['GetClusterWebhookToken', { ClusterName: 'prod' }, 'rolegate:GetClusterWebhookToken', arn],
      [
        'RotateClusterWebhookToken',
        { ClusterName: 'prod' },
        'rolegate:RotateClusterWebhookToken',
        arn,
      ],
    ]
    for (const [action, params, iamAction, resource] of refusals) {
      const answer = await h.call(action, params, { key: viewer })
      assertError(
        answer,
        403,
        'AccessDenied',
        `User: arn:aws:iam::${ACCOUNT}:user/viewer is not authorized to perform: ${iamAction} on resource: ${resource} because no identity-based policy allows the ${iamAction} action`,
      )
    }
    assert.deepEqual(await footprint(h), before)
  })

  test('--register-oidc-provider also needs iam:CreateOpenIDConnectProvider, and writes nothing without it', async () => {
    const creator = await userWithKey(h, 'creator', allow(['eks:CreateCluster']))
    const before = await footprint(h)
    const answer = await h.call(
      'CreateCluster',
      { ClusterName: 'needs-iam', RegisterOidcProvider: 'true' },
      { key: creator },
    )
    assertError(
      answer,
      403,
      'AccessDenied',
      new RegExp(
        `^User: arn:aws:iam::${ACCOUNT}:user/creator is not authorized to perform: iam:CreateOpenIDConnectProvider on resource: arn:aws:iam::${ACCOUNT}:oidc-provider/rolegate\\.test/issuers/${ACCOUNT}/eks-[0-9A-F]{32} because no identity-based policy allows`,
      ),
    )
    assert.deepEqual(await footprint(h), before)
    await h.ok('CreateCluster', { ClusterName: 'needs-iam' }, { key: creator })
  })
})

describe("a cluster's webhook token through the admin API", () => {
  let h: Harness
  let dir: string
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rolegate-webhook-token-'))
    h = await harness(undefined, join(dir, 'rolegate.db'))
  })
  after(async () => {
    await h.close()
    rmSync(dir, { recursive: true, force: true })
  })

  const token = async (name: string) =>
    (await h.ok('GetClusterWebhookToken', { ClusterName: name }))['Token'] as string

  /** A SubjectAccessReview as the cluster's kube-apiserver sends it, with `bearer`. */
  const review = (name: string, bearer: string) =>
    h.app.handle({
      method: 'POST',
      path: `/clusters/${name}/authorize`,
      query: '',
      headers: [
        ['content-type', 'application/json'],
        ['authorization', `Bearer ${bearer}`],
      ],
      body: Buffer.from(
        '{"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview","spec":{"user":"u","resourceAttributes":{"verb":"get"}}}',
      ),
      sourceIp: '127.0.0.1',
      secure: true,
    })

  test('CreateCluster makes one; Get answers it, the same each time; DescribeCluster does not', async () => {
    const described = await h.ok('CreateCluster', { ClusterName: 'hooks' })
    const first = await token('hooks')
    assert.match(first, /^[A-Za-z0-9_-]{43}$/)
    assert.equal(await token('hooks'), first)
    const answer = await h.call('GetClusterWebhookToken', { ClusterName: 'hooks' })
    assert.equal(answer.result['ClusterName'], 'hooks')
    assert.equal(answer.result['Arn'], `arn:aws:eks:us-east-1:${ACCOUNT}:cluster/hooks`)
    for (const response of [
      JSON.stringify(described),
      (await h.call('DescribeCluster', { ClusterName: 'hooks' })).response.body,
    ]) {
      assert.equal(response.includes(first), false)
    }
    assert.equal((await review('hooks', first)).status, 200)
    assertError(
      await h.call('GetClusterWebhookToken', { ClusterName: 'nope' }),
      404,
      'ResourceNotFoundException',
      'No cluster found for name: nope.',
    )
  })

  test('RotateClusterWebhookToken: a new one, not in its answer; the old one is refused', async () => {
    const old = await token('hooks')
    const rotated = await h.call('RotateClusterWebhookToken', { ClusterName: 'hooks' })
    assert.equal(rotated.status, 200)
    assert.deepEqual(Object.keys(rotated.result).sort(), ['Arn', 'ClusterName'])
    const fresh = await token('hooks')
    assert.notEqual(fresh, old)
    assert.equal(rotated.response.body.includes(fresh), false)
    assert.equal((await review('hooks', old)).status, 401)
    assert.equal((await review('hooks', fresh)).status, 200)
  })

  test('a cluster made before tokens refuses every caller until its token is first fetched', async () => {
    await h.ok('CreateCluster', { ClusterName: 'legacy' })
    const before = await token('legacy')
    // As migration 0012 leaves a cluster that existed before it.
    const raw = new Database(join(dir, 'rolegate.db'))
    raw.prepare("update clusters set webhook_token = null where name = 'legacy'").run()
    raw.close()
    assert.equal((await review('legacy', before)).status, 401)
    assert.equal((await review('legacy', '')).status, 401)
    const made = await token('legacy')
    assert.notEqual(made, before)
    assert.equal(await token('legacy'), made)
    assert.equal((await review('legacy', made)).status, 200)
  })
})
