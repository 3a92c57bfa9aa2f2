// `rolegate cluster kubeconfig NAME`: the file kubectl 1.32 reads back (`kubectl config view`), the
// command line's refusals, and end to end over TLS: kubectl runs the exec plugin the file names
// (the real `aws eks get-token` with a profile), sends its token to a server that trusts rolegate's
// CA, and that token verifies against the running rolegate for the cluster named.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:https'
import type { Server } from 'node:https'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { pino } from 'pino'
import { kubeconfigFor, runClusterKubeconfig } from '../../src/cli/cluster-kubeconfig.js'
import { startRolegate } from '../../src/main.js'
import type { RunningRolegate } from '../../src/main.js'
import { requireOrSkip } from '../support/requirements.js'
import { runProcess } from '../support/run-process.js'
import { TEST_ADMIN_KEY } from '../support/server.js'

const kubectlMissing = (): string | undefined =>
  spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0
    ? undefined
    : 'kubectl is not installed'
const kubectlSkip = requireOrSkip(kubectlMissing())

const scratch = () => mkdtempSync(join(tmpdir(), 'rolegate-kubeconfig-'))

/** A clean environment: no kubeconfig or AWS settings of the machine's user. */
function isolatedEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const home = scratch()
  return {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: home,
    AWS_CONFIG_FILE: join(home, 'aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    ...(process.env['PYENV_ROOT'] ? { PYENV_ROOT: process.env['PYENV_ROOT'] } : {}),
    ...extra,
  }
}

const capture = (env: NodeJS.ProcessEnv = {}) => {
  const io = { stdout: '', stderr: '' }
  return {
    io,
    cli: {
      out: (text: string) => (io.stdout += text),
      err: (text: string) => (io.stderr += text),
      env,
    },
  }
}

interface ViewedConfig {
  clusters: Array<{ name: string; cluster: Record<string, unknown> }>
  users: Array<{ name: string; user: { exec: Record<string, unknown> } }>
  contexts: Array<{ name: string; context: Record<string, unknown> }>
  'current-context': string
}

async function kubectlView(file: string): Promise<ViewedConfig> {
  const viewed = await runProcess(
    'kubectl',
    ['config', 'view', '--kubeconfig', file, '--raw', '-o', 'json'],
    isolatedEnv(),
  )
  assert.equal(viewed.code, 0, viewed.stderr)
  return JSON.parse(viewed.stdout) as ViewedConfig
}

const CA_PEM = (dir: string): string => {
  // A real certificate, so the command's CA check passes: openssl makes one.
  const made = spawnSync('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-subj',
    '/CN=test CA',
    '-days',
    '1',
    '-keyout',
    join(dir, 'ca-key.pem'),
    '-out',
    join(dir, 'ca.pem'),
  ])
  assert.equal(made.status, 0, made.stderr.toString())
  return join(dir, 'ca.pem')
}

describe('the kubeconfig, as kubectl reads it', { skip: kubectlSkip }, () => {
  test('cluster, user with the exec plugin, context, current context', async () => {
    const dir = scratch()
    const file = join(dir, 'config')
    const caPem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'
    writeFileSync(
      file,
      kubeconfigFor({
        clusterName: 'prod',
        endpoint: 'https://rolegate.example.com:4599/',
        caPem,
        caFile: '/etc/rolegate/ca.pem',
        profile: 'kube-dev',
        region: 'eu-west-1',
      }),
    )
    const viewed = await kubectlView(file)
    assert.deepEqual(viewed.clusters, [
      {
        name: 'rolegate-prod',
        cluster: {
          server: 'https://rolegate.example.com:4599/clusters/prod/k8s',
          'certificate-authority-data': Buffer.from(caPem).toString('base64'),
        },
      },
    ])
    assert.deepEqual(viewed.users, [
      {
        name: 'rolegate-prod',
        user: {
          exec: {
            apiVersion: 'client.authentication.k8s.io/v1beta1',
            command: 'aws',
            args: [
              '--region',
              'eu-west-1',
              'eks',
              'get-token',
              '--cluster-name',
              'prod',
              '--output',
              'json',
            ],
            env: [
              { name: 'AWS_ENDPOINT_URL_STS', value: 'https://rolegate.example.com:4599' },
              { name: 'AWS_CA_BUNDLE', value: '/etc/rolegate/ca.pem' },
              { name: 'AWS_PROFILE', value: 'kube-dev' },
            ],
            interactiveMode: 'IfAvailable',
            provideClusterInfo: false,
          },
        },
      },
    ])
    assert.deepEqual(viewed.contexts, [
      { name: 'rolegate-prod', context: { cluster: 'rolegate-prod', user: 'rolegate-prod' } },
    ])
    assert.equal(viewed['current-context'], 'rolegate-prod')
    rmSync(dir, { recursive: true, force: true })
  })

  test('the command: flags over the environment, the file written 0600', async () => {
    const dir = scratch()
    const ca = CA_PEM(dir)
    const file = join(dir, 'kubeconfig')
    const { io, cli } = capture({
      AWS_ENDPOINT_URL: 'https://ignored.example.com',
      AWS_DEFAULT_REGION: 'ap-south-1',
      AWS_PROFILE: 'from-env',
    })
    const code = await runClusterKubeconfig(
      [
        'dev_cluster-1',
        '--endpoint',
        'https://rolegate.internal:8443',
        '--ca-bundle',
        ca,
        '--alias',
        'dev',
        '--kubeconfig',
        file,
      ],
      cli,
    )
    assert.equal(code, 0, io.stderr)
    assert.equal(io.stdout, `wrote ${file}: context dev (kubectl --kubeconfig ${file} ...)\n`)
    assert.equal(statSync(file).mode & 0o777, 0o600)
    const viewed = await kubectlView(file)
    assert.equal(viewed['current-context'], 'dev')
    assert.equal(
      viewed.clusters[0]?.cluster['server'],
      'https://rolegate.internal:8443/clusters/dev_cluster-1/k8s',
    )
    assert.equal(
      viewed.clusters[0]?.cluster['certificate-authority-data'],
      readFileSync(ca).toString('base64'),
    )
    const exec = viewed.users[0]?.user.exec
    assert.deepEqual(exec?.['args'], [
      '--region',
      'ap-south-1',
      'eks',
      'get-token',
      '--cluster-name',
      'dev_cluster-1',
      '--output',
      'json',
    ])
    assert.deepEqual(exec?.['env'], [
      { name: 'AWS_ENDPOINT_URL_STS', value: 'https://rolegate.internal:8443' },
      { name: 'AWS_CA_BUNDLE', value: ca },
      { name: 'AWS_PROFILE', value: 'from-env' },
    ])

    const again = capture()
    assert.equal(
      await runClusterKubeconfig(
        ['dev', '--endpoint', 'https://h', '--kubeconfig', file],
        again.cli,
      ),
      1,
    )
    assert.equal(
      again.io.stderr,
      `rolegate cluster kubeconfig: ${file} exists; pass --force to replace it\n`,
    )
    rmSync(dir, { recursive: true, force: true })
  })
})

describe('rolegate cluster kubeconfig: refusals, before anything is written', () => {
  const refusals: Array<{
    args: string[]
    env?: NodeJS.ProcessEnv
    code: number
    first: string | RegExp
  }> = [
    { args: [], code: 2, first: 'rolegate cluster kubeconfig: kubeconfig needs a cluster NAME' },
    {
      args: ['prod', 'extra', '--endpoint', 'https://h'],
      code: 2,
      first: "rolegate cluster kubeconfig: unexpected argument 'extra'",
    },
    {
      args: ['-prod', '--endpoint', 'https://h'],
      code: 2,
      // node:util's own words, which vary between Node lines after the first sentence.
      first: /^rolegate cluster kubeconfig: Unknown option '-p'/,
    },
    {
      args: ['prod.example', '--endpoint', 'https://h'],
      code: 2,
      first:
        "rolegate cluster kubeconfig: 'prod.example' is no cluster name: letters, digits, '-'" +
        " and '_', starting with a letter or digit, at most 100",
    },
    {
      args: ['prod'],
      code: 2,
      first:
        "rolegate cluster kubeconfig: no endpoint: pass --endpoint URL (rolegate's public URL)",
    },
    {
      args: ['prod', '--endpoint', 'rolegate.example.com'],
      code: 2,
      first:
        "rolegate cluster kubeconfig: the endpoint must be an http:// or https:// URL, got 'rolegate.example.com'",
    },
    {
      args: ['prod', '--endpoint', 'https://h', '--force'],
      code: 2,
      first: 'rolegate cluster kubeconfig: --force applies only with --kubeconfig',
    },
    {
      args: ['prod', '--endpoint', 'https://h', '--ca-bundle', '/nonexistent/ca.pem'],
      code: 1,
      first:
        'rolegate cluster kubeconfig: cannot read the CA bundle /nonexistent/ca.pem: ENOENT: no' +
        " such file or directory, open '/nonexistent/ca.pem'",
    },
    {
      args: ['prod', '--endpoint', 'https://h'],
      env: { AWS_CA_BUNDLE: '/etc/hostname' },
      code: 1,
      first: 'rolegate cluster kubeconfig: /etc/hostname holds no PEM certificate',
    },
  ]
  for (const refusal of refusals) {
    test(`${refusal.args.join(' ') || '(no arguments)'} -> ${refusal.code}`, async () => {
      const { io, cli } = capture(refusal.env)
      assert.equal(await runClusterKubeconfig(refusal.args, cli), refusal.code)
      const line = io.stderr.split('\n')[0] ?? ''
      if (typeof refusal.first === 'string') assert.equal(line, refusal.first)
      else assert.match(line, refusal.first)
      assert.equal(io.stdout, '')
    })
  }

  test('a plain-http endpoint is written with a warning', async () => {
    const { io, cli } = capture()
    assert.equal(
      await runClusterKubeconfig(['prod', '--endpoint', 'http://127.0.0.1:4599'], cli),
      0,
    )
    assert.match(io.stdout, /server: "http:\/\/127\.0\.0\.1:4599\/clusters\/prod\/k8s"/)
    assert.equal(
      io.stderr,
      'rolegate cluster kubeconfig: warning: the endpoint is plain http; kubectl will send its' +
        ' tokens unencrypted\n',
    )
  })
})

describe(
  'kubectl runs the exec plugin; its token verifies at rolegate',
  { skip: kubectlSkip },
  () => {
    let running: RunningRolegate
    let dataDir: string
    let stub: Server
    let stubUrl: string
    const received: string[] = []

    before(async () => {
      dataDir = scratch()
      running = await startRolegate({
        host: '127.0.0.1',
        port: 0,
        dataDir,
        accountId: '123456789012',
        region: 'us-east-1',
        allowReset: false,
        adminKey: TEST_ADMIN_KEY,
        logger: pino({ level: 'silent' }),
        tls: {},
      })
      // Where kubectl sends its requests: a server with rolegate's own certificate (for 127.0.0.1),
      // so the kubeconfig's CA is what kubectl checks it against.
      const tls = running.tls!
      stub = createServer(
        { cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile) },
        (request, response) => {
          received.push(request.headers.authorization ?? '')
          response.writeHead(200, { 'content-type': 'application/json' })
          response.end(JSON.stringify({ major: '1', minor: '32', gitVersion: 'v1.32.0' }))
        },
      )
      await new Promise<void>((resolve) => stub.listen(0, '127.0.0.1', resolve))
      stubUrl = `https://127.0.0.1:${(stub.address() as AddressInfo).port}/clusters/prod/k8s`
    })

    after(async () => {
      await new Promise((resolve) => stub?.close(resolve))
      await running?.close()
      if (dataDir) rmSync(dataDir, { recursive: true, force: true })
    })

    test('a profile of the user, the real aws eks get-token, kubectl 1.32', async () => {
      const env = isolatedEnv()
      writeFileSync(
        env['AWS_SHARED_CREDENTIALS_FILE']!,
        `[kube-admin]\naws_access_key_id = ${TEST_ADMIN_KEY.accessKeyId}\n` +
          `aws_secret_access_key = ${TEST_ADMIN_KEY.secretAccessKey}\n`,
      )
      const file = join(env['HOME']!, 'kubeconfig')
      const { io, cli } = capture({})
      const code = await runClusterKubeconfig(
        [
          'prod',
          '--endpoint',
          running.publicUrl,
          '--ca-bundle',
          running.tls!.caFile!,
          '--profile',
          'kube-admin',
          '--region',
          'us-west-2',
          '--kubeconfig',
          file,
        ],
        cli,
      )
      assert.equal(code, 0, io.stderr)
      assert.equal(
        (await kubectlView(file)).clusters[0]?.cluster['server'],
        `${running.publicUrl}/clusters/prod/k8s`,
      )

      const kubectl = await runProcess(
        'kubectl',
        ['--kubeconfig', file, '--server', stubUrl, 'get', '--raw', '/version'],
        env,
      )
      assert.equal(kubectl.code, 0, kubectl.stderr)
      assert.deepEqual(JSON.parse(kubectl.stdout), {
        major: '1',
        minor: '32',
        gitVersion: 'v1.32.0',
      })
      const bearer = received.at(-1) ?? ''
      assert.match(bearer, /^Bearer k8s-aws-v1\./)
      const token = bearer.slice('Bearer '.length)

      const verified = await running.eksTokens.verify(token, 'prod')
      assert.ok('identity' in verified, JSON.stringify(verified))
      assert.equal(verified.identity.arn, 'arn:aws:iam::123456789012:user/admin')
      assert.equal(verified.identity.accessKeyId, TEST_ADMIN_KEY.accessKeyId)
      assert.equal(verified.identity.stsEndpoint, new URL(running.publicUrl).host)
      const presigned = new URL(Buffer.from(token.slice(11), 'base64url').toString())
      assert.match(
        presigned.searchParams.get('X-Amz-Credential') ?? '',
        /\/us-west-2\/sts\/aws4_request$/,
      )

      const other = await running.eksTokens.verify(token, 'staging')
      assert.ok('error' in other)
    })
  },
)
