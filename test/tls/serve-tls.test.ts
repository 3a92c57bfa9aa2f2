// `rolegate serve --tls` end to end: the local CA is made in the data directory and printed; the
// AWS CLI trusts the server with AWS_CA_BUNDLE and refuses it without; our own client commands do
// the same; --tls-cert/--tls-key serve an operator's certificate; the flags are checked.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { runCli } from '../../src/cli/run-cli.js'
import { parseServeOptions } from '../../src/cli/serve-options.js'
import { UsageError } from '../../src/cli/usage-error.js'
import type { RunningRolegate } from '../../src/main.js'
import { awsCli, json } from '../support/aws-cli.js'
import { runRolegate } from '../support/rolegate-cli.js'
import { TEST_ADMIN_KEY } from '../support/server.js'

const ENV = {
  ROLEGATE_ADMIN_ACCESS_KEY_ID: TEST_ADMIN_KEY.accessKeyId,
  ROLEGATE_ADMIN_SECRET_ACCESS_KEY: TEST_ADMIN_KEY.secretAccessKey,
}

async function serve(args: string[]): Promise<{ running: RunningRolegate; out: string }> {
  let out = ''
  let err = ''
  const result = await runCli(['serve', '--port', '0', '--quiet', ...args], {
    out: (text) => (out += text),
    err: (text) => (err += text),
    env: ENV,
  })
  assert.notEqual(typeof result, 'number', err)
  return { running: result as RunningRolegate, out }
}

const client = (args: string[], env: NodeJS.ProcessEnv) => runRolegate(args, env)

describe('serve --tls with the local CA', () => {
  let dir: string
  let running: RunningRolegate
  let out: string
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rolegate-serve-tls-'))
    ;({ running, out } = await serve(['--tls', '--data', dir]))
  })
  after(async () => {
    await running.close()
    rmSync(dir, { recursive: true, force: true })
  })

  test('listens on https, public URL https, and prints the CA to trust', () => {
    assert.match(running.url, /^https:\/\/127\.0\.0\.1:\d+$/)
    assert.equal(running.publicUrl, running.url)
    assert.equal(running.tls?.caFile, join(dir, 'ca.pem'))
    assert.ok(out.includes(`export AWS_CA_BUNDLE=${join(dir, 'ca.pem')}`), out)
  })

  test('the AWS CLI succeeds with AWS_CA_BUNDLE and fails verification without it', async () => {
    const target = { endpoint: running.url, credentials: TEST_ADMIN_KEY }
    const trusted = await awsCli({ ...target, env: { AWS_CA_BUNDLE: join(dir, 'ca.pem') } }, [
      'iam',
      'list-users',
    ])
    const users = json<{ Users: { UserName: string }[] }>(trusted)
    assert.deepEqual(
      users.Users.map((user) => user.UserName),
      ['admin'],
    )
    const untrusted = await awsCli(target, ['iam', 'list-users'])
    assert.notEqual(untrusted.code, 0)
    assert.match(untrusted.stderr, /SSL validation failed .*CERTIFICATE_VERIFY_FAILED/s)
  })

  test('rolegate client commands honour AWS_CA_BUNDLE', async () => {
    const env = {
      AWS_ACCESS_KEY_ID: TEST_ADMIN_KEY.accessKeyId,
      AWS_SECRET_ACCESS_KEY: TEST_ADMIN_KEY.secretAccessKey,
      AWS_ENDPOINT_URL: running.url,
      HOME: dir,
    }
    const trusted = await client(['issuer', 'create', 'tls'], {
      ...env,
      AWS_CA_BUNDLE: join(dir, 'ca.pem'),
    })
    assert.equal(trusted.code, 0, trusted.err)
    assert.match(trusted.out, new RegExp(`"IssuerUrl": "${running.url}/issuers/123456789012/tls"`))
    const untrusted = await client(['issuer', 'list'], env)
    assert.equal(untrusted.code, 1)
    assert.match(
      untrusted.err,
      /^rolegate issuer: SSL validation failed for https:\/\/127\.0\.0\.1:\d+: .*certificate/,
    )
    const discovery = await client(['issuer', 'list', '--ca-bundle', join(dir, 'ca.pem')], env)
    assert.equal(discovery.code, 0, discovery.err)
  })

  test('--tls-cert/--tls-key serve given files', async () => {
    const ownDir = mkdtempSync(join(tmpdir(), 'rolegate-own-cert-'))
    const second = await serve([
      '--data',
      ownDir,
      '--tls-cert',
      join(dir, 'server.pem'),
      '--tls-key',
      join(dir, 'server-key.pem'),
    ])
    try {
      assert.match(second.running.url, /^https:/)
      assert.equal(second.running.tls?.caFile, undefined)
      assert.match(second.out, /TLS certificate: +.*server\.pem/)
      const listed = await awsCli(
        {
          endpoint: second.running.url,
          credentials: TEST_ADMIN_KEY,
          env: { AWS_CA_BUNDLE: join(dir, 'ca.pem') },
        },
        ['iam', 'list-users'],
      )
      assert.equal(listed.code, 0, listed.stderr)
    } finally {
      await second.running.close()
      rmSync(ownDir, { recursive: true, force: true })
    }
  })
})

describe('serve TLS options', () => {
  test('--tls, --tls-cert and --tls-key', () => {
    const local = parseServeOptions(['--tls'])
    assert.ok(local !== 'help')
    assert.deepEqual(local.tls, {})
    const own = parseServeOptions(['--tls-cert', 'c.pem', '--tls-key', 'k.pem'])
    assert.ok(own !== 'help')
    assert.match(own.tls?.certFile ?? '', /\/c\.pem$/)
    const plain = parseServeOptions([])
    assert.ok(plain !== 'help')
    assert.equal(plain.tls, undefined)
    assert.equal(plain.allowHttpIssuers, false)
  })

  test('--allow-http-issuers', () => {
    const options = parseServeOptions(['--allow-http-issuers'])
    assert.ok(options !== 'help')
    assert.equal(options.allowHttpIssuers, true)
  })

  test('bad combinations are usage errors', () => {
    assert.throws(
      () => parseServeOptions(['--tls-cert', 'c.pem']),
      new UsageError('--tls-cert and --tls-key go together'),
    )
    assert.throws(
      () => parseServeOptions(['--tls', '--public-url', 'http://example.com']),
      new UsageError("--public-url must be https:// when serving TLS, got 'http://example.com'"),
    )
  })
})
