// CreateServiceAccountToken (`rolegate cluster token`), socket-free over the real composition: the
// token a pod's projected aws-iam-token volume would hold, verified with jose against the JWKS the
// cluster's issuer serves. Its claims are those of a Kubernetes projected service-account token
// (kubernetes.io docs, "Managing Service Accounts", the JWT payload example: `aud` a list, `sub`
// system:serviceaccount:NS:NAME, `kubernetes.io` with namespace, serviceaccount {name, uid} and
// pod {name, uid} when bound to one), with the stored ServiceAccount's uid. Refusals: AWS-style
// validation of the lifetime (600 to 86400 s, the kube-apiserver's minimum and EKS's maximum), a
// service account or cluster that does not exist, and a caller IAM does not allow.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createLocalJWKSet, jwtVerify } from 'jose'
import type { JSONWebKeySet, JWTPayload } from 'jose'
import { queryRequest } from '../support/signed-request.js'
import { ACCOUNT, PUBLIC_URL, assertError, field, harness, userWithKey } from './support.js'
import type { Harness } from './support.js'

const MANIFEST = `
apiVersion: v1
kind: Namespace
metadata:
  name: demo-namespace
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: app
  namespace: demo-namespace
  annotations:
    eks.amazonaws.com/role-arn: arn:aws:iam::${ACCOUNT}:role/s3-reader
    eks.amazonaws.com/audience: vault.example.com
    eks.amazonaws.com/token-expiration: "3600"
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: plain
  namespace: demo-namespace
`

describe('CreateServiceAccountToken', () => {
  let h: Harness
  let issuerUrl: string
  let jwks: ReturnType<typeof createLocalJWKSet>
  let uids: Map<string, string>

  const verify = async (token: string, audience: string): Promise<JWTPayload> =>
    (
      await jwtVerify(token, jwks, {
        issuer: issuerUrl,
        audience,
        algorithms: ['RS256'],
        currentDate: h.clock.now(),
      })
    ).payload

  before(async () => {
    h = await harness()
    const created = await h.ok('CreateCluster', { ClusterName: 'prod', Region: 'eu-west-1' })
    issuerUrl = field(field(field(created['Cluster'], 'Identity'), 'Oidc'), 'Issuer') as string
    await h.ok('ApplyClusterObjects', { ClusterName: 'prod', Manifest: MANIFEST })
    const keys = await h.app.handle({
      ...queryRequest({}, { method: 'GET' }),
      path: `${issuerUrl.slice(PUBLIC_URL.length)}/keys`,
      query: '',
    })
    assert.equal(keys.status, 200)
    jwks = createLocalJWKSet(JSON.parse(keys.body) as JSONWebKeySet)
    const objects = JSON.parse(
      (await h.ok('GetClusterObjects', { ClusterName: 'prod', Kind: 'serviceaccount' }))[
        'Items'
      ] as string,
    ) as Array<{ metadata: { name: string; uid: string } }>
    uids = new Map(objects.map((object) => [object.metadata.name, object.metadata.uid]))
  })
  after(() => h.close())

  test("the service account's audience and lifetime, its stored uid, signed by the cluster's issuer", async () => {
    const result = await h.ok('CreateServiceAccountToken', {
      ClusterName: 'prod',
      Namespace: 'demo-namespace',
      ServiceAccountName: 'app',
    })
    const claims = await verify(result['Token'] as string, 'vault.example.com')
    assert.equal(claims.iss, issuerUrl)
    assert.equal(claims.sub, 'system:serviceaccount:demo-namespace:app')
    assert.deepEqual(claims.aud, ['vault.example.com'])
    assert.equal((claims.exp ?? 0) - (claims.iat ?? 0), 3600)
    assert.equal(claims.iat, Math.floor(h.clock.now().getTime() / 1000))
    assert.deepEqual(claims['kubernetes.io'], {
      namespace: 'demo-namespace',
      serviceaccount: { name: 'app', uid: uids.get('app') },
    })
    assert.match(uids.get('app') ?? '', /.+/)
    assert.equal(result['IssuerUrl'], issuerUrl)
    assert.equal(result['Subject'], 'system:serviceaccount:demo-namespace:app')
  })

  test('defaults sts.amazonaws.com and 86400 s; audiences, lifetime and pod as asked', async () => {
    const plain = await h.ok('CreateServiceAccountToken', {
      ClusterName: 'prod',
      Namespace: 'demo-namespace',
      ServiceAccountName: 'plain',
    })
    const claims = await verify(plain['Token'] as string, 'sts.amazonaws.com')
    assert.deepEqual(claims.aud, ['sts.amazonaws.com'])
    assert.equal((claims.exp ?? 0) - (claims.iat ?? 0), 86400)

    const asked = await h.ok('CreateServiceAccountToken', {
      ClusterName: 'prod',
      Namespace: 'demo-namespace',
      ServiceAccountName: 'app',
      'Audiences.member.1': 'sts.amazonaws.com',
      'Audiences.member.2': 'other.example.com',
      TtlSeconds: '600',
      PodName: 'web-0',
    })
    const bound = await verify(asked['Token'] as string, 'other.example.com')
    assert.deepEqual(bound.aud, ['sts.amazonaws.com', 'other.example.com'])
    assert.equal((bound.exp ?? 0) - (bound.iat ?? 0), 600)
    const kubernetes = bound['kubernetes.io'] as {
      pod: { name: string; uid: string }
      serviceaccount: { uid: string }
    }
    assert.equal(kubernetes.pod.name, 'web-0')
    assert.match(
      kubernetes.pod.uid,
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    )
    assert.equal(kubernetes.serviceaccount.uid, uids.get('app'))
  })

  test('refusals: lifetimes out of range, names Kubernetes would refuse, what does not exist', async () => {
    const call = (params: Record<string, string>) =>
      h.call('CreateServiceAccountToken', {
        ClusterName: 'prod',
        Namespace: 'demo-namespace',
        ServiceAccountName: 'app',
        ...params,
      })
    assertError(
      await call({ TtlSeconds: '599' }),
      400,
      'ValidationError',
      "1 validation error detected: Value at 'ttlSeconds' failed to satisfy constraint: Member must have value greater than or equal to 600",
    )
    assertError(
      await call({ TtlSeconds: '86401' }),
      400,
      'ValidationError',
      "1 validation error detected: Value at 'ttlSeconds' failed to satisfy constraint: Member must have value less than or equal to 86400",
    )
    assertError(
      await call({ Namespace: 'Demo' }),
      400,
      'ValidationError',
      /Value at 'namespace' failed to satisfy constraint: Member must satisfy regular expression pattern/,
    )
    assertError(
      await call({ ServiceAccountName: 'ghost' }),
      404,
      'ResourceNotFoundException',
      'serviceaccounts "ghost" not found in namespace "demo-namespace" of cluster prod',
    )
    assertError(
      await call({ Namespace: 'default' }),
      404,
      'ResourceNotFoundException',
      'serviceaccounts "app" not found in namespace "default" of cluster prod',
    )
    assertError(
      await call({ ClusterName: 'nope' }),
      404,
      'ResourceNotFoundException',
      'No cluster found for name: nope.',
    )
  })

  test('IAM authorises rolegate:CreateServiceAccountToken on the cluster ARN', async () => {
    const arn = `arn:aws:eks:eu-west-1:${ACCOUNT}:cluster/prod`
    const viewer = await userWithKey(h, 'token-viewer', {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'eks:DescribeCluster', Resource: arn }],
    })
    assertError(
      await h.call(
        'CreateServiceAccountToken',
        { ClusterName: 'prod', Namespace: 'demo-namespace', ServiceAccountName: 'app' },
        { key: viewer },
      ),
      403,
      'AccessDenied',
      `User: arn:aws:iam::${ACCOUNT}:user/token-viewer is not authorized to perform: rolegate:CreateServiceAccountToken on resource: ${arn} because no identity-based policy allows the rolegate:CreateServiceAccountToken action`,
    )
    const minter = await userWithKey(h, 'token-minter', {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'rolegate:CreateServiceAccountToken', Resource: arn }],
    })
    await h.ok(
      'CreateServiceAccountToken',
      { ClusterName: 'prod', Namespace: 'demo-namespace', ServiceAccountName: 'app' },
      { key: minter },
    )
  })
})
