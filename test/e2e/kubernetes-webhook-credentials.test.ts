// Who may call a cluster's webhooks, end to end over TLS: only the kube-apiserver holding the
// cluster's webhook token (`Authorization: Bearer`, the `users[].user.token` of the webhook
// kubeconfig `rolegate cluster webhook-config` writes). Anyone else who reaches the port gets the
// apiserver's 401 and learns nothing, not even whether the cluster exists: another account's RBAC
// and token mappings stay its own. The token comes through the admin API under IAM
// (rolegate:GetClusterWebhookToken), and `rotate-webhook-token` retires the old one at once.
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, statSync, existsSync } from 'node:fs'
import { request } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { parse } from 'yaml'
import { awsCli, json } from '../support/aws-cli.js'
import { runRolegate } from '../support/rolegate-cli.js'
import { TEST_ADMIN_KEY, startTestServer } from '../support/server.js'
import type { TestServer } from '../support/server.js'

const B = '210987654321'
/** B's cluster, which A's callers (and anyone else) must not read through the webhooks. */
const SECRET = 'secret-ops'
/** A name both accounts use: each account's token reaches its own cluster of that name. */
const SHARED = 'shared'

interface Key {
  accessKeyId: string
  secretAccessKey: string
}

interface Answer {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

const tokenReview = JSON.stringify({
  apiVersion: 'authentication.k8s.io/v1',
  kind: 'TokenReview',
  spec: { token: 'k8s-aws-v1.aHR0cHM6Ly9leGFtcGxlLmNvbQ' },
})

/** Would the cluster's RBAC let `spy` list secrets in kube-system? B bound it to say yes. */
const accessReview = JSON.stringify({
  apiVersion: 'authorization.k8s.io/v1',
  kind: 'SubjectAccessReview',
  spec: {
    resourceAttributes: { namespace: 'kube-system', verb: 'list', resource: 'secrets' },
    user: 'spy',
    groups: ['system:authenticated'],
  },
})

describe('the webhooks answer only the kube-apiserver holding the webhook token', () => {
  let server: TestServer
  let home: string
  let ca: string
  let envA: NodeJS.ProcessEnv
  let envB: NodeJS.ProcessEnv
  let keyB: Key

  /** A POST to the server over TLS trusting its CA, with `authorization` when given. */
  function post(path: string, body: string, authorization?: string): Promise<Answer> {
    const url = new URL(path, server.url)
    return new Promise((resolve, reject) => {
      const outgoing = request(
        url,
        {
          method: 'POST',
          ca,
          headers: {
            'content-type': 'application/json',
            accept: 'application/json',
            ...(authorization === undefined ? {} : { authorization }),
          },
        },
        (response) => {
          let text = ''
          response.setEncoding('utf8')
          response.on('data', (chunk: string) => (text += chunk))
          response.on('end', () =>
            resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text }),
          )
        },
      )
      outgoing.on('error', reject)
      outgoing.end(body)
    })
  }

  /** What an answer shows a caller: status, body, and the headers that could tell clusters apart. */
  const visible = (answer: Answer) => ({
    status: answer.status,
    body: answer.body,
    contentType: answer.headers['content-type'],
    length: answer.headers['content-length'],
  })

  /** The kube-apiserver's own answer to a request it cannot authenticate. */
  const UNAUTHORIZED = {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'Unauthorized',
    reason: 'Unauthorized',
    code: 401,
  }

  /** Writes NAME's webhook kubeconfigs with `env`'s credentials; answers the token in them. */
  async function webhookToken(env: NodeJS.ProcessEnv, name: string): Promise<string> {
    const dir = mkdtempSync(join(home, 'webhooks-'))
    const written = await runRolegate(
      ['cluster', 'webhook-config', name, '--dir', dir, '--write'],
      env,
    )
    assert.equal(written.code, 0, written.err)
    const tokens = ['authentication', 'authorization'].map((kind) => {
      const file = join(dir, `${name}-${kind}-webhook.yaml`)
      assert.equal(statSync(file).mode & 0o777, 0o600)
      const config = parse(readFileSync(file, 'utf8')) as {
        users: Array<{ name: string; user: { token?: string } }>
        contexts: Array<{ context: { user: string } }>
      }
      assert.equal(config.users[0]?.name, config.contexts[0]?.context.user)
      return config.users[0]?.user.token ?? ''
    })
    assert.equal(tokens[0], tokens[1])
    // At least 256 bits: 43 base64url characters carry 258.
    assert.match(tokens[0] ?? '', /^[A-Za-z0-9_-]{43,}$/)
    return tokens[0] ?? ''
  }

  before(async () => {
    server = await startTestServer({ tls: true })
    ca = readFileSync(server.caFile ?? '', 'utf8')
    home = mkdtempSync(join(tmpdir(), 'rolegate-webhook-credentials-'))
    const base = {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      HOME: home,
      AWS_ENDPOINT_URL: server.url,
      AWS_CA_BUNDLE: server.caFile ?? '',
      AWS_REGION: 'us-east-1',
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    }
    const withKey = (key: Key) => ({
      ...base,
      AWS_ACCESS_KEY_ID: key.accessKeyId,
      AWS_SECRET_ACCESS_KEY: key.secretAccessKey,
    })
    envA = withKey(TEST_ADMIN_KEY)
    const created = await runRolegate(['accounts', 'create', B], envA)
    assert.equal(created.code, 0, created.err)
    const { AccessKey } = JSON.parse(created.out) as {
      AccessKey: { AccessKeyId: string; SecretAccessKey: string }
    }
    keyB = { accessKeyId: AccessKey.AccessKeyId, secretAccessKey: AccessKey.SecretAccessKey }
    envB = withKey(keyB)
    const rbac = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: spy-reads-secrets}
subjects: [{kind: User, name: spy, apiGroup: rbac.authorization.k8s.io}]
roleRef: {kind: ClusterRole, name: cluster-admin, apiGroup: rbac.authorization.k8s.io}
`
    for (const [env, args, stdin] of [
      [envB, ['cluster', 'create', SECRET]],
      [envB, ['cluster', 'apply', SECRET, '-f', '-'], rbac],
      [envB, ['cluster', 'create', SHARED]],
      [envB, ['cluster', 'apply', SHARED, '-f', '-'], rbac],
      [envA, ['cluster', 'create', SHARED]],
    ] as const) {
      const done = await runRolegate([...args], env, stdin)
      assert.equal(done.code, 0, `${args.join(' ')}: ${done.err}`)
    }
  })

  after(async () => {
    await server?.cleanup()
  })

  test("no token, a wrong token: another account's cluster answers as a cluster that does not exist", async () => {
    for (const [webhook, body] of [
      ['authorize', accessReview],
      ['authenticate', tokenReview],
    ] as const) {
      const nowhere = visible(await post(`/clusters/no-such-cluster/${webhook}`, body))
      for (const authorization of [
        undefined,
        'Bearer not-the-token',
        'Bearer ',
        'Basic c3B5OnNweQ==',
        `Bearer ${'A'.repeat(43)}`,
      ]) {
        const answer = await post(`/clusters/${SECRET}/${webhook}`, body, authorization)
        assert.equal(
          answer.status,
          401,
          `${webhook} with ${authorization ?? 'nothing'}: ${answer.body}`,
        )
        assert.deepEqual(JSON.parse(answer.body), UNAUTHORIZED)
        assert.deepEqual(visible(answer), nowhere, `${webhook} with ${authorization ?? 'nothing'}`)
        // Nothing of B's RBAC or token mappings leaks.
        assert.equal(answer.body.includes('allowed'), false)
        assert.equal(answer.body.includes('authenticated'), false)
      }
    }
  })

  test("the token webhook-config writes reaches its cluster, and no other account's", async () => {
    const tokenB = await webhookToken(envB, SECRET)
    const allowed = await post(`/clusters/${SECRET}/authorize`, accessReview, `Bearer ${tokenB}`)
    assert.equal(allowed.status, 200, allowed.body)
    const status = (JSON.parse(allowed.body) as { status: { allowed: boolean; reason: string } })
      .status
    assert.equal(status.allowed, true)
    assert.match(status.reason, /ClusterRoleBinding "spy-reads-secrets"/)
    const reviewed = await post(`/clusters/${SECRET}/authenticate`, tokenReview, `Bearer ${tokenB}`)
    assert.equal(reviewed.status, 200, reviewed.body)
    assert.equal(JSON.parse(reviewed.body).kind, 'TokenReview')
    // The scheme is case-insensitive (RFC 9110 11.1), as the apiserver reads it.
    const lower = await post(`/clusters/${SECRET}/authorize`, accessReview, `bearer ${tokenB}`)
    assert.equal(lower.status, 200, lower.body)

    // A's token for A's own cluster opens nothing of B's, whatever the name.
    const tokenA = await webhookToken(envA, SHARED)
    assert.notEqual(tokenA, tokenB)
    const crossed = await post(`/clusters/${SECRET}/authorize`, accessReview, `Bearer ${tokenA}`)
    assert.equal(crossed.status, 401, crossed.body)
    assert.deepEqual(JSON.parse(crossed.body), UNAUTHORIZED)

    // Two accounts name a cluster `shared`: the token says whose, and each sees only its own RBAC
    // (B bound spy to cluster-admin; A did not).
    const ownA = await post(`/clusters/${SHARED}/authorize`, accessReview, `Bearer ${tokenA}`)
    assert.equal(ownA.status, 200, ownA.body)
    assert.equal((JSON.parse(ownA.body) as { status: { allowed: boolean } }).status.allowed, false)
    const tokenShared = await webhookToken(envB, SHARED)
    const ownB = await post(`/clusters/${SHARED}/authorize`, accessReview, `Bearer ${tokenShared}`)
    assert.equal(ownB.status, 200, ownB.body)
    assert.equal((JSON.parse(ownB.body) as { status: { allowed: boolean } }).status.allowed, true)
  })

  test('rotate-webhook-token: the old token is refused at once, the new one works', async () => {
    const old = await webhookToken(envB, SECRET)
    const rotated = await runRolegate(['cluster', 'rotate-webhook-token', SECRET], envB)
    assert.equal(rotated.code, 0, rotated.err)
    assert.equal(rotated.out.includes(old), false)
    const refused = await post(`/clusters/${SECRET}/authorize`, accessReview, `Bearer ${old}`)
    assert.equal(refused.status, 401, refused.body)
    assert.deepEqual(JSON.parse(refused.body), UNAUTHORIZED)
    const fresh = await webhookToken(envB, SECRET)
    assert.notEqual(fresh, old)
    const answered = await post(`/clusters/${SECRET}/authorize`, accessReview, `Bearer ${fresh}`)
    assert.equal(answered.status, 200, answered.body)
  })

  test('a caller without rolegate:GetClusterWebhookToken gets no token and no file', async () => {
    const viewerPolicy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: ['eks:DescribeCluster', 'rolegate:GetClusterObjects'],
          Resource: '*',
        },
      ],
    })
    // A user of B with only read access to the cluster, made through IAM with the AWS CLI.
    const iam = async <T = unknown>(...args: string[]) =>
      json<T>(
        await awsCli(
          { endpoint: server.url, credentials: keyB, env: { AWS_CA_BUNDLE: server.caFile ?? '' } },
          ['iam', ...args],
        ),
      )
    await iam('create-user', '--user-name', 'viewer')
    await iam(
      'put-user-policy',
      '--user-name',
      'viewer',
      '--policy-name',
      'view',
      '--policy-document',
      viewerPolicy,
    )
    const { AccessKey } = await iam<{
      AccessKey: { AccessKeyId: string; SecretAccessKey: string }
    }>('create-access-key', '--user-name', 'viewer')
    const viewer = {
      ...envB,
      AWS_ACCESS_KEY_ID: AccessKey.AccessKeyId,
      AWS_SECRET_ACCESS_KEY: AccessKey.SecretAccessKey,
    }
    const described = await runRolegate(['cluster', 'get', SECRET], viewer)
    assert.equal(described.code, 0, described.err)
    // DescribeCluster does not carry the token.
    const token = await webhookToken(envB, SECRET)
    assert.equal(described.out.includes(token), false)

    const dir = join(home, 'viewer-webhooks')
    const refused = await runRolegate(
      ['cluster', 'webhook-config', SECRET, '--dir', dir, '--write'],
      viewer,
    )
    assert.equal(refused.code, 1)
    assert.equal(
      refused.err,
      `An error occurred (AccessDenied) when calling the GetClusterWebhookToken operation: User: arn:aws:iam::${B}:user/viewer is not authorized to perform: rolegate:GetClusterWebhookToken on resource: arn:aws:eks:us-east-1:${B}:cluster/${SECRET} because no identity-based policy allows the rolegate:GetClusterWebhookToken action\n`,
    )
    assert.equal(refused.out, '')
    assert.equal(existsSync(dir), false)

    const rotate = await runRolegate(['cluster', 'rotate-webhook-token', SECRET], viewer)
    assert.equal(rotate.code, 1)
    assert.match(rotate.err, /not authorized to perform: rolegate:RotateClusterWebhookToken/)
    const still = await post(`/clusters/${SECRET}/authorize`, accessReview, `Bearer ${token}`)
    assert.equal(still.status, 200, still.body)
  })
})
