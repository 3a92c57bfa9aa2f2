// IRSA end to end, as it runs on EKS, over HTTPS with real clients: a ServiceAccount annotated with
// a role ARN is applied; the mutating webhook (`POST /clusters/NAME/mutate`) is sent an
// AdmissionReview for a pod using it; its JSON Patch is applied to the pod (fast-json-patch), and
// the pod's env and token path are read from the result; `rolegate cluster token` mints the token
// kubelet would project, written at that path under a temporary root; then the AWS CLI, boto3 and
// the AWS SDK for JavaScript (`fromTokenFile`) run with exactly the pod's env (the token path
// re-rooted) plus AWS_ENDPOINT_URL_STS and rolegate's CA, and become the role. Session names are
// the SDKs' own defaults (botocore-session-EPOCH for botocore, as its
// AssumeRoleWithWebIdentityProvider names them). Then the source scenario's trust policies: the
// StringLike namespace wildcard, the same value under StringEquals, the pattern put on `:aud`, and
// the decoded authorization message; and cluster issuer key rotation.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { request } from 'node:https'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import fastJsonPatch from 'fast-json-patch'
import type { Operation } from 'fast-json-patch'
import protobuf from 'protobufjs'
import { awsCli, boto3Script, json } from '../support/aws-cli.js'
import type { RunResult } from '../support/aws-cli.js'
import { ShiftedClock, startFederationServer } from '../support/federation-server.js'
import type { FederationServer } from '../support/federation-server.js'
import { kubectl, kubectlSkip } from '../support/kubectl.js'
import type { KubectlEnvironment } from '../support/kubectl.js'
import { PROTO_CORPUS, protoMismatches } from '../support/kubernetes-protos.js'
import {
  assertRefused,
  awsWithoutEndpoint,
  decodeJwt,
  hostPath,
  webIdentityTrustPolicy,
} from '../support/web-identity.js'

const ACCOUNT = '123456789012'
const CLUSTER = 'demo'
const REGION = 'eu-west-3'
const ROLE = 's3-reader'
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/${ROLE}`
const DENIED = {
  code: 'AccessDenied',
  operation: 'AssumeRoleWithWebIdentity',
  message: 'Not authorized to perform sts:AssumeRoleWithWebIdentity',
}

const MANIFEST = `
apiVersion: v1
kind: Namespace
metadata:
  name: demo-namespace
---
apiVersion: v1
kind: Namespace
metadata:
  name: other-namespace
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: app
  namespace: demo-namespace
  annotations:
    eks.amazonaws.com/role-arn: ${ROLE_ARN}
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: worker
  namespace: demo-namespace
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: app
  namespace: other-namespace
`

interface Container {
  name: string
  env?: Array<{ name: string; value: string }>
  volumeMounts?: Array<{ name: string; mountPath: string; readOnly?: boolean }>
}
interface Pod {
  metadata: { name: string }
  spec: {
    serviceAccountName: string
    containers: Container[]
    volumes?: Array<{
      name: string
      projected?: {
        sources: Array<{
          serviceAccountToken?: { audience: string; expirationSeconds: number; path: string }
        }>
      }
    }>
  }
}

interface AdmissionAnswer {
  apiVersion: string
  kind: string
  response: { uid: string; allowed: boolean; patchType?: string; patch?: string }
}

const podFor = (serviceAccountName: string): Pod => ({
  metadata: { name: 'web' },
  spec: {
    serviceAccountName,
    containers: [{ name: 'app', env: [{ name: 'LOG_LEVEL', value: 'debug' }] }],
  },
})

const admissionReview = (pod: Pod, namespace: string, apiVersion = 'admission.k8s.io/v1') => ({
  apiVersion,
  kind: 'AdmissionReview',
  request: {
    uid: 'e911857d-c318-11e8-bbad-025000000001',
    kind: { group: '', version: 'v1', kind: 'Pod' },
    resource: { group: '', version: 'v1', resource: 'pods' },
    namespace,
    operation: 'CREATE',
    userInfo: { username: 'system:serviceaccount:kube-system:replicaset-controller' },
    object: { apiVersion: 'v1', kind: 'Pod', ...pod },
  },
})

/** admission/v1 AdmissionReview from the upstream .proto, when the corpus is there. */
function upstreamAdmissionReview(): protobuf.Type | undefined {
  if (PROTO_CORPUS.skip) return undefined
  const root = new protobuf.Root()
  root.resolvePath = (_origin, target) => join(PROTO_CORPUS.path, target)
  root.loadSync(['k8s.io/api/admission/v1/generated.proto'], { keepCase: true })
  root.resolveAll()
  return root.lookupType('k8s.io.api.admission.v1.AdmissionReview')
}

/**
 * The fields of an answer the upstream AdmissionReview does not define, or types differently; the
 * patch (bytes, base64 in JSON) is checked apart.
 */
function admissionMismatches(review: AdmissionAnswer, type: protobuf.Type): string[] {
  const { patch, ...response } = review.response
  const problems = protoMismatches({ ...review, response }, type)
  if (patch !== undefined && !/^[A-Za-z0-9+/]+={0,2}$/.test(patch)) {
    problems.push('response.patch: bytes are base64 in JSON')
  }
  return problems
}

function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd?: string,
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }))
  })
}

describe('IRSA: webhook, projected token, AssumeRoleWithWebIdentity through real clients', () => {
  const clock = new ShiftedClock()
  let server: FederationServer
  let dir: string
  let issuerUrl: string
  let providerArn: string
  let issuerName: string
  const admissionType = upstreamAdmissionReview()

  const iam = (args: string[]) =>
    awsCli({ endpoint: server.url, credentials: server.admin, env: server.clientEnv }, [
      'iam',
      ...args,
    ])

  /** What the kube-apiserver presents to the webhooks: the token webhook-config writes. */
  let webhookToken: string | undefined
  const bearer = async () => {
    if (webhookToken === undefined) {
      const files = mkdtempSync(join(tmpdir(), 'rolegate-irsa-webhooks-'))
      await server.rolegateOk(['cluster', 'webhook-config', CLUSTER, '--dir', files, '--write'])
      const config = readFileSync(join(files, `${CLUSTER}-authorization-webhook.yaml`), 'utf8')
      webhookToken = /^ {4}token: "([A-Za-z0-9_-]+)"$/m.exec(config)?.[1]
      assert.ok(webhookToken, 'webhook-config wrote a token')
    }
    return webhookToken
  }

  /** POSTs a body to the cluster's webhook with rolegate's CA; the status and parsed answer. */
  const post = async (path: string, body: string, contentType = 'application/json') => {
    const authorization = `Bearer ${await bearer()}`
    return new Promise<{ status: number; body: unknown }>((resolve, reject) => {
      const url = new URL(`/clusters/${CLUSTER}/${path}`, server.url)
      const req = request(
        url,
        {
          method: 'POST',
          ca: readFileSync(server.caFile ?? ''),
          headers: { 'content-type': contentType, accept: 'application/json', authorization },
        },
        (res) => {
          let text = ''
          res.on('data', (chunk: Buffer) => (text += chunk.toString()))
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }))
        },
      )
      req.on('error', reject)
      req.end(body)
    })
  }

  /** The pod as the webhook's answer leaves it. */
  async function mutated(pod: Pod, namespace: string, apiVersion?: string): Promise<Pod> {
    const answer = await post('mutate', JSON.stringify(admissionReview(pod, namespace, apiVersion)))
    assert.equal(answer.status, 200, JSON.stringify(answer.body))
    const review = answer.body as AdmissionAnswer
    if (admissionType) assert.deepEqual(admissionMismatches(review, admissionType), [])
    assert.equal(review.kind, 'AdmissionReview')
    assert.equal(review.apiVersion, apiVersion ?? 'admission.k8s.io/v1')
    assert.equal(review.response.uid, 'e911857d-c318-11e8-bbad-025000000001')
    assert.equal(review.response.allowed, true)
    assert.equal(review.response.patchType, 'JSONPatch')
    const patch = JSON.parse(
      Buffer.from(review.response.patch ?? '', 'base64').toString('utf8'),
    ) as Operation[]
    return fastJsonPatch.applyPatch(structuredClone(pod), patch, true).newDocument
  }

  const mint = async (namespace: string, account: string, extra: string[] = []) =>
    (
      await server.rolegateOk([
        'cluster',
        'token',
        CLUSTER,
        '--namespace',
        namespace,
        '--service-account',
        account,
        ...extra,
      ])
    ).trim()

  const assume = (token: string, role: string) =>
    awsCli({ endpoint: server.url, env: server.clientEnv }, [
      'sts',
      'assume-role-with-web-identity',
      '--role-arn',
      `arn:aws:iam::${ACCOUNT}:role/${role}`,
      '--role-session-name',
      'check',
      '--web-identity-token',
      token,
    ])

  const createRole = async (name: string, conditions: Record<string, Record<string, string>>) =>
    json(
      await iam([
        'create-role',
        '--role-name',
        name,
        '--assume-role-policy-document',
        webIdentityTrustPolicy(providerArn, conditions),
      ]),
    )

  const key = (name: 'sub' | 'aud') => `${hostPath(issuerUrl)}:${name}`

  before(async () => {
    server = await startFederationServer({ tls: true, clock })
    dir = mkdtempSync(join(tmpdir(), 'rolegate-irsa-'))
    const created = JSON.parse(
      await server.rolegateOk([
        'cluster',
        'create',
        CLUSTER,
        '--register-oidc-provider',
        '--region',
        REGION,
      ]),
    ) as {
      Cluster: { Identity: { Oidc: { Issuer: string } }; IssuerName: string }
      OpenIDConnectProviderArn: string
    }
    issuerUrl = created.Cluster.Identity.Oidc.Issuer
    issuerName = created.Cluster.IssuerName
    providerArn = created.OpenIDConnectProviderArn
    assert.equal(providerArn, `arn:aws:iam::${ACCOUNT}:oidc-provider/${hostPath(issuerUrl)}`)
    const manifest = join(dir, 'irsa.yaml')
    writeFileSync(manifest, MANIFEST)
    await server.rolegateOk(['cluster', 'apply', CLUSTER, '-f', manifest])
    await createRole(ROLE, {
      StringEquals: {
        [key('sub')]: 'system:serviceaccount:demo-namespace:app',
        [key('aud')]: 'sts.amazonaws.com',
      },
    })
  })
  after(async () => {
    await server.cleanup()
    rmSync(dir, { recursive: true, force: true })
  })

  /**
   * Steps 2-4: the pod mutated, its token minted and written under a temporary root. Answers the
   * pod's env with the token path re-rooted, and the patched pod.
   */
  async function podEnvironment(): Promise<{ env: Record<string, string>; pod: Pod }> {
    const pod = await mutated(podFor('app'), 'demo-namespace')
    const [container] = pod.spec.containers
    const env = Object.fromEntries((container?.env ?? []).map((e) => [e.name, e.value]))
    const tokenPath = env['AWS_WEB_IDENTITY_TOKEN_FILE'] ?? ''
    const mount = container?.volumeMounts?.find((m) => m.name === 'aws-iam-token')
    assert.ok(mount, 'the token volume is mounted')
    assert.equal(mount.readOnly, true)
    assert.ok(tokenPath.startsWith(`${mount.mountPath}/`), 'the token file is in the mount')
    const source = pod.spec.volumes?.find((v) => v.name === 'aws-iam-token')?.projected?.sources[0]
      ?.serviceAccountToken
    assert.ok(source, 'the projected service-account token volume')
    assert.equal(`${mount.mountPath}/${source.path}`, tokenPath)
    // What kubelet asks the TokenRequest API for: the volume's audience and lifetime.
    const token = await mint('demo-namespace', 'app', [
      '--audience',
      source.audience,
      '--ttl',
      String(source.expirationSeconds),
      '--pod',
      pod.metadata.name,
    ])
    const root = mkdtempSync(join(dir, 'root-'))
    const file = join(root, tokenPath)
    mkdirSync(dirname(file), { recursive: true })
    writeFileSync(file, token)
    return { env: { ...env, AWS_WEB_IDENTITY_TOKEN_FILE: file }, pod }
  }

  test("the webhook's env, and the token rolegate cluster token mints for it", async () => {
    const { env } = await podEnvironment()
    assert.deepEqual(Object.keys(env).sort(), [
      'AWS_DEFAULT_REGION',
      'AWS_REGION',
      'AWS_ROLE_ARN',
      'AWS_STS_REGIONAL_ENDPOINTS',
      'AWS_WEB_IDENTITY_TOKEN_FILE',
      'LOG_LEVEL',
    ])
    assert.equal(env['AWS_ROLE_ARN'], ROLE_ARN)
    assert.equal(env['AWS_REGION'], REGION)
    assert.equal(env['AWS_DEFAULT_REGION'], REGION)
    assert.equal(env['AWS_STS_REGIONAL_ENDPOINTS'], 'regional')
    const { header, claims } = decodeJwt(
      readFileSync(env['AWS_WEB_IDENTITY_TOKEN_FILE'] ?? '', 'utf8'),
    )
    assert.equal(header['alg'], 'RS256')
    assert.equal(claims['iss'], issuerUrl)
    assert.equal(claims['sub'], 'system:serviceaccount:demo-namespace:app')
    assert.deepEqual(claims['aud'], ['sts.amazonaws.com'])
    assert.equal((claims['exp'] as number) - (claims['iat'] as number), 86400)
    const kubernetes = claims['kubernetes.io'] as { pod: { name: string }; namespace: string }
    assert.equal(kubernetes.namespace, 'demo-namespace')
    assert.equal(kubernetes.pod.name, 'web')
  })

  test('the AWS CLI with the pod env: assumed-role/ROLE/botocore-session-...', async () => {
    const { env } = await podEnvironment()
    const result = await awsWithoutEndpoint(
      { ...env, AWS_ENDPOINT_URL_STS: server.url, ...server.clientEnv },
      ['sts', 'get-caller-identity'],
    )
    const identity = json<{ Arn: string; Account: string }>(result)
    assert.match(
      identity.Arn,
      new RegExp(`^arn:aws:sts::${ACCOUNT}:assumed-role/${ROLE}/botocore-session-\\d+$`),
    )
    assert.equal(identity.Account, ACCOUNT)
  })

  test('boto3 with the pod env', async () => {
    const { env } = await podEnvironment()
    const result = await boto3Script(
      {
        endpoint: server.url,
        env: { ...env, AWS_ENDPOINT_URL_STS: server.url, ...server.clientEnv },
      },
      [
        'import boto3, json',
        'session = boto3.session.Session()',
        'identity = session.client("sts").get_caller_identity()',
        'print(json.dumps({"method": session.get_credentials().method, "arn": identity["Arn"],',
        '                  "region": session.region_name}))',
      ].join('\n'),
    )
    assert.equal(result.code, 0, result.stderr)
    const printed = JSON.parse(result.stdout) as { method: string; arn: string; region: string }
    assert.equal(printed.method, 'assume-role-with-web-identity')
    assert.match(
      printed.arn,
      new RegExp(`^arn:aws:sts::${ACCOUNT}:assumed-role/${ROLE}/botocore-session-\\d+$`),
    )
    assert.equal(printed.region, REGION)
  })

  test('@aws-sdk/credential-providers fromTokenFile with the pod env', async () => {
    const { env } = await podEnvironment()
    const script = [
      "import { fromTokenFile } from '@aws-sdk/credential-providers'",
      "import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts'",
      'const sts = new STSClient({ credentials: fromTokenFile(), maxAttempts: 1 })',
      'const identity = await sts.send(new GetCallerIdentityCommand({}))',
      'console.log(JSON.stringify({ arn: identity.Arn, region: await sts.config.region() }))',
    ].join('\n')
    const result = await run(
      process.execPath,
      ['--input-type=module', '-e', script],
      {
        PATH: process.env['PATH'] ?? '/usr/bin:/bin',
        HOME: dir,
        ...env,
        AWS_ENDPOINT_URL_STS: server.url,
        NODE_EXTRA_CA_CERTS: server.caFile ?? '',
      },
      process.cwd(),
    )
    assert.equal(result.code, 0, result.stderr)
    const printed = JSON.parse(result.stdout) as { arn: string; region: string }
    // The SDK for JavaScript names its sessions aws-sdk-js-session-EPOCH.
    assert.match(
      printed.arn,
      new RegExp(`^arn:aws:sts::${ACCOUNT}:assumed-role/${ROLE}/aws-sdk-js-session-\\d+$`),
    )
    assert.equal(printed.region, REGION)
  })

  test('AdmissionReview v1beta1 is answered in v1beta1 with the same patch', async () => {
    const pod = await mutated(podFor('app'), 'demo-namespace', 'admission.k8s.io/v1beta1')
    const env = pod.spec.containers[0]?.env ?? []
    assert.ok(env.some((e) => e.name === 'AWS_ROLE_ARN' && e.value === ROLE_ARN))
  })

  test('no role, no service account, no namespace, malformed JSON: clear answers, never a 500', async () => {
    const unchanged = async (pod: Pod, namespace: string) => {
      const answer = await post('mutate', JSON.stringify(admissionReview(pod, namespace)))
      assert.equal(answer.status, 200)
      const review = answer.body as AdmissionAnswer & { response: { warnings?: string[] } }
      if (admissionType) assert.deepEqual(admissionMismatches(review, admissionType), [])
      const { response } = review
      assert.equal(response.allowed, true)
      assert.equal(response.patch, undefined)
      return response.warnings
    }
    assert.equal(await unchanged(podFor('worker'), 'demo-namespace'), undefined)
    assert.deepEqual(await unchanged(podFor('ghost'), 'demo-namespace'), [
      `cluster ${CLUSTER} has no ServiceAccount "ghost" in namespace "demo-namespace" in rolegate: the pod gets no AWS identity`,
    ])
    assert.deepEqual(await unchanged(podFor('app'), 'nowhere'), [
      `cluster ${CLUSTER} has no namespace "nowhere" in rolegate: the pod gets no AWS identity`,
    ])
    for (const body of ['{"apiVersion": "admission.k8s.io/v1", "kind": ', 'null', '[]']) {
      const answer = await post('mutate', body)
      assert.equal(answer.status, 400, JSON.stringify(answer.body))
      const status = answer.body as { kind: string; reason: string; code: number }
      assert.equal(status.kind, 'Status')
      assert.equal(status.reason, 'BadRequest')
      assert.equal(status.code, 400)
    }
  })

  test('a body past the apiserver limit (3 MiB) is refused, not read', async () => {
    const pod = podFor('app')
    const padded = {
      ...admissionReview(pod, 'demo-namespace'),
      padding: 'x'.repeat(3 * 1024 * 1024),
    }
    const answer = await post('mutate', JSON.stringify(padded))
    assert.equal(answer.status, 413, JSON.stringify(answer.body).slice(0, 300))
    assert.equal((answer.body as { kind: string }).kind, 'Status')
  })

  describe("the source scenario's trust policies", () => {
    before(async () => {
      await createRole('demo-wildcard', {
        StringLike: { [key('sub')]: 'system:serviceaccount:demo-namespace:*' },
        StringEquals: { [key('aud')]: 'sts.amazonaws.com' },
      })
      await createRole('demo-literal', {
        StringEquals: {
          [key('sub')]: 'system:serviceaccount:demo-namespace:*',
          [key('aud')]: 'sts.amazonaws.com',
        },
      })
      await createRole('demo-on-aud', {
        StringLike: { [key('aud')]: 'system:serviceaccount:demo-namespace:*' },
      })
    })

    test('StringLike on system:serviceaccount:demo-namespace:* admits the namespace only', async () => {
      for (const account of ['app', 'worker']) {
        const assumed = json<{
          AssumedRoleUser: { Arn: string }
          SubjectFromWebIdentityToken: string
        }>(await assume(await mint('demo-namespace', account), 'demo-wildcard'))
        assert.equal(
          assumed.SubjectFromWebIdentityToken,
          `system:serviceaccount:demo-namespace:${account}`,
        )
        assert.equal(
          assumed.AssumedRoleUser.Arn,
          `arn:aws:sts::${ACCOUNT}:assumed-role/demo-wildcard/check`,
        )
      }
      assertRefused(await assume(await mint('other-namespace', 'app'), 'demo-wildcard'), DENIED)
    })

    test('the same value under StringEquals admits nothing: * is literal there', async () => {
      for (const account of ['app', 'worker']) {
        assertRefused(await assume(await mint('demo-namespace', account), 'demo-literal'), DENIED)
      }
    })

    test('the pattern on :aud instead of :sub refuses, and the decoded message names the key', async () => {
      const token = await mint('demo-namespace', 'app')
      assertRefused(await assume(token, 'demo-on-aud'), DENIED)
      // boto3 keeps the error's EncodedAuthorizationMessage; the AWS CLI decodes it as the admin.
      const refused = await boto3Script(
        { endpoint: server.url, env: { ...server.clientEnv, TOKEN: token } },
        [
          'import boto3, botocore, json, os',
          'sts = boto3.client("sts", endpoint_url=os.environ["ROLEGATE_ENDPOINT"],',
          '    config=botocore.config.Config(signature_version=botocore.UNSIGNED))',
          'try:',
          `    sts.assume_role_with_web_identity(RoleArn="arn:aws:iam::${ACCOUNT}:role/demo-on-aud",`,
          '        RoleSessionName="check", WebIdentityToken=os.environ["TOKEN"])',
          'except botocore.exceptions.ClientError as error:',
          '    print(error.response["Error"]["EncodedAuthorizationMessage"])',
        ].join('\n'),
      )
      assert.equal(refused.code, 0, refused.stderr)
      const decoded = json<{ DecodedMessage: string }>(
        await awsCli({ endpoint: server.url, credentials: server.admin, env: server.clientEnv }, [
          'sts',
          'decode-authorization-message',
          '--encoded-message',
          refused.stdout.trim(),
        ]),
      )
      const message = JSON.parse(decoded.DecodedMessage) as {
        context: {
          action: string
          conditions: { items: Array<{ key: string; values: { items: Array<{ value: string }> } }> }
        }
        rolegate: { explanation: string }
      }
      assert.equal(message.context.action, 'sts:AssumeRoleWithWebIdentity')
      const aud = message.context.conditions.items.find((item) => item.key === key('aud'))
      assert.deepEqual(aud?.values.items, [{ value: 'sts.amazonaws.com' }])
      // The explanation names the condition that failed (`-`): StringLike on the :aud key, with
      // the pattern it expected and the audience the token had.
      const lines = message.rolegate.explanation.split('\n').map((line) => line.trim())
      assert.ok(
        lines.includes(
          `- StringLike ${key('aud')}: expected ["system:serviceaccount:demo-namespace:*"], actual ["sts.amazonaws.com"]`,
        ),
        message.rolegate.explanation,
      )
    })
  })

  test('rolegate cluster token: usage errors exit 2, refusals name what is missing', async () => {
    const usage = async (args: string[], message: string) => {
      const result = await server.rolegate(['cluster', 'token', CLUSTER, ...args])
      assert.equal(result.code, 2)
      assert.ok(result.err.startsWith(`rolegate cluster: ${message}\n`), result.err)
    }
    await usage(['--service-account', 'app'], '--namespace (-n) is required')
    await usage(['-n', 'demo-namespace'], '--service-account is required')
    await usage(
      ['-n', 'demo-namespace', '--service-account', 'app', '--ttl', '1h'],
      "--ttl must be a number of seconds, got '1h'",
    )
    const missing = await server.rolegate([
      'cluster',
      'token',
      CLUSTER,
      '-n',
      'demo-namespace',
      '--service-account',
      'ghost',
    ])
    assert.equal(missing.code, 1)
    assert.equal(
      missing.err,
      `An error occurred (ResourceNotFoundException) when calling the CreateServiceAccountToken operation: serviceaccounts "ghost" not found in namespace "demo-namespace" of cluster ${CLUSTER}\n`,
    )
    assert.equal(missing.out, '')
  })

  describe(
    'kubectl create token: TokenRequest on the kubectl face, authorised by RBAC',
    {
      skip: kubectlSkip(),
    },
    () => {
      const as: Record<'minter' | 'viewer', KubectlEnvironment> = {
        minter: { kubeconfig: '' },
        viewer: { kubeconfig: '' },
      }

      before(async () => {
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
        const credentials = join(dir, 'kube-credentials')
        const config = join(dir, 'kube-config')
        writeFileSync(
          credentials,
          `[admin]\naws_access_key_id = ${server.admin.accessKeyId}\naws_secret_access_key = ${server.admin.secretAccessKey}\n`,
        )
        let profiles = ''
        for (const [profile, role] of [
          ['minter', 'TokenMinter'],
          ['viewer', 'TokenViewer'],
        ] as const) {
          json(
            await iam(['create-role', '--role-name', role, '--assume-role-policy-document', trust]),
          )
          await server.rolegateOk([
            'cluster',
            'map-role',
            CLUSTER,
            '--arn',
            `arn:aws:iam::${ACCOUNT}:role/${role}`,
            '--username',
            `token-${profile}`,
            '--group',
            `token-${profile}s`,
          ])
          profiles += `[profile ${profile}]\nrole_arn = arn:aws:iam::${ACCOUNT}:role/${role}\nsource_profile = admin\n\n`
          const kubeconfig = join(dir, `kubeconfig-${profile}`)
          await server.rolegateOk([
            'cluster',
            'kubeconfig',
            CLUSTER,
            '--profile',
            profile,
            '--kubeconfig',
            kubeconfig,
          ])
          as[profile] = {
            kubeconfig,
            env: { AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: credentials },
          }
        }
        writeFileSync(config, profiles)
        // RBAC: only the minters may create service-account tokens in demo-namespace.
        const rbac = join(dir, 'token-rbac.yaml')
        writeFileSync(
          rbac,
          `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: token-creator, namespace: demo-namespace}
rules: [{apiGroups: [""], resources: [serviceaccounts/token], verbs: [create]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: token-creators, namespace: demo-namespace}
subjects: [{kind: Group, name: token-minters, apiGroup: rbac.authorization.k8s.io}]
roleRef: {kind: Role, name: token-creator, apiGroup: rbac.authorization.k8s.io}
`,
        )
        await server.rolegateOk(['cluster', 'apply', CLUSTER, '-f', rbac])
      })

      test('a token for the service account that assumes its role', async () => {
        const created = await kubectl(as.minter, [
          'create',
          'token',
          'app',
          '-n',
          'demo-namespace',
          '--audience',
          'sts.amazonaws.com',
        ])
        assert.equal(created.code, 0, created.stderr)
        const token = created.stdout.trim()
        const { header, claims } = decodeJwt(token)
        assert.equal(header['alg'], 'RS256')
        assert.equal(claims['iss'], issuerUrl)
        assert.equal(claims['sub'], 'system:serviceaccount:demo-namespace:app')
        assert.deepEqual(claims['aud'], ['sts.amazonaws.com'])
        // TokenRequestSpec's default lifetime: one hour.
        assert.equal((claims['exp'] as number) - (claims['iat'] as number), 3600)
        const assumed = json<{ AssumedRoleUser: { Arn: string } }>(await assume(token, ROLE))
        assert.equal(
          assumed.AssumedRoleUser.Arn,
          `arn:aws:sts::${ACCOUNT}:assumed-role/${ROLE}/check`,
        )
      })

      test('bound to a pod, for a while; the whole TokenRequest as kubectl prints it', async () => {
        const created = await kubectl(as.minter, [
          'create',
          'token',
          'app',
          '-n',
          'demo-namespace',
          '--duration',
          '20m',
          '--bound-object-kind',
          'Pod',
          '--bound-object-name',
          'web-0',
          '-o',
          'json',
        ])
        assert.equal(created.code, 0, created.stderr)
        const request = JSON.parse(created.stdout) as {
          kind: string
          apiVersion: string
          spec: { audiences: string[]; expirationSeconds: number }
          status: { token: string; expirationTimestamp: string }
        }
        assert.equal(request.kind, 'TokenRequest')
        assert.equal(request.apiVersion, 'authentication.k8s.io/v1')
        assert.equal(request.spec.expirationSeconds, 1200)
        assert.deepEqual(request.spec.audiences, ['sts.amazonaws.com'])
        const { claims } = decodeJwt(request.status.token)
        assert.equal(
          new Date(request.status.expirationTimestamp).getTime(),
          (claims['exp'] as number) * 1000,
        )
        assert.equal((claims['kubernetes.io'] as { pod: { name: string } }).pod.name, 'web-0')
      })

      test("refusals in the apiserver's words: lifetime, a missing account, RBAC", async () => {
        const short = await kubectl(as.minter, [
          'create',
          'token',
          'app',
          '-n',
          'demo-namespace',
          '--duration',
          '5m',
        ])
        assert.equal(short.code, 1)
        assert.equal(
          short.stderr,
          'error: failed to create token: TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: Invalid value: 300: may not specify a duration less than 10 minutes\n',
        )
        const ghost = await kubectl(as.minter, ['create', 'token', 'ghost', '-n', 'demo-namespace'])
        assert.equal(ghost.code, 1)
        assert.equal(
          ghost.stderr,
          'error: failed to create token: serviceaccounts "ghost" not found\n',
        )
        const viewer = await kubectl(as.viewer, ['create', 'token', 'app', '-n', 'demo-namespace'])
        assert.equal(viewer.code, 1)
        assert.equal(
          viewer.stderr,
          'error: failed to create token: serviceaccounts "app" is forbidden: User "token-viewer" cannot create resource "serviceaccounts/token" in API group "" in the namespace "demo-namespace"\n',
        )
      })
    },
  )

  test('a rotated cluster issuer: tokens of the previous key verify until they expire', async () => {
    const before = await mint('demo-namespace', 'app', ['--ttl', '600'])
    const oldKid = decodeJwt(before).header['kid']
    await server.rolegateOk(['issuer', 'rotate-key', issuerName])
    const after = await mint('demo-namespace', 'app', ['--ttl', '600'])
    assert.notEqual(decodeJwt(after).header['kid'], oldKid)
    for (const token of [before, after]) {
      json(await assume(token, ROLE))
    }
    // Past its expiry (and the minute of skew allowed), the old key's token is refused.
    clock.offsetMs = 662_000
    try {
      assertRefused(await assume(before, ROLE), {
        code: 'ExpiredTokenException',
        operation: 'AssumeRoleWithWebIdentity',
        message:
          /^Token expired: current date\/time \d+ must be before the expiration date\/time \d+$/,
      })
      const fresh = await mint('demo-namespace', 'app')
      assert.notEqual(decodeJwt(fresh).header['kid'], oldKid)
      json(await assume(fresh, ROLE))
    } finally {
      clock.offsetMs = 0
    }
  })
})
