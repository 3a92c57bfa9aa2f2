// Secrets at rest, as someone who can read the data directory or the database would see them: the
// raw SQLite file (and its WAL) and every PostgreSQL table hold no secret access key, no session
// key secret, no issuer private key, no MFA seed and none of the built-in IdP's secrets (TOTP
// seeds, its app's IAM secret and cookie key, its signing keys); the data directory and its files are their owner's alone
// whatever the umask; a database refuses to start with another master key; and
// `rolegate keys rotate-master` seals everything anew while a server keeps serving.
import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  CreateVirtualMFADeviceCommand,
  ListUsersCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam'
import pg from 'pg'
import { pino } from 'pino'
import { parseKeyFile } from '../../src/composition/master-key.js'
import { startRolegate } from '../../src/main.js'
import { formatMasterKey, generateMasterKey } from '../../src/store/secrets/master-keyring.js'
import { APP_POLICY } from '../support/idp.js'
import { iamSdk } from '../support/iam-sdk.js'
import { postgresUnavailable, startPostgres } from '../support/postgres.js'
import type { PostgresCluster } from '../support/postgres.js'
import { requireOrSkip } from '../support/requirements.js'
import { runRolegate } from '../support/rolegate-cli.js'
import { startTestServer } from '../support/server.js'
import type { TestServer } from '../support/server.js'

interface Secrets {
  /** Every secret the store holds, in plaintext, as the server uses them. */
  plain: string[]
}

const clientEnv = (server: TestServer): NodeJS.ProcessEnv => ({
  AWS_ACCESS_KEY_ID: server.admin.accessKeyId,
  AWS_SECRET_ACCESS_KEY: server.admin.secretAccessKey,
  AWS_ENDPOINT_URL: server.url,
  AWS_REGION: 'us-east-1',
  AWS_CONFIG_FILE: '/dev/null',
  AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
})

/** Makes one secret of every kind through the real APIs; answers all secrets in plaintext. */
async function makeSecrets(server: TestServer, user: string): Promise<Secrets> {
  const iam = iamSdk(server.url, server.admin)
  await iam.send(new CreateUserCommand({ UserName: user }))
  const created = await iam.send(new CreateAccessKeyCommand({ UserName: user }))
  assert.ok(created.AccessKey?.SecretAccessKey)
  const device = await iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: user }))
  assert.match(
    Buffer.from(device.VirtualMFADevice?.Base32StringSeed ?? []).toString(),
    /^[A-Z2-7]{64}$/,
  )
  // The IdP app keeps the user's key (it may list roles), and the IdP user gets a TOTP seed.
  await iam.send(
    new PutUserPolicyCommand({
      UserName: user,
      PolicyName: 'idp-app',
      PolicyDocument: JSON.stringify(APP_POLICY),
    }),
  )
  const appKey = created.AccessKey
  for (const [args, stdin] of [
    [['issuer', 'create', `${user}-issuer`]],
    [['keys', 'rotate']],
    [
      [
        'idp',
        'app',
        'set',
        '--access-key-id',
        appKey.AccessKeyId ?? '',
        '--secret-access-key-stdin',
      ],
      appKey.SecretAccessKey,
    ],
    [['idp', 'user', 'create', `${user}-idp`, '--password-stdin'], `${user}-password`],
    [['idp', 'user', 'require-totp', `${user}-idp`]],
  ] as const) {
    const run = await runRolegate([...args], clientEnv(server), stdin)
    assert.equal(run.code, 0, run.err)
  }
  return storedSecrets(server)
}

/** What the store hands the services: plaintext, opened with the master key. */
async function storedSecrets(server: TestServer): Promise<Secrets> {
  const store = server.running.store
  return store.transaction(async (repo) => {
    const plain: string[] = []
    for (const user of await repo.users.list(server.accountId)) {
      for (const key of await repo.accessKeys.listForUser(user.userId))
        plain.push(key.secretAccessKey)
    }
    for (const key of await repo.sessionKeys.list()) plain.push(key.secret)
    for (const device of await repo.mfaDevices.list(server.accountId)) plain.push(device.seed)
    for (const user of await repo.idpDirectory.listUsers(server.accountId)) {
      if (user.totpSeed !== null) plain.push(user.totpSeed)
    }
    const app = await repo.idpApps.get(server.accountId)
    if (app?.secretAccessKey) plain.push(app.secretAccessKey)
    if (app) plain.push(app.cookieKey)
    for (const key of await repo.idpApps.listKeys(server.accountId)) {
      plain.push(key.privateKey, key.privateKey.split('\n')[5] ?? key.privateKey)
    }
    for (const issuer of await repo.issuers.list(server.accountId)) {
      for (const key of await repo.issuers.listKeys(issuer.accountId, issuer.name)) {
        const jwk = JSON.parse(key.privateJwk) as Record<string, string>
        for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi']) {
          if (jwk[member] !== undefined) plain.push(jwk[member])
        }
        plain.push(key.privateJwk)
      }
    }
    return { plain }
  })
}

function assertNoneIn(haystack: string, secrets: Secrets, where: string) {
  // At least one of each kind: a test that found nothing to look for would prove nothing.
  assert.ok(secrets.plain.length >= 12, `secrets to look for: ${secrets.plain.length}`)
  for (const secret of secrets.plain) {
    assert.equal(haystack.includes(secret), false, `${where} holds a secret in plaintext`)
  }
  assert.match(haystack, /rgsec1\./, `${where} holds the sealed values`)
}

const mode = (path: string) => statSync(path).mode & 0o777

describe('secrets at rest in SQLite', () => {
  let parent: string
  let server: TestServer
  let secrets: Secrets
  let umask: number
  before(async () => {
    parent = mkdtempSync(join(tmpdir(), 'rolegate-at-rest-'))
    // The most permissive umask there is: the modes below must not come from it.
    umask = process.umask(0)
    server = await startTestServer({ dataDir: join(parent, 'data'), adminKey: null })
    secrets = await makeSecrets(server, 'alice')
  })
  after(async () => {
    process.umask(umask)
    await server.stop()
    rmSync(parent, { recursive: true, force: true })
  })

  test('the raw database file and its WAL hold no secret in plaintext', () => {
    const file = join(server.dataDir, 'rolegate.db')
    const raw = [file, `${file}-wal`]
      .filter((path) => existsSync(path))
      .map((path) => readFileSync(path).toString('latin1'))
      .join('')
    assert.ok(secrets.plain.includes(server.admin.secretAccessKey))
    assertNoneIn(raw, secrets, 'rolegate.db')
  })

  test("the data directory and every file in it are their owner's alone, whatever the umask", () => {
    const dir = server.dataDir
    assert.equal(mode(dir), 0o700)
    for (const name of [
      'rolegate.db',
      'rolegate.db-wal',
      'rolegate.db-shm',
      'master-key',
      'admin-credentials',
    ]) {
      assert.equal(mode(join(dir, name)).toString(8), '600', name)
    }
  })

  test('the master key file is not in the database, and the database refuses another key', async () => {
    const keys = parseKeyFile(readFileSync(join(server.dataDir, 'master-key'), 'utf8'), 'f')
    assert.equal(keys.length, 1)
    await server.stop()
    const other = formatMasterKey(generateMasterKey())
    await assert.rejects(
      startRolegate({
        host: '127.0.0.1',
        port: 0,
        dataDir: server.dataDir,
        accountId: server.accountId,
        region: 'us-east-1',
        allowReset: false,
        masterKey: other,
        logger: pino({ level: 'silent' }),
      }),
      new RegExp(
        `^Error: this database's secrets are sealed with master key ${keys[0]?.id}, and the configured master key does not open them`,
      ),
    )
    server = await server.restart()
    const users = await iamSdk(server.url, server.admin).send(new ListUsersCommand({}))
    assert.ok(users.Users?.some((user) => user.UserName === 'alice'))
  })

  test('rotate-master seals every secret with a new key while the server keeps serving', async () => {
    const keyFile = join(server.dataDir, 'master-key')
    const [before] = parseKeyFile(readFileSync(keyFile, 'utf8'), keyFile)
    const rotated = await runRolegate(['keys', 'rotate-master', '--data', server.dataDir], {})
    assert.equal(rotated.code, 0, rotated.err)
    const report = JSON.parse(rotated.out) as {
      MasterKeyId: string
      RetiredMasterKeyIds: string[]
      Resealed: Record<string, number>
    }
    const after = parseKeyFile(readFileSync(keyFile, 'utf8'), keyFile)
    assert.deepEqual(
      after.map((key) => key.id),
      [report.MasterKeyId],
    )
    assert.notEqual(report.MasterKeyId, before?.id)
    assert.deepEqual(report.RetiredMasterKeyIds, [before?.id])
    assert.equal(mode(keyFile), 0o600)
    // Two access keys (admin, alice), two session keys, one issuer key, alice's MFA seed; the
    // IdP's: alice-idp's TOTP seed, the app's IAM secret and cookie key, its two signing keys.
    assert.deepEqual(report.Resealed, {
      AccessKeys: 2,
      SessionKeys: 2,
      IssuerKeys: 1,
      MfaSeeds: 1,
      IdpSecrets: 5,
    })
    const raw = readFileSync(join(server.dataDir, 'rolegate.db')).toString('latin1')
    const wal = readFileSync(join(server.dataDir, 'rolegate.db-wal')).toString('latin1')
    assert.ok((raw + wal).includes(`rgsec1.${report.MasterKeyId}.`))

    // The running server follows the file: a new secret is sealed with the new key, and a
    // fresh start with only the new key opens everything, old and new.
    const bob = await makeSecrets(server, 'bob')
    server = await server.restart()
    assert.deepEqual((await storedSecrets(server)).plain.sort(), bob.plain.sort())
    const users = await iamSdk(server.url, server.admin).send(new ListUsersCommand({}))
    assert.deepEqual(users.Users?.map((user) => user.UserName).sort(), ['admin', 'alice', 'bob'])
  })
})

describe('secrets at rest in PostgreSQL', { skip: requireOrSkip(postgresUnavailable()) }, () => {
  let cluster: PostgresCluster
  let server: TestServer
  before(async () => {
    cluster = await startPostgres()
  })
  after(async () => {
    await server?.cleanup()
    await cluster?.stop()
  })

  test('a database URL without a master key is refused at start', async () => {
    await assert.rejects(
      startRolegate({
        host: '127.0.0.1',
        port: 0,
        dataDir: mkdtempSync(join(tmpdir(), 'rolegate-pg-')),
        databaseUrl: cluster.connectionString,
        accountId: '123456789012',
        region: 'us-east-1',
        allowReset: false,
        logger: pino({ level: 'silent' }),
      }),
      /^Error: with --database-url, give the master key that seals stored secrets in ROLEGATE_MASTER_KEY or --master-key-file/,
    )
  })

  test('no table holds a secret in plaintext', async () => {
    const old = generateMasterKey()
    server = await startTestServer({
      databaseUrl: cluster.connectionString,
      masterKey: formatMasterKey(old),
    })
    const secrets = await makeSecrets(server, 'carol')
    const client = new pg.Client({ connectionString: cluster.connectionString })
    await client.connect()
    const dump = async () => {
      const { rows } = await client.query<{ name: string }>(
        "select table_name as name from information_schema.tables where table_schema = 'public'",
      )
      let text = ''
      for (const { name } of rows) {
        const result = await client.query(`select t::text as row from "${name}" t`)
        text += result.rows.map((row: { row: string }) => row.row).join('\n')
      }
      return text
    }
    try {
      assertNoneIn(await dump(), secrets, 'PostgreSQL')

      // With ROLEGATE_MASTER_KEY, the operator puts the new key first; rotation seals with it.
      const alone = await runRolegate(
        ['keys', 'rotate-master', '--database-url', cluster.connectionString],
        { ROLEGATE_MASTER_KEY: formatMasterKey(old) },
      )
      assert.equal(alone.code, 1)
      assert.match(alone.err, /put the new master key first in ROLEGATE_MASTER_KEY \(NEW,OLD/)
      const fresh = generateMasterKey()
      const both = `${formatMasterKey(fresh)},${formatMasterKey(old)}`
      const rotated = await runRolegate(
        ['keys', 'rotate-master', '--database-url', cluster.connectionString],
        { ROLEGATE_MASTER_KEY: both },
      )
      assert.equal(rotated.code, 0, rotated.err)
      assert.match(rotated.err, new RegExp(`sealed with ${fresh.id}; drop the other keys`))
      const text = await dump()
      assert.ok(text.includes(`rgsec1.${fresh.id}.`))
      assert.equal(text.includes(`rgsec1.${old.id}.`), false)
      await server.stop()
      server = await startTestServer({
        databaseUrl: cluster.connectionString,
        masterKey: formatMasterKey(fresh),
      })
      assert.deepEqual((await storedSecrets(server)).plain.sort(), secrets.plain.sort())
    } finally {
      await client.end()
    }
  })
})
