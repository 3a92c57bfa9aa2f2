import assert from 'node:assert/strict'
import { resolve } from 'node:path'
import { describe, test } from 'node:test'
import { parseServeOptions } from '../../src/cli/serve-options.js'
import { UsageError } from '../../src/cli/usage-error.js'
import { adminKeyFromEnvironment, formatCredentialsFile } from '../../src/main.js'

describe('parseServeOptions', () => {
  test('defaults', () => {
    assert.deepEqual(parseServeOptions([]), {
      host: '127.0.0.1',
      port: 4599,
      dataDir: resolve('./.rolegate'),
      databaseUrl: undefined,
      masterKeyFile: undefined,
      accountId: '123456789012',
      region: 'us-east-1',
      publicUrl: undefined,
      allowReset: false,
      allowHttpIssuers: false,
      caBundleFile: undefined,
      tls: undefined,
      maxStalenessMs: 5000,
      quiet: false,
      workers: 1,
    })
  })

  test('every option', () => {
    const options = parseServeOptions([
      '--host',
      '::1',
      '--port',
      '0',
      '--data',
      '/var/lib/rolegate',
      '--database-url',
      'postgres://u:p@db/rolegate',
      '--master-key-file',
      '/run/secrets/rolegate-master-key',
      '--account-id',
      '210987654321',
      '--region',
      'eu-west-3',
      '--public-url',
      'https://iam.example.com/',
      '--allow-reset',
      '--allow-http-issuers',
      '--issuer-ca-bundle',
      '/etc/ssl/issuers.pem',
      '--tls',
      '--quiet',
      '--workers',
      '4',
      '--max-staleness',
      '2.5',
    ])
    assert.deepEqual(options, {
      host: '::1',
      port: 0,
      dataDir: '/var/lib/rolegate',
      databaseUrl: 'postgres://u:p@db/rolegate',
      masterKeyFile: '/run/secrets/rolegate-master-key',
      accountId: '210987654321',
      region: 'eu-west-3',
      publicUrl: 'https://iam.example.com',
      allowReset: true,
      allowHttpIssuers: true,
      caBundleFile: '/etc/ssl/issuers.pem',
      tls: {},
      maxStalenessMs: 2500,
      quiet: true,
      workers: 4,
    })
  })

  test('--allow-reset with any loopback host', () => {
    for (const host of ['127.0.0.1', '127.3.2.1', '::1', '0:0:0:0:0:0:0:1', 'localhost']) {
      const options = parseServeOptions(['--host', host, '--allow-reset'])
      assert.equal(options === 'help' ? undefined : options.allowReset, true, host)
    }
    const open = parseServeOptions(['--host', '0.0.0.0'])
    assert.equal(open === 'help' ? undefined : open.host, '0.0.0.0')
  })

  test('--help and -h', () => {
    assert.equal(parseServeOptions(['--help']), 'help')
    assert.equal(parseServeOptions(['-h']), 'help')
  })

  const bad: Array<[string[], RegExp]> = [
    [['--port', 'http'], /--port must be a number/],
    [['--port', '70000'], /--port must be a number/],
    [['--port', '-1'], /--port/],
    [['--account-id', '12345'], /--account-id must be 12 digits/],
    [['--region', 'moon'], /--region must look like us-east-1/],
    [['--database-url', 'mysql://x'], /--database-url must start with postgres/],
    [['--public-url', 'iam.example.com'], /--public-url must be an http/],
    [['--workers', '0'], /--workers must be a number from 1 to 64, got '0'/],
    [['--workers', '65'], /--workers must be a number from 1 to 64/],
    [['--workers', 'two'], /--workers must be a number/],
    [['--max-staleness=-1'], /--max-staleness must be a number of seconds from 0 to 3600/],
    [['--max-staleness', '3601'], /--max-staleness must be a number of seconds from 0 to 3600/],
    [['--max-staleness', '5s'], /--max-staleness must be a number of seconds/],
    [['--max-staleness', ''], /--max-staleness must be a number of seconds/],
    [['--bogus'], /Unknown option '--bogus'/],
    [
      ['--host', '0.0.0.0', '--allow-reset'],
      /--allow-reset needs a loopback --host .*'0\.0\.0\.0'/,
    ],
    [['--host', '::', '--allow-reset'], /--allow-reset needs a loopback --host/],
    [['--host', '192.168.1.5', '--allow-reset'], /--allow-reset needs a loopback --host/],
    [['--host', 'rolegate.internal', '--allow-reset'], /--allow-reset needs a loopback --host/],
    [['extra'], /positional/i],
  ]
  for (const [args, message] of bad) {
    test(`refuses ${args.join(' ')}`, () => {
      assert.throws(
        () => parseServeOptions(args),
        (error: Error) => {
          assert.ok(error instanceof UsageError)
          assert.match(error.message, message)
          return true
        },
      )
    })
  }
})

describe('adminKeyFromEnvironment', () => {
  test('neither set: generate one', () => {
    assert.equal(adminKeyFromEnvironment({}), undefined)
    assert.equal(
      adminKeyFromEnvironment({
        ROLEGATE_ADMIN_ACCESS_KEY_ID: '',
        ROLEGATE_ADMIN_SECRET_ACCESS_KEY: '',
      }),
      undefined,
    )
  })

  test('both set: short dummy keys of word characters are fine', () => {
    assert.deepEqual(
      adminKeyFromEnvironment({
        ROLEGATE_ADMIN_ACCESS_KEY_ID: 'test',
        ROLEGATE_ADMIN_SECRET_ACCESS_KEY: 'test',
      }),
      { accessKeyId: 'test', secretAccessKey: 'test' },
    )
  })

  test('only one set, or a key id with other characters, is a configuration error', () => {
    assert.throws(() => adminKeyFromEnvironment({ ROLEGATE_ADMIN_ACCESS_KEY_ID: 'AKID' }), /both/)
    assert.throws(() => adminKeyFromEnvironment({ ROLEGATE_ADMIN_SECRET_ACCESS_KEY: 's' }), /both/)
    assert.throws(
      () =>
        adminKeyFromEnvironment({
          ROLEGATE_ADMIN_ACCESS_KEY_ID: 'AK-ID',
          ROLEGATE_ADMIN_SECRET_ACCESS_KEY: 's',
        }),
      /letters, digits and underscores/,
    )
  })
})

test('formatCredentialsFile writes the AWS shared-credentials format under [rolegate]', () => {
  assert.equal(
    formatCredentialsFile({ accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'secret/+=' }),
    '[rolegate]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = secret/+=\n',
  )
})
