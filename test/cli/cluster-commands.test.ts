// `rolegate cluster` end to end against a running server over a socket: create with the IAM OIDC
// provider (a service-account token from the cluster's issuer then assumes a role through the
// AWS SDK's STS client), apply from a file and from standard input (a real child process), get as
// kubectl prints it and applied back unchanged, eksctl-style mappings, delete-resource, delete;
// and bad YAML, an unknown kind, a roleRef change and a bad name, each a clear error with the
// stored objects unchanged.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { CreateRoleCommand } from '@aws-sdk/client-iam'
import { AssumeRoleWithWebIdentityCommand, STSClient } from '@aws-sdk/client-sts'
import { parse } from 'yaml'
import type { RunningRolegate } from '../../src/main.js'
import { iamSdk } from '../support/iam-sdk.js'
import { runInstalledRolegate, runRolegate } from '../support/rolegate-cli.js'
import { TEST_ADMIN_KEY, startTestServer } from '../support/server.js'
import type { TestServer } from '../support/server.js'

// IAM wants https provider URLs; `.invalid` resolves nowhere, so nothing is ever fetched.
const PUBLIC_URL = 'https://rolegate.invalid'
const ACCOUNT = '123456789012'

const MANIFEST = `# The source scenario: a namespace, an admin role in it bound to a group, a service account
# for IRSA, and aws-auth mapping an Okta role (with a path) to that group.
apiVersion: v1
kind: Namespace
metadata:
  name: production
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: production-admin
  namespace: production
rules:
- apiGroups: ["", apps]
  resources: ["*"]
  verbs: ["*"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: production-admins
  namespace: production
subjects:
- kind: Group
  name: prod-admin-group
roleRef:
  kind: Role
  name: production-admin
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: api
  namespace: production
  annotations:
    eks.amazonaws.com/role-arn: arn:aws:iam::${ACCOUNT}:role/payments-api
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: aws-auth
  namespace: kube-system
data:
  mapRoles: |
    - rolearn: arn:aws:iam::${ACCOUNT}:role/okta/OktaProdAdminRole
      username: production-admin-user
      groups:
        - prod-admin-group
  mapAccounts: |
    - "${ACCOUNT}"
`

describe('rolegate cluster against a running server', () => {
  let dir: string
  let server: TestServer
  let running: RunningRolegate
  let env: NodeJS.ProcessEnv
  let clusterId: string

  const rolegate = (args: string[], stdin?: string) => runRolegate(args, env, stdin)
  const ok = async (args: string[], stdin?: string) => {
    const run = await rolegate(args, stdin)
    assert.equal(run.code, 0, run.err)
    return run
  }
  /** What the server's store holds for the cluster, read directly. */
  const stored = () =>
    running.store.read(async (repo) => repo.clusters.listObjects(ACCOUNT, 'prod'))
  const file = (name: string, text: string) => {
    const path = join(dir, name)
    writeFileSync(path, text)
    return path
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rolegate-cluster-cli-'))
    server = await startTestServer({ accountId: ACCOUNT, publicUrl: PUBLIC_URL })
    running = server.running
    env = {
      HOME: dir,
      AWS_ACCESS_KEY_ID: TEST_ADMIN_KEY.accessKeyId,
      AWS_SECRET_ACCESS_KEY: TEST_ADMIN_KEY.secretAccessKey,
      AWS_ENDPOINT_URL: running.url,
      AWS_REGION: 'eu-west-1',
    }
  })
  after(async () => {
    await server.cleanup()
    rmSync(dir, { recursive: true, force: true })
  })

  test('create --register-oidc-provider: a service-account token of its issuer assumes a role', async () => {
    const created = JSON.parse(
      (await ok(['cluster', 'create', 'prod', '--register-oidc-provider'])).out,
    ) as {
      Cluster: { Id: string; Arn: string; Identity: { Oidc: { Issuer: string } } }
      OpenIDConnectProviderArn: string
    }
    clusterId = created.Cluster.Id
    assert.match(clusterId, /^[0-9A-F]{32}$/)
    // The signing region names the cluster, as eksctl --region does.
    assert.equal(created.Cluster.Arn, `arn:aws:eks:eu-west-1:${ACCOUNT}:cluster/prod`)
    const issuerHost = `rolegate.invalid/issuers/${ACCOUNT}/eks-${clusterId}`
    assert.equal(created.Cluster.Identity.Oidc.Issuer, `https://${issuerHost}`)
    assert.equal(
      created.OpenIDConnectProviderArn,
      `arn:aws:iam::${ACCOUNT}:oidc-provider/${issuerHost}`,
    )

    // IRSA as EKS documents it: a role trusting the provider for one service account.
    await iamSdk(running.url, TEST_ADMIN_KEY).send(
      new CreateRoleCommand({
        RoleName: 'payments-api',
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Federated: created.OpenIDConnectProviderArn },
              Action: 'sts:AssumeRoleWithWebIdentity',
              Condition: {
                StringEquals: {
                  [`${issuerHost}:aud`]: 'sts.amazonaws.com',
                  [`${issuerHost}:sub`]: 'system:serviceaccount:production:api',
                },
              },
            },
          ],
        }),
      }),
    )
    const token = (
      await ok([
        'token',
        '--issuer',
        `eks-${clusterId}`,
        '--sub',
        'system:serviceaccount:production:api',
        '--aud',
        'sts.amazonaws.com',
      ])
    ).out.trim()
    const sts = new STSClient({
      endpoint: running.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'unused', secretAccessKey: 'unused' },
      maxAttempts: 1,
    })
    const assumed = await sts.send(
      new AssumeRoleWithWebIdentityCommand({
        RoleArn: `arn:aws:iam::${ACCOUNT}:role/payments-api`,
        RoleSessionName: 'pod',
        WebIdentityToken: token,
      }),
    )
    assert.equal(
      assumed.AssumedRoleUser?.Arn,
      `arn:aws:sts::${ACCOUNT}:assumed-role/payments-api/pod`,
    )

    const listed = JSON.parse((await ok(['cluster', 'list'])).out) as { Clusters: string[] }
    assert.deepEqual(listed.Clusters, ['prod'])
  })

  test('apply -f FILE prints what kubectl apply prints, and warns of the stripped role path', async () => {
    const run = await ok(['cluster', 'apply', 'prod', '-f', file('app.yaml', MANIFEST)])
    assert.equal(
      run.out,
      [
        'namespace/production created',
        'role.rbac.authorization.k8s.io/production-admin created',
        'rolebinding.rbac.authorization.k8s.io/production-admins created',
        'serviceaccount/api created',
        'configmap/aws-auth created',
        '',
      ].join('\n'),
    )
    assert.equal(
      run.err,
      `Warning: kube-system/aws-auth: data[mapRoles][0].rolearn arn:aws:iam::${ACCOUNT}:role/okta/OktaProdAdminRole has a path; it is matched as arn:aws:iam::${ACCOUNT}:role/OktaProdAdminRole, since the ARN of a role's session names no path (EKS asks for the path to be removed)\n`,
    )
    const again = await ok(['cluster', 'apply', 'prod', '-f', join(dir, 'app.yaml')])
    assert.ok(
      again.out
        .split('\n')
        .filter(Boolean)
        .every((line) => line.endsWith(' unchanged')),
    )
  })

  test('apply -f - reads standard input (a real process)', async () => {
    const node = `apiVersion: v1
kind: Node
metadata:
  name: ip-192-168-1-10.eu-west-1.compute.internal
spec:
  providerID: aws:///eu-west-1a/i-0123456789abcdef0
status:
  addresses:
  - type: InternalDNS
    address: ip-192-168-1-10.eu-west-1.compute.internal
`
    const result = await runInstalledRolegate(['cluster', 'apply', 'prod', '-f', '-'], env, node)
    assert.equal(result.code, 0, result.stderr)
    assert.equal(result.stdout, 'node/ip-192-168-1-10.eu-west-1.compute.internal created\n')
  })

  test('get -o yaml prints a List kubectl would apply; applied back, everything is unchanged', async () => {
    const yaml = (await ok(['cluster', 'get', 'prod', '-o', 'yaml'])).out
    const list = parse(yaml, { version: '1.1' }) as {
      apiVersion: string
      kind: string
      items: { kind: string; metadata: { name: string; uid: string; resourceVersion: string } }[]
    }
    assert.equal(list.apiVersion, 'v1')
    assert.equal(list.kind, 'List')
    assert.deepEqual(
      list.items.map((item) => `${item.kind}/${item.metadata.name}`),
      [
        'Namespace/default',
        'Namespace/kube-node-lease',
        'Namespace/kube-public',
        'Namespace/kube-system',
        'Namespace/production',
        'Node/ip-192-168-1-10.eu-west-1.compute.internal',
        'ServiceAccount/api',
        'ConfigMap/aws-auth',
        'Role/production-admin',
        'RoleBinding/production-admins',
      ],
    )
    assert.ok(list.items.every((item) => /^\d+$/.test(item.metadata.resourceVersion)))
    const before = await stored()
    const back = await ok(['cluster', 'apply', 'prod', '-f', '-'], yaml)
    assert.equal(back.out.split('\n').filter(Boolean).length, 10)
    assert.ok(
      back.out
        .split('\n')
        .filter(Boolean)
        .every((line) => line.endsWith(' unchanged')),
      back.out,
    )
    assert.deepEqual(await stored(), before)

    // One object alone is printed as itself; -o json as kubectl's 4-space JSON.
    const role = (
      await ok([
        'cluster',
        'get',
        'prod',
        'role',
        'production-admin',
        '-n',
        'production',
        '-o',
        'json',
      ])
    ).out
    const object = JSON.parse(role) as { kind: string; rules: unknown[] }
    assert.equal(object.kind, 'Role')
    assert.deepEqual(object.rules, [{ verbs: ['*'], apiGroups: ['', 'apps'], resources: ['*'] }])
    assert.match(role, /^\{\n {4}"apiVersion"/)
    const missing = await rolegate(['cluster', 'get', 'prod', 'clusterrole', 'nope'])
    assert.equal(missing.code, 1)
    assert.equal(
      missing.err,
      'An error occurred (ResourceNotFoundException) when calling the GetClusterObjects operation: clusterroles.rbac.authorization.k8s.io "nope" not found\n',
    )
  })

  describe('bad input is a clear error and changes nothing', () => {
    const refused = async (manifest: string, message: string) => {
      const before = await stored()
      const run = await rolegate(['cluster', 'apply', 'prod', '-f', file('bad.yaml', manifest)])
      assert.equal(run.code, 1)
      assert.equal(run.out, '')
      assert.equal(
        run.err,
        `An error occurred (InvalidParameterException) when calling the ApplyClusterObjects operation: ${message}\n`,
      )
      assert.deepEqual(await stored(), before)
    }
    // A good document before the bad one shows the file applies whole or not at all.
    const GOOD = 'apiVersion: v1\nkind: Namespace\nmetadata: {name: would-be-created}\n---\n'

    test('bad YAML', () =>
      refused(
        `${GOOD}apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n   labels: {}\n`,
        'document 2 (line 5): error converting YAML to JSON: Nested mappings are not allowed in compact mappings at line 8, column 9; nothing was applied',
      ))

    test('an unknown kind (apimachinery NoKindMatchError)', () =>
      refused(
        `${GOOD}apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n`,
        'document 2 (line 5): no matches for kind "Deployment" in version "apps/v1" (rolegate keeps Namespace, Node, ServiceAccount, the aws-auth ConfigMap, Role, ClusterRole, RoleBinding and ClusterRoleBinding); nothing was applied',
      ))

    test('a roleRef change (pkg/apis/rbac/validation ValidateRoleBindingUpdate)', () =>
      refused(
        `${GOOD}${MANIFEST.split('---\n')[2]?.replace('kind: Role\n  name: production-admin', 'kind: ClusterRole\n  name: admin')}`,
        'document 2 (line 5): RoleBinding.rbac.authorization.k8s.io "production-admins" is invalid: roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"ClusterRole", Name:"admin"}: cannot change roleRef; nothing was applied',
      ))

    test('a bad name (util/validation IsDNS1123Subdomain)', () =>
      refused(
        `${GOOD}apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: Payments_API, namespace: production}\n`,
        `document 2 (line 5): ServiceAccount "Payments_API" is invalid: metadata.name: Invalid value: "Payments_API": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*'); nothing was applied`,
      ))

    test('usage errors exit 2 before anything is sent', async () => {
      const run = await rolegate(['cluster', 'apply', 'prod'])
      assert.equal(run.code, 2)
      assert.match(run.err, /^rolegate cluster: -f FILE is required \(- for standard input\)\n/)
      const unknown = await rolegate(['cluster', 'frobnicate'])
      assert.equal(unknown.code, 2)
      assert.match(unknown.err, /^rolegate cluster: unknown cluster command 'frobnicate'/)
    })
  })

  test('map-role, map-user and unmap edit aws-auth as eksctl does', async () => {
    const admin = `arn:aws:iam::${ACCOUNT}:role/Admin`
    const mapped = await ok([
      'cluster',
      'map-role',
      'prod',
      '--arn',
      admin,
      '--username',
      'admin:{{SessionName}}',
      '--group',
      'system:masters',
    ])
    assert.equal(mapped.out, `adding identity "${admin}" to auth ConfigMap\n`)
    const user = await ok([
      'cluster',
      'map-user',
      'prod',
      '--arn',
      `arn:aws:iam::${ACCOUNT}:user/alice`,
      '--group',
      'viewers',
    ])
    assert.equal(
      user.out,
      `adding identity "arn:aws:iam::${ACCOUNT}:user/alice" to auth ConfigMap\n`,
    )
    const wrong = await rolegate(['cluster', 'map-user', 'prod', '--arn', admin, '--username', 'x'])
    assert.equal(wrong.code, 1)
    assert.match(wrong.err, /is an IAM role ARN; map it with map-role, not map-user\n$/)

    const configMap = JSON.parse(
      (await ok(['cluster', 'get', 'prod', 'cm', 'aws-auth', '-n', 'kube-system', '-o', 'json']))
        .out,
    ) as { data: Record<string, string> }
    // eksctl rewrites both lists whole; mapAccounts is left as it was.
    assert.deepEqual(parse(configMap.data['mapRoles'] ?? ''), [
      {
        groups: ['prod-admin-group'],
        rolearn: `arn:aws:iam::${ACCOUNT}:role/okta/OktaProdAdminRole`,
        username: 'production-admin-user',
      },
      { groups: ['system:masters'], rolearn: admin, username: 'admin:{{SessionName}}' },
    ])
    assert.deepEqual(parse(configMap.data['mapUsers'] ?? ''), [
      { groups: ['viewers'], userarn: `arn:aws:iam::${ACCOUNT}:user/alice` },
    ])
    assert.equal(configMap.data['mapAccounts'], `- "${ACCOUNT}"\n`)

    const removed = await ok(['cluster', 'unmap', 'prod', '--arn', admin])
    assert.equal(removed.out, `removing identity "${admin}" from auth ConfigMap\n`)
    const again = await rolegate(['cluster', 'unmap', 'prod', '--arn', admin])
    assert.equal(again.code, 1)
    assert.equal(
      again.err,
      `An error occurred (ResourceNotFoundException) when calling the UnmapClusterIdentity operation: instance identity ARN "${admin}" not found in auth ConfigMap\n`,
    )
  })

  test('delete-resource, then delete: the cluster, its objects and its issuer are gone', async () => {
    const deleted = await ok([
      'cluster',
      'delete-resource',
      'prod',
      'role',
      'production-admin',
      '-n',
      'production',
    ])
    assert.equal(deleted.out, 'role.rbac.authorization.k8s.io "production-admin" deleted\n')
    await ok(['cluster', 'delete', 'prod'])
    const gone = await rolegate(['cluster', 'get', 'prod'])
    assert.equal(gone.code, 1)
    assert.equal(
      gone.err,
      'An error occurred (ResourceNotFoundException) when calling the DescribeCluster operation: No cluster found for name: prod.\n',
    )
    assert.deepEqual(await stored(), [])
    const issuers = JSON.parse((await ok(['issuer', 'list'])).out) as { Issuers: unknown }
    assert.equal(JSON.stringify(issuers).includes(`eks-${clusterId}`), false)
  })
})
