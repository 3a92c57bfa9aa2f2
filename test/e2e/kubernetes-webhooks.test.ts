// The webhooks a real kube-apiserver calls, end to end over TLS: TokenReview and
// SubjectAccessReview in v1 and v1beta1, built and read by Debian's Python `kubernetes` client (a
// second, independent implementation of these objects), every answer checked field by field
// against the upstream .proto type definitions; `rolegate cluster webhook-config`'s files read by
// kubectl (client-go, as a kube-apiserver reads them) and used to reach the webhooks.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import type protobuf from 'protobufjs'
import { runCli } from '../../src/cli/run-cli.js'
import type { RunResult } from '../support/aws-cli.js'
import { awsCli, json } from '../support/aws-cli.js'
import { PROTO_CORPUS, loadUpstreamProtos, protoMismatches } from '../support/kubernetes-protos.js'
import { kubectl, kubectlSkip, pythonKubernetesSkip, pythonScript } from '../support/kubectl.js'
import { TEST_ADMIN_KEY, startTestServer } from '../support/server.js'
import type { TestServer } from '../support/server.js'

const ACCOUNT = '123456789012'
const CLUSTER = 'hooks'

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

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }))
  })
}

/**
 * Posts review bodies with the Python client: each built as its V1 model, serialised by the client
 * (v1beta1: apiVersion changed and, for SubjectAccessReview, `groups` named `group`, as the
 * v1beta1 API names it), and the answer read back both raw and as the client's model.
 */
const PYTHON = `
import json, os, sys
from kubernetes import client

cfg = client.Configuration()
cfg.host = os.environ['ROLEGATE_URL']
cfg.ssl_ca_cert = os.environ['ROLEGATE_CA']
api = client.ApiClient(cfg)

class Raw:
    def __init__(self, data):
        self.data = data

def post(path, model, api_version, response_type):
    body = api.sanitize_for_serialization(model)
    body['apiVersion'] = api_version
    if api_version.endswith('/v1beta1') and 'groups' in body.get('spec', {}):
        body['spec']['group'] = body['spec'].pop('groups')
    answer = api.call_api(path, 'POST', body=body,
        header_params={'Content-Type': 'application/json', 'Accept': 'application/json'},
        _preload_content=False, _return_http_data_only=True)
    text = answer.data.decode('utf-8')
    typed = api.deserialize(Raw(text), response_type)
    return {'sent': body, 'raw': json.loads(text), 'typed': api.sanitize_for_serialization(typed)}

cases = json.load(sys.stdin)
out = []
for case in cases:
    if case['kind'] == 'TokenReview':
        model = client.V1TokenReview(api_version='x', kind='TokenReview',
            spec=client.V1TokenReviewSpec(token=case['token']))
        out.append(post(case['path'], model, case['apiVersion'], 'V1TokenReview'))
    else:
        attributes = client.V1ResourceAttributes(**case['resourceAttributes'])
        spec = client.V1SubjectAccessReviewSpec(resource_attributes=attributes,
            user=case.get('user'), groups=case.get('groups'), extra=case.get('extra'))
        model = client.V1SubjectAccessReview(api_version='x', kind='SubjectAccessReview', spec=spec)
        out.append(post(case['path'], model, case['apiVersion'], 'V1SubjectAccessReview'))
print(json.dumps(out))
`

interface Exchange {
  sent: Record<string, unknown>
  raw: Record<string, unknown> & { status: Record<string, unknown> }
  typed: Record<string, unknown> & { status: Record<string, unknown> }
}

describe('the webhooks through the Python kubernetes client', async () => {
  const skip = (await pythonKubernetesSkip()) || PROTO_CORPUS.skip
  let server: TestServer
  let home: string
  let cli: NodeJS.ProcessEnv
  let tokens: Record<'mapped' | 'unmapped', string>
  let upstream: protobuf.Root

  before(async () => {
    if (skip) return
    upstream = loadUpstreamProtos()
    server = await startTestServer({ tls: true })
    const caFile = server.caFile ?? ''
    home = mkdtempSync(join(tmpdir(), 'rolegate-webhooks-'))
    cli = {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      HOME: home,
      AWS_ENDPOINT_URL: server.url,
      AWS_CA_BUNDLE: caFile,
      AWS_ACCESS_KEY_ID: TEST_ADMIN_KEY.accessKeyId,
      AWS_SECRET_ACCESS_KEY: TEST_ADMIN_KEY.secretAccessKey,
      AWS_REGION: 'us-east-1',
    }
    const aws = {
      endpoint: server.url,
      credentials: TEST_ADMIN_KEY,
      env: { AWS_CA_BUNDLE: caFile },
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
    json(
      await awsCli(aws, [
        'iam',
        'create-role',
        '--role-name',
        'OktaProdAdminRole',
        '--assume-role-policy-document',
        trust,
      ]),
    )
    for (const step of [
      ['cluster', 'create', CLUSTER],
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
    ]) {
      const done = await rolegate(step, cli)
      assert.equal(done.code, 0, done.err)
    }
    const manifest = join(home, 'rbac.yaml')
    writeFileSync(
      manifest,
      `apiVersion: v1
kind: Namespace
metadata: {name: production}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: production-admin, namespace: production}
rules: [{apiGroups: [""], resources: [pods], verbs: [get, list]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: production-admin, namespace: production}
subjects: [{kind: Group, name: prod-admin-group, apiGroup: rbac.authorization.k8s.io}]
roleRef: {kind: Role, name: production-admin, apiGroup: rbac.authorization.k8s.io}
`,
    )
    const applied = await rolegate(['cluster', 'apply', CLUSTER, '-f', manifest], cli)
    assert.equal(applied.code, 0, applied.err)
    // Tokens from the real `aws eks get-token`: the role's session (mapped), the admin (not).
    writeFileSync(
      join(home, 'config'),
      `[profile okta]\nrole_arn = arn:aws:iam::${ACCOUNT}:role/OktaProdAdminRole\nsource_profile = admin\n`,
    )
    writeFileSync(
      join(home, 'credentials'),
      `[admin]\naws_access_key_id = ${TEST_ADMIN_KEY.accessKeyId}\naws_secret_access_key = ${TEST_ADMIN_KEY.secretAccessKey}\n`,
    )
    const token = async (profile: string) => {
      const made = await run(
        'aws',
        ['eks', 'get-token', '--cluster-name', CLUSTER, '--output', 'json'],
        {
          PATH: cli['PATH'],
          HOME: home,
          AWS_CA_BUNDLE: server.caFile ?? '',
          AWS_CONFIG_FILE: join(home, 'config'),
          AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
          AWS_ENDPOINT_URL_STS: server.url,
          AWS_DEFAULT_REGION: 'us-east-1',
          AWS_PROFILE: profile,
          ...(process.env['PYENV_ROOT'] ? { PYENV_ROOT: process.env['PYENV_ROOT'] } : {}),
        },
      )
      assert.equal(made.code, 0, made.stderr)
      return (JSON.parse(made.stdout) as { status: { token: string } }).status.token
    }
    tokens = { mapped: await token('okta'), unmapped: await token('admin') }
  })

  after(async () => {
    await server?.cleanup()
  })

  /** Runs the Python client over the cases and answers what it sent and read. */
  async function viaPython(cases: object[]): Promise<Exchange[]> {
    const script = PYTHON.replace(
      'json.load(sys.stdin)',
      `json.loads(${JSON.stringify(JSON.stringify(cases))})`,
    )
    const ran = await pythonScript(script, {
      ROLEGATE_URL: server.url,
      ROLEGATE_CA: server.caFile ?? '',
    })
    assert.equal(ran.code, 0, ran.stderr)
    return JSON.parse(ran.stdout) as Exchange[]
  }

  /** A body checked against its upstream message; v1beta1's `group` is v1's `groups` (field 4). */
  const conforms = (body: Record<string, unknown>, typeName: string) => {
    const copy = structuredClone(body) as Record<string, Record<string, unknown>>
    const spec = copy['spec']
    if (spec && 'group' in spec) {
      spec['groups'] = spec['group']
      delete spec['group']
    }
    assert.deepEqual(protoMismatches(copy, upstream.lookupType(typeName)), [])
  }

  for (const apiVersion of ['authentication.k8s.io/v1', 'authentication.k8s.io/v1beta1']) {
    test(
      `TokenReview ${apiVersion}: a mapped role's token, an unmapped caller's`,
      { skip },
      async () => {
        const [mapped, unmapped] = await viaPython([
          {
            kind: 'TokenReview',
            apiVersion,
            path: `/clusters/${CLUSTER}/authenticate`,
            token: tokens.mapped,
          },
          {
            kind: 'TokenReview',
            apiVersion,
            path: `/clusters/${CLUSTER}/authenticate`,
            token: tokens.unmapped,
          },
        ])
        assert.ok(mapped && unmapped)
        for (const answer of [mapped, unmapped]) {
          assert.equal(answer.raw['apiVersion'], apiVersion)
          assert.equal(answer.raw['kind'], 'TokenReview')
          conforms(answer.raw, '.k8s.io.api.authentication.v1.TokenReview')
        }
        const user = mapped.typed.status['user'] as Record<string, unknown>
        assert.equal(mapped.typed.status['authenticated'], true, JSON.stringify(mapped.raw))
        assert.equal(user['username'], 'production-admin-user')
        assert.deepEqual(user['groups'], ['prod-admin-group', 'system:authenticated'])
        assert.deepEqual((user['extra'] as Record<string, string[]>)['canonicalArn'], [
          `arn:aws:iam::${ACCOUNT}:role/OktaProdAdminRole`,
        ])
        // The token is never written back.
        assert.equal(JSON.stringify(mapped.raw).includes(tokens.mapped), false)
        assert.notEqual(unmapped.typed.status['authenticated'], true)
        assert.match(
          String(unmapped.typed.status['error']),
          new RegExp(`arn:aws:iam::${ACCOUNT}:user/admin`),
        )
      },
    )
  }

  for (const apiVersion of ['authorization.k8s.io/v1', 'authorization.k8s.io/v1beta1']) {
    test(
      `SubjectAccessReview ${apiVersion}: allowed in production, not in default`,
      { skip },
      async () => {
        const review = (namespace: string) => ({
          kind: 'SubjectAccessReview',
          apiVersion,
          path: `/clusters/${CLUSTER}/authorize`,
          resourceAttributes: { namespace, verb: 'list', resource: 'pods', version: 'v1' },
          user: 'production-admin-user',
          groups: ['prod-admin-group', 'system:authenticated'],
          extra: { sessionName: ['alice'] },
        })
        const [allowed, denied] = await viaPython([review('production'), review('default')])
        assert.ok(allowed && denied)
        for (const answer of [allowed, denied]) {
          assert.equal(answer.raw['apiVersion'], apiVersion)
          assert.equal(answer.raw['kind'], 'SubjectAccessReview')
          // The spec comes back as it was sent: `group` in v1beta1, `groups` in v1.
          assert.deepEqual(answer.raw['spec'], answer.sent['spec'])
          conforms(answer.raw, '.k8s.io.api.authorization.v1.SubjectAccessReview')
        }
        assert.equal(allowed.typed.status['allowed'], true)
        assert.equal(
          allowed.typed.status['reason'],
          'RBAC: allowed by RoleBinding "production-admin/production" of Role "production-admin" to Group "prod-admin-group"',
        )
        assert.equal(denied.typed.status['allowed'], false)
        // RBAC has no opinion; it never denies.
        assert.notEqual(denied.typed.status['denied'], true)
      },
    )
  }

  test(
    'webhook-config: the files kubectl (client-go) reads, and reaches the webhooks with',
    { skip: skip || kubectlSkip() },
    async () => {
      const dir = join(home, 'webhooks')
      const written = await rolegate(
        ['cluster', 'webhook-config', CLUSTER, '--dir', dir, '--write'],
        cli,
      )
      assert.equal(written.code, 0, written.err)
      const files = {
        authenticate: join(dir, `${CLUSTER}-authentication-webhook.yaml`),
        authorize: join(dir, `${CLUSTER}-authorization-webhook.yaml`),
      }
      assert.match(
        written.out,
        new RegExp(`--authentication-token-webhook-config-file=${files.authenticate}\\n`),
      )
      assert.match(
        written.out,
        new RegExp(`--authorization-webhook-config-file=${files.authorize}\\n`),
      )
      assert.match(written.out, /--authorization-mode=Node,Webhook\n/)
      const ca = readFileSync(server.caFile ?? '', 'utf8')
      for (const [webhook, file] of Object.entries(files)) {
        const viewed = await kubectl({ kubeconfig: file }, [
          'config',
          'view',
          '--raw',
          '-o',
          'json',
        ])
        assert.equal(viewed.code, 0, viewed.stderr)
        const config = JSON.parse(viewed.stdout) as {
          clusters: Array<{ cluster: { server: string; 'certificate-authority-data': string } }>
        }
        const cluster = config.clusters[0]?.cluster
        assert.equal(cluster?.server, `${server.url}/clusters/${CLUSTER}/${webhook}`)
        assert.equal(Buffer.from(cluster['certificate-authority-data'], 'base64').toString(), ca)
      }
      // client-go trusting only the file's CA: a v1beta1 SubjectAccessReview through it.
      const input = JSON.stringify({
        apiVersion: 'authorization.k8s.io/v1beta1',
        kind: 'SubjectAccessReview',
        spec: {
          resourceAttributes: { namespace: 'production', verb: 'get', resource: 'pods' },
          user: 'production-admin-user',
          group: ['prod-admin-group'],
        },
      })
      const reviewed = await kubectl(
        { kubeconfig: files.authorize },
        ['--token', 'unused', 'create', '--raw', `/clusters/${CLUSTER}/authorize`, '-f', '-'],
        input,
      )
      assert.equal(reviewed.code, 0, reviewed.stderr)
      assert.equal(
        (JSON.parse(reviewed.stdout) as { status: { allowed: boolean } }).status.allowed,
        true,
      )
    },
  )
})
