// `rolegate cluster webhook-config`: the command line's refusals (each a usage error with the
// help, exit 2, nothing written) and its setup errors (exit 1); what the files hold is read back
// by kubectl and used end to end in test/e2e/kubernetes-webhooks.test.ts.
import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { parse } from 'yaml'
import { runClusterWebhookConfig } from '../../src/cli/cluster-webhook-config.js'

const run = async (args: string[], env: NodeJS.ProcessEnv = {}) => {
  let out = ''
  let err = ''
  const code = await runClusterWebhookConfig(args, {
    out: (text) => (out += text),
    err: (text) => (err += text),
    env,
  })
  return { code, out, err }
}

describe('rolegate cluster webhook-config', () => {
  const USAGE: Array<[string, string[], RegExp]> = [
    ['no cluster name', ['--endpoint', 'https://h'], /needs a cluster NAME/],
    ['an option it does not have', ['-x', '--endpoint', 'https://h'], /Unknown option '-x'/],
    ['a name EKS refuses', ['_x', '--endpoint', 'https://h'], /'_x' is no cluster name/],
    ['two names', ['a', 'b', '--endpoint', 'https://h'], /unexpected argument 'b'/],
    ['no endpoint', ['demo'], /no endpoint/],
    ['a plain http endpoint', ['demo', '--endpoint', 'http://h:4599'], /must be an https:\/\/ URL/],
    [
      '--force without --write',
      ['demo', '--endpoint', 'https://h', '--force'],
      /--force applies only with --write/,
    ],
  ]
  for (const [name, args, message] of USAGE) {
    test(`usage error: ${name}`, async () => {
      const result = await run(args)
      assert.equal(result.code, 2)
      assert.match(result.err, message)
      assert.match(result.err, /usage: rolegate cluster webhook-config NAME/)
      assert.equal(result.out, '')
    })
  }

  test('a CA bundle that is not a certificate is refused (exit 1)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rolegate-webhook-config-'))
    const file = join(dir, 'ca.pem')
    writeFileSync(file, 'not a certificate')
    const result = await run(['demo', '--endpoint', 'https://h', '--ca-bundle', file])
    assert.equal(result.code, 1)
    assert.equal(result.err, `rolegate cluster webhook-config: ${file} holds no PEM certificate\n`)
  })

  test('printed: two kubeconfigs naming the webhooks, then the flags; AWS_ENDPOINT_URL as endpoint', async () => {
    const result = await run(['demo', '--dir', '/etc/k'], {
      AWS_ENDPOINT_URL: 'https://rolegate.example.com:4599/',
    })
    assert.equal(result.code, 0, result.err)
    const [authn = '', authz, flags] = result.out.split(/^# /m).filter((part) => part !== '')
    assert.ok(authn.startsWith('/etc/k/demo-authentication-webhook.yaml\n'))
    assert.ok(authz?.startsWith('/etc/k/demo-authorization-webhook.yaml\n'))
    const config = parse(authn.slice(authn.indexOf('\n') + 1)) as {
      clusters: Array<{ cluster: { server: string } }>
      'current-context': string
    }
    assert.equal(
      config.clusters[0]?.cluster.server,
      'https://rolegate.example.com:4599/clusters/demo/authenticate',
    )
    assert.equal(config['current-context'], 'webhook')
    assert.equal(
      flags,
      'kube-apiserver flags\n--authentication-token-webhook-config-file=/etc/k/demo-authentication-webhook.yaml\n--authentication-token-webhook-version=v1\n--authorization-webhook-config-file=/etc/k/demo-authorization-webhook.yaml\n--authorization-webhook-version=v1\n--authorization-mode=Node,Webhook\n',
    )
  })

  test('--write: mode 0600 files, refused over existing ones without --force', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'rolegate-webhook-config-')), 'nested')
    const args = ['demo', '--endpoint', 'https://h', '--dir', dir, '--write']
    const first = await run(args)
    assert.equal(first.code, 0, first.err)
    const file = join(dir, 'demo-authorization-webhook.yaml')
    assert.equal(statSync(file).mode & 0o777, 0o600)
    const before = readFileSync(file, 'utf8')
    const again = await run(args)
    assert.equal(again.code, 1)
    assert.match(again.err, /exists; pass --force to replace it/)
    assert.equal(readFileSync(file, 'utf8'), before)
    const forced = await run([...args, '--force'])
    assert.equal(forced.code, 0, forced.err)
    assert.ok(existsSync(join(dir, 'demo-authentication-webhook.yaml')))
  })
})
