// kubectl 1.32, for real, against a cluster's API face over TLS, the way issue #12's source
// scenarios run it: IAM roles mapped through aws-auth by `rolegate cluster map-role`, RBAC applied
// by `rolegate cluster apply`, kubeconfigs written by `rolegate cluster kubeconfig` whose exec
// plugin runs the real `aws eks get-token` with a role profile. The expected wordings are the
// apiserver's and kubectl's own (the Forbidden message as the issue quotes it).
import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { runCli } from '../../src/cli/run-cli.js'
import { awsCli, json } from '../support/aws-cli.js'
import { kubectl, kubectlSkip } from '../support/kubectl.js'
import type { KubectlEnvironment } from '../support/kubectl.js'
import { TEST_ADMIN_KEY, startTestServer } from '../support/server.js'
import type { TestServer } from '../support/server.js'

const skip = kubectlSkip()
const ACCOUNT = '123456789012'
const CLUSTER = 'demo'

/** `rolegate ARGS` in process; its exit status and output. */
async function rolegate(args: string[], env: NodeJS.ProcessEnv) {
  let out = ''
  let err = ''
  const code = await runCli(args, {
    out: (text) => (out += text),
    err: (text) => (err += text),
    env,
  })
  return { code: code as number, out, err }
}

const RBAC = `apiVersion: v1
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
- apiGroups: ["", "apps", "batch"]
  resources: ["*"]
  verbs: ["*"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: production-admin
  namespace: production
subjects:
- kind: Group
  name: prod-admin-group
  apiGroup: rbac.authorization.k8s.io
roleRef:
  kind: Role
  name: production-admin
  apiGroup: rbac.authorization.k8s.io
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: viewers
  namespace: production
subjects:
- kind: Group
  name: viewers
  apiGroup: rbac.authorization.k8s.io
roleRef:
  kind: ClusterRole
  name: view
  apiGroup: rbac.authorization.k8s.io
`

const ROLE = (verbs: string) => `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: pod-reader
  namespace: production
rules:
- apiGroups: [""]
  resources: ["pods"]
  verbs: [${verbs}]
`

describe('kubectl against a rolegate cluster', { skip }, () => {
  let server: TestServer
  let home: string
  /** Each role's kubectl: its kubeconfig, and the AWS files its exec plugin reads. */
  const as: Record<string, KubectlEnvironment> = {}

  before(async () => {
    server = await startTestServer({ tls: true })
    const caFile = server.caFile ?? ''
    home = mkdtempSync(join(tmpdir(), 'rolegate-kubectl-'))
    const credentials = join(home, 'credentials')
    const config = join(home, 'config')
    writeFileSync(
      credentials,
      `[admin]\naws_access_key_id = ${TEST_ADMIN_KEY.accessKeyId}\naws_secret_access_key = ${TEST_ADMIN_KEY.secretAccessKey}\n`,
    )
    const roles = {
      okta: { name: 'OktaProdAdminRole', path: '/' },
      ops: { name: 'OpsRole', path: '/teams/ops/' },
      boss: { name: 'ClusterAdminRole', path: '/' },
      viewer: { name: 'ViewerRole', path: '/' },
    }
    const trust = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
          Action: 'sts:AssumeRole',
        },
      ],
    })
    const aws = {
      endpoint: server.url,
      credentials: TEST_ADMIN_KEY,
      env: { AWS_CA_BUNDLE: caFile },
    }
    let profiles = ''
    for (const [profile, role] of Object.entries(roles)) {
      json(
        await awsCli(aws, [
          'iam',
          'create-role',
          '--role-name',
          role.name,
          '--path',
          role.path,
          '--assume-role-policy-document',
          trust,
        ]),
      )
      profiles += `[profile ${profile}]\nrole_arn = arn:aws:iam::${ACCOUNT}:role${role.path}${role.name}\nsource_profile = admin\nrole_session_name = alice\n\n`
    }
    writeFileSync(config, profiles)
    const cli = {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      HOME: home,
      AWS_ENDPOINT_URL: server.url,
      AWS_CA_BUNDLE: caFile,
      AWS_ACCESS_KEY_ID: TEST_ADMIN_KEY.accessKeyId,
      AWS_SECRET_ACCESS_KEY: TEST_ADMIN_KEY.secretAccessKey,
      AWS_REGION: 'us-east-1',
    }
    const steps: string[][] = [
      ['cluster', 'create', CLUSTER],
      // 1. OktaProdAdminRole -> production-admin-user in prod-admin-group.
      [
        'cluster',
        'map-role',
        CLUSTER,
        '--arn',
        `arn:aws:iam::${ACCOUNT}:role/OktaProdAdminRole`,
        '--username',
        'production-admin-user',
        '--group',
        'prod-admin-group',
      ],
      // 6. A mapping written with the role's path.
      [
        'cluster',
        'map-role',
        CLUSTER,
        '--arn',
        `arn:aws:iam::${ACCOUNT}:role/teams/ops/OpsRole`,
        '--username',
        'ops-user',
        '--group',
        'ops-group',
      ],
      // 7. admin:{{SessionName}} in system:masters.
      [
        'cluster',
        'map-role',
        CLUSTER,
        '--arn',
        `arn:aws:iam::${ACCOUNT}:role/ClusterAdminRole`,
        '--username',
        'admin:{{SessionName}}',
        '--group',
        'system:masters',
      ],
      [
        'cluster',
        'map-role',
        CLUSTER,
        '--arn',
        `arn:aws:iam::${ACCOUNT}:role/ViewerRole`,
        '--username',
        'viewer',
        '--group',
        'viewers',
      ],
    ]
    for (const step of steps) {
      const run = await rolegate(step, cli)
      assert.equal(run.code, 0, `${step.join(' ')}: ${run.err}`)
    }
    // 2. Role production-admin in production, bound to prod-admin-group.
    const manifest = join(home, 'rbac.yaml')
    writeFileSync(manifest, RBAC)
    const applied = await rolegate(['cluster', 'apply', CLUSTER, '-f', manifest], cli)
    assert.equal(applied.code, 0, applied.err)
    for (const profile of Object.keys(roles)) {
      const file = join(home, `kubeconfig-${profile}`)
      const written = await rolegate(
        ['cluster', 'kubeconfig', CLUSTER, '--profile', profile, '--kubeconfig', file],
        { ...cli, AWS_CA_BUNDLE: caFile },
      )
      assert.equal(written.code, 0, written.err)
      as[profile] = {
        kubeconfig: file,
        env: { AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: credentials },
      }
    }
  })

  after(async () => {
    await server?.cleanup()
  })

  const run = (who: string, args: string[], input?: string) => {
    const target = as[who]
    assert.ok(target, who)
    return kubectl(target, args, input)
  }

  test('3. can-i list pods: no in default, yes in production', async () => {
    const denied = await run('okta', ['auth', 'can-i', 'list', 'pods', '-n', 'default'])
    assert.equal(denied.stdout, 'no\n', denied.stderr)
    assert.equal(denied.code, 1)
    const allowed = await run('okta', ['auth', 'can-i', 'list', 'pods', '-n', 'production'])
    assert.equal(allowed.stdout, 'yes\n', allowed.stderr)
    assert.equal(allowed.code, 0)
  })

  test('4. get pods in default prints the exact Forbidden; in production, nothing runs', async () => {
    const denied = await run('okta', ['get', 'pods', '-n', 'default'])
    assert.equal(denied.code, 1)
    assert.equal(
      denied.stderr,
      'Error from server (Forbidden): pods is forbidden: User "production-admin-user" cannot list resource "pods" in API group "" in the namespace "default"\n',
    )
    const empty = await run('okta', ['get', 'pods,deployments,jobs', '-n', 'production'])
    assert.equal(empty.code, 0, empty.stderr)
    assert.equal(empty.stderr, 'No resources found in production namespace.\n')
  })

  test('5. whoami shows the username and the groups', async () => {
    const whoami = await run('okta', ['auth', 'whoami', '-o', 'json'])
    assert.equal(whoami.code, 0, whoami.stderr)
    const review = JSON.parse(whoami.stdout) as {
      kind: string
      apiVersion: string
      status: { userInfo: { username: string; groups: string[]; extra: Record<string, string[]> } }
    }
    assert.equal(review.kind, 'SelfSubjectReview')
    assert.equal(review.apiVersion, 'authentication.k8s.io/v1')
    assert.equal(review.status.userInfo.username, 'production-admin-user')
    assert.deepEqual(review.status.userInfo.groups, ['prod-admin-group', 'system:authenticated'])
    assert.deepEqual(review.status.userInfo.extra['canonicalArn'], [
      `arn:aws:iam::${ACCOUNT}:role/OktaProdAdminRole`,
    ])
    const table = await run('okta', ['auth', 'whoami'])
    assert.match(table.stdout, /^Username\s+production-admin-user$/m)
    assert.match(table.stdout, /^Groups\s+\[prod-admin-group system:authenticated\]$/m)
  })

  test('6. a role mapped with its path is mapped', async () => {
    const whoami = await run('ops', [
      'auth',
      'whoami',
      '-o',
      'jsonpath={.status.userInfo.username}',
    ])
    assert.equal(whoami.stdout, 'ops-user', whoami.stderr)
  })

  test('7. admin:{{SessionName}} in system:masters can do everything', async () => {
    const whoami = await run('boss', [
      'auth',
      'whoami',
      '-o',
      'jsonpath={.status.userInfo.username}',
    ])
    assert.equal(whoami.stdout, 'admin:alice', whoami.stderr)
    for (const args of [
      ['auth', 'can-i', '*', '*', '--all-namespaces'],
      ['auth', 'can-i', 'delete', 'nodes'],
      ['auth', 'can-i', 'get', '/logs/anything'],
    ]) {
      const answer = await run('boss', args)
      assert.equal(answer.stdout, 'yes\n', `${args.join(' ')}: ${answer.stderr}`)
    }
    const everywhere = await run('boss', ['get', 'pods', '--all-namespaces'])
    assert.equal(everywhere.stderr, 'No resources found\n')
    const namespaces = await run('boss', ['get', 'namespaces', '-o', 'name'])
    assert.match(namespaces.stdout, /^namespace\/production$/m)
    assert.match(namespaces.stdout, /^namespace\/kube-system$/m)
  })

  test('8. kubectl apply of a Role: the admin creates and configures it, a viewer is Forbidden', async () => {
    const created = await run('boss', ['apply', '-f', '-'], ROLE('"get"'))
    assert.equal(
      created.stdout,
      'role.rbac.authorization.k8s.io/pod-reader created\n',
      created.stderr,
    )
    const again = await run('boss', ['apply', '-f', '-'], ROLE('"get"'))
    assert.equal(
      again.stdout,
      'role.rbac.authorization.k8s.io/pod-reader unchanged\n',
      again.stderr,
    )
    const changed = await run('boss', ['apply', '-f', '-'], ROLE('"get", "list"'))
    assert.equal(
      changed.stdout,
      'role.rbac.authorization.k8s.io/pod-reader configured\n',
      changed.stderr,
    )
    const stored = await run('boss', [
      'get',
      'role',
      'pod-reader',
      '-n',
      'production',
      '-o',
      'json',
    ])
    const role = JSON.parse(stored.stdout) as {
      rules: unknown[]
      metadata: { annotations: Record<string, string> }
    }
    assert.deepEqual(role.rules, [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }])
    assert.ok(role.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration'])

    const viewer = await run('viewer', ['apply', '-f', '-'], ROLE('"*"'))
    assert.equal(viewer.code, 1)
    assert.match(
      viewer.stderr,
      /roles\.rbac\.authorization\.k8s\.io "pod-reader" is forbidden: User "viewer" cannot get resource "roles" in API group "rbac\.authorization\.k8s\.io" in the namespace "production"/,
    )
    const unchanged = await run('boss', [
      'get',
      'role',
      'pod-reader',
      '-n',
      'production',
      '-o',
      'json',
    ])
    assert.deepEqual((JSON.parse(unchanged.stdout) as { rules: unknown[] }).rules, role.rules)
  })

  test('the viewer reads what view allows and nothing more', async () => {
    const pods = await run('viewer', ['get', 'pods', '-n', 'production'])
    assert.equal(pods.stderr, 'No resources found in production namespace.\n')
    const roles = await run('viewer', ['get', 'roles', '-n', 'production'])
    assert.equal(
      roles.stderr,
      'Error from server (Forbidden): roles.rbac.authorization.k8s.io is forbidden: User "viewer" cannot list resource "roles" in API group "rbac.authorization.k8s.io" in the namespace "production"\n',
    )
    const create = await run('viewer', ['create', 'serviceaccount', 'bot', '-n', 'production'])
    assert.equal(
      create.stderr,
      'error: failed to create serviceaccount: serviceaccounts is forbidden: User "viewer" cannot create resource "serviceaccounts" in API group "" in the namespace "production"\n',
    )
  })

  test('imperative creates (sent as protobuf), a refused roleRef change, delete', async () => {
    for (const [args, line] of [
      [['create', 'namespace', 'staging'], 'namespace/staging created'],
      [['create', 'serviceaccount', 'bot', '-n', 'staging'], 'serviceaccount/bot created'],
      [
        ['create', 'role', 'r', '--verb=get', '--resource=pods', '-n', 'staging'],
        'role.rbac.authorization.k8s.io/r created',
      ],
      [
        ['create', 'rolebinding', 'rb', '--role=r', '--user=bob', '-n', 'staging'],
        'rolebinding.rbac.authorization.k8s.io/rb created',
      ],
      [
        ['create', 'clusterrole', 'cr', '--verb=get', '--resource=nodes'],
        'clusterrole.rbac.authorization.k8s.io/cr created',
      ],
      [
        ['create', 'clusterrolebinding', 'crb', '--clusterrole=cr', '--group=devs'],
        'clusterrolebinding.rbac.authorization.k8s.io/crb created',
      ],
    ] as const) {
      const result = await run('boss', [...args])
      assert.equal(result.stdout, `${line}\n`, `${args.join(' ')}: ${result.stderr}`)
    }
    const twice = await run('boss', ['create', 'namespace', 'staging'])
    assert.equal(
      twice.stderr,
      'Error from server (AlreadyExists): namespaces "staging" already exists\n',
    )
    const moved = await run('boss', [
      'patch',
      'rolebinding',
      'rb',
      '-n',
      'staging',
      '--type=merge',
      '-p',
      '{"roleRef":{"name":"other"}}',
    ])
    assert.equal(moved.code, 1)
    // kubectl words an Invalid from its causes, as it does for a real apiserver's.
    assert.equal(
      moved.stderr,
      'The RoleBinding "rb" is invalid: roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"Role", Name:"other"}: cannot change roleRef\n',
    )
    // Impersonation: the admin may act as bob (bound to r in staging), a viewer may not.
    const bobGets = await run('boss', [
      'auth',
      'can-i',
      'get',
      'pods',
      '-n',
      'staging',
      '--as',
      'bob',
    ])
    assert.equal(bobGets.stdout, 'yes\n', bobGets.stderr)
    const bobLists = await run('boss', [
      'auth',
      'can-i',
      'list',
      'pods',
      '-n',
      'staging',
      '--as',
      'bob',
    ])
    assert.equal(bobLists.stdout, 'no\n', bobLists.stderr)
    // Refused before anything else, discovery included; the typed client prints the Status.
    const notAllowed = await run('viewer', ['create', 'namespace', 'impersonated', '--as', 'bob'])
    assert.equal(notAllowed.code, 1)
    assert.equal(
      notAllowed.stderr.trimEnd().split('\n').at(-1),
      'Error from server (Forbidden): users "bob" is forbidden: User "viewer" cannot impersonate resource "users" in API group "" at the cluster scope',
    )
    const absent = await run('boss', ['get', 'namespace', 'impersonated'])
    assert.equal(
      absent.stderr,
      'Error from server (NotFound): namespaces "impersonated" not found\n',
    )
    const gone = await run('boss', ['delete', 'namespace', 'staging'])
    assert.equal(gone.stdout, 'namespace "staging" deleted\n', gone.stderr)
    const left = await run('boss', ['get', 'roles', '-n', 'staging'])
    assert.equal(left.stderr, 'No resources found in staging namespace.\n')
    const system = await run('boss', ['delete', 'namespace', 'default'])
    assert.equal(
      system.stderr,
      'Error from server (Forbidden): namespaces "default" is forbidden: this namespace may not be deleted\n',
    )
  })

  test("an unknown field is refused under kubectl's strict validation, nothing written", async () => {
    const typo = ROLE('"get"').replace('pod-reader', 'typo').replace('verbs:', 'verb:')
    const refused = await run('boss', ['apply', '-f', '-'], typo)
    assert.equal(refused.code, 1)
    assert.match(refused.stderr, /strict decoding error: unknown field "rules\[0\]\.verb"/)
    const absent = await run('boss', ['get', 'role', 'typo', '-n', 'production'])
    assert.equal(
      absent.stderr,
      'Error from server (NotFound): roles.rbac.authorization.k8s.io "typo" not found\n',
    )
  })

  test('a token that is not one is 401, as the apiserver answers it', async () => {
    const target = as['okta']
    assert.ok(target)
    const result = await kubectl(target, [
      'get',
      'pods',
      '--token',
      'k8s-aws-v1.bm90LWEtdXJs',
      '--user',
      '',
    ])
    assert.equal(result.code, 1)
    // kubectl 1.32's words for a 401 (client-go's for the Unauthorized reason).
    assert.match(
      result.stderr,
      /\nerror: You must be logged in to the server \(the server has asked for the client to provide credentials\)\n$/,
    )
  })

  test('discovery: the served resources by name, short name and kind', async () => {
    const listed = await run('boss', ['api-resources', '--no-headers'])
    assert.equal(listed.code, 0, listed.stderr)
    const rows = listed.stdout.split('\n').map((line) => line.trim().split(/\s+/))
    const row = (name: string) => rows.find((columns) => columns[0] === name)
    // kubectl api-resources against a Kubernetes 1.32 apiserver (kubernetes.io, kubectl reference).
    assert.deepEqual(row('pods'), ['pods', 'po', 'v1', 'true', 'Pod'])
    assert.deepEqual(row('deployments'), ['deployments', 'deploy', 'apps/v1', 'true', 'Deployment'])
    assert.deepEqual(row('roles'), ['roles', 'rbac.authorization.k8s.io/v1', 'true', 'Role'])
    assert.deepEqual(row('clusterrolebindings'), [
      'clusterrolebindings',
      'rbac.authorization.k8s.io/v1',
      'false',
      'ClusterRoleBinding',
    ])
    assert.deepEqual(row('selfsubjectaccessreviews'), [
      'selfsubjectaccessreviews',
      'authorization.k8s.io/v1',
      'false',
      'SelfSubjectAccessReview',
    ])
    const version = await run('boss', ['version', '-o', 'json'])
    const server = (
      JSON.parse(version.stdout) as { serverVersion: { major: string; minor: string } }
    ).serverVersion
    assert.deepEqual([server.major, server.minor], ['1', '32'])
  })
})
