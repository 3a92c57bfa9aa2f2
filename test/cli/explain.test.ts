// `rolegate explain` over a real data directory, and over a real PostgreSQL database: the decision,
// the policies and statements that matched or why none did, conditions with expected and actual
// values, role sessions, exit statuses, usage errors, and that the database is only read.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import type { Caller } from '../../src/core/caller.js'
import { randomIds } from '../../src/core/ids.js'
import type { Params } from '../../src/core/input.js'
import { readInput } from '../../src/core/input.js'
import { EXPLAIN_HELP, parseExplainOptions } from '../../src/cli/explain.js'
import { runCli } from '../../src/cli/run-cli.js'
import { iamOperations } from '../../src/iam/operations.js'
import { openStoreToRead } from '../../src/main.js'
import { writeKeyFile } from '../../src/composition/master-key.js'
import { formatMasterKey } from '../../src/store/secrets/master-keyring.js'
import { TEST_MASTER_KEY, testSecrets } from '../support/secrets.js'
import { requireOrSkip } from '../support/requirements.js'
import { PolicyCache } from '../../src/policy/policy-cache.js'
import { openPostgresStore } from '../../src/store/postgres/open-postgres-store.js'
import type { Store } from '../../src/store/ports.js'
import { openSqliteStore } from '../../src/store/sqlite/open-sqlite-store.js'
import { postgresUnavailable, startPostgres } from '../support/postgres.js'
import type { PostgresCluster } from '../support/postgres.js'

const ACCOUNT = '123456789012'
const ALICE = `arn:aws:iam::${ACCOUNT}:user/alice`
const ROLE_TARGET = `arn:aws:iam::${ACCOUNT}:role/app-web`
const ROOT: Caller = {
  type: 'root',
  accountId: ACCOUNT,
  arn: `arn:aws:iam::${ACCOUNT}:root`,
  userId: ACCOUNT,
  principalId: '',
  name: 'root',
  accessKeyId: 'AKIAROOTTEST',
}

const ALICE_POLICY = JSON.stringify(
  {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'CreateAppRoles',
        Effect: 'Allow',
        Action: 'iam:CreateRole',
        Resource: `arn:aws:iam::${ACCOUNT}:role/app-*`,
        Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } },
      },
      {
        Sid: 'OnlyHomeRegions',
        Effect: 'Deny',
        Action: 'iam:*',
        Resource: '*',
        Condition: { StringNotEquals: { 'aws:RequestedRegion': ['us-east-1', 'eu-west-1'] } },
      },
    ],
  },
  null,
  2,
)

/** Alice (with an inline policy) and a role, written through the IAM operations. */
async function seed(store: Store): Promise<void> {
  await store.transaction((repo) =>
    repo.accounts.insert({ accountId: ACCOUNT, createDate: new Date('2024-01-01T00:00:00Z') }),
  )
  const call = async (action: string, params: Params) => {
    const operation = iamOperations.find((candidate) => candidate.name === action)
    assert.ok(operation, action)
    const input = readInput(operation.input, params)
    await store.transaction((repo) =>
      operation.run(
        input,
        {
          accountId: ACCOUNT,
          caller: ROOT,
          repo,
          ids: randomIds,
          now: new Date(),
          region: 'us-east-1',
          policies: new PolicyCache(),
        },
        undefined,
      ),
    )
  }
  await call('CreateUser', { UserName: 'alice' })
  await call('PutUserPolicy', {
    UserName: 'alice',
    PolicyName: 'roles',
    PolicyDocument: ALICE_POLICY,
  })
  await call('CreateRole', {
    RoleName: 'deployer',
    AssumeRolePolicyDocument:
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}',
  })
  await call('AttachRolePolicy', {
    RoleName: 'deployer',
    PolicyArn: 'arn:aws:iam::aws:policy/IAMReadOnlyAccess',
  })
}

/** A data directory holding rolegate.db with alice (inline policy) and a role, then closed. */
async function dataDirectory(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'rolegate-explain-'))
  // The master key the server would have made beside the database.
  writeKeyFile(join(dir, 'master-key'), [TEST_MASTER_KEY])
  const store = await openSqliteStore({ file: join(dir, 'rolegate.db'), secrets: testSecrets() })
  await seed(store)
  await store.close()
  return dir
}

interface Run {
  code: number
  out: string
  err: string
}

async function explain(args: string[]): Promise<Run> {
  let out = ''
  let err = ''
  const code = await runCli(['explain', ...args], {
    out: (text) => (out += text),
    err: (text) => (err += text),
    // A PostgreSQL database's master key comes from the environment; SQLite's from its directory.
    env: { ROLEGATE_MASTER_KEY: formatMasterKey(TEST_MASTER_KEY) },
  })
  assert.equal(typeof code, 'number')
  return { code: code as number, out, err }
}

/**
 * The database's bytes, and its write-ahead log's: a reader in WAL mode may leave an empty -wal
 * file (and a -shm index) behind, but nothing written.
 */
function fingerprint(dir: string): string[] {
  const db = createHash('sha256')
    .update(readFileSync(join(dir, 'rolegate.db')))
    .digest('hex')
  const wal = join(dir, 'rolegate.db-wal')
  return [db, existsSync(wal) ? `wal ${statSync(wal).size} bytes` : 'wal 0 bytes']
}

describe('rolegate explain', () => {
  test('allowed: the matching statement and its condition with expected and actual values', async () => {
    const dir = await dataDirectory()
    try {
      const before = fingerprint(dir)
      const run = await explain([
        '--principal',
        ALICE,
        '--action',
        'iam:CreateRole',
        '--resource',
        ROLE_TARGET,
        '--context',
        'aws:SourceIp=10.1.2.3',
        '--context',
        'aws:RequestedRegion=us-east-1',
        '--data',
        dir,
      ])
      assert.equal(run.code, 0, run.err)
      const lines = run.out.split('\n')
      assert.equal(lines[0], `ALLOWED  iam:CreateRole on ${ROLE_TARGET}`)
      assert.ok(lines.includes('identity-based policy user_alice_roles: Allowed'), run.out)
      assert.ok(lines.includes('  + Allow statement 1 "CreateAppRoles" (lines 4:5-14:5)'), run.out)
      assert.ok(
        lines.includes(
          '      + IpAddress aws:SourceIp: expected ["10.0.0.0/8"], actual ["10.1.2.3"]',
        ),
        run.out,
      )
      assert.ok(
        lines.includes(
          '      - StringNotEquals aws:RequestedRegion: expected ["us-east-1", "eu-west-1"], actual ["us-east-1"]',
        ),
        run.out,
      )
      // Only read: the database files are byte for byte as they were.
      assert.deepEqual(fingerprint(dir), before)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  test('explicit deny: the denying statement, the missing key, exit status 3', async () => {
    const dir = await dataDirectory()
    try {
      const run = await explain([
        '--principal',
        ALICE,
        '--action',
        'iam:CreateRole',
        '--resource',
        ROLE_TARGET,
        '--context',
        'aws:SourceIp=10.1.2.3',
        '--data',
        dir,
      ])
      assert.equal(run.code, 3)
      const lines = run.out.split('\n')
      assert.equal(lines[0], `EXPLICITLY DENIED  iam:CreateRole on ${ROLE_TARGET}`)
      assert.ok(lines.includes('  + Deny statement 2 "OnlyHomeRegions" (lines 15:5-28:5)'), run.out)
      assert.ok(
        lines.includes(
          '      + StringNotEquals aws:RequestedRegion: expected ["us-east-1", "eu-west-1"], actual (missing)',
        ),
        run.out,
      )
      assert.equal(lines.at(-2), 'missing context keys: aws:RequestedRegion')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  test('implicit deny: why no statement matched (action, resource, condition)', async () => {
    const dir = await dataDirectory()
    try {
      const other = await explain(['--principal', ALICE, '--action', 's3:GetObject', '--data', dir])
      assert.equal(other.code, 3)
      assert.match(other.out, /^IMPLICITLY DENIED {2}s3:GetObject on \*$/m)
      assert.match(other.out, /No identity-based policy allows it\./)
      assert.match(
        other.out,
        /- Allow statement 1 "CreateAppRoles" \(lines 4:5-14:5\)\n {6}action no match/,
      )

      const wrongRole = await explain([
        '--principal',
        ALICE,
        '--action',
        'iam:CreateRole',
        '--resource',
        `arn:aws:iam::${ACCOUNT}:role/admin`,
        '--context',
        'aws:RequestedRegion=eu-west-1',
        '--data',
        dir,
      ])
      assert.equal(wrongRole.code, 3)
      assert.match(
        wrongRole.out,
        /- Allow statement 1 "CreateAppRoles".*\n {6}action match, resource no match/,
      )

      const wrongIp = await explain([
        '--principal',
        ALICE,
        '--action',
        'iam:CreateRole',
        '--resource',
        ROLE_TARGET,
        '--context',
        'aws:SourceIp=192.0.2.1',
        '--context',
        'AWS:RequestedRegion=eu-west-1',
        '--data',
        dir,
      ])
      assert.equal(wrongIp.code, 3)
      assert.ok(
        wrongIp.out.includes(
          '      - IpAddress aws:SourceIp: expected ["10.0.0.0/8"], actual ["192.0.2.1"]',
        ),
        wrongIp.out,
      )
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  test("a role session is explained with its role's policies", async () => {
    const dir = await dataDirectory()
    try {
      const session = `arn:aws:sts::${ACCOUNT}:assumed-role/deployer/ci-run`
      const run = await explain([
        '--principal',
        session,
        '--action',
        'iam:GetRole',
        '--resource',
        ROLE_TARGET,
        '--data',
        dir,
      ])
      assert.equal(run.code, 0, run.err)
      assert.match(
        run.out,
        new RegExp(`^principal: ${session.replaceAll('/', '\\/')} \\(same account\\)$`, 'm'),
      )
      assert.match(run.out, /^identity-based policy IAMReadOnlyAccess: Allowed$/m)
      const denied = await explain([
        '--principal',
        `arn:aws:iam::${ACCOUNT}:role/deployer`,
        '--action',
        'iam:CreateRole',
        '--data',
        dir,
      ])
      assert.equal(denied.code, 3)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  test('failures: unknown principal, no database (none created), usage errors', async () => {
    const dir = await dataDirectory()
    const empty = mkdtempSync(join(tmpdir(), 'rolegate-explain-empty-'))
    try {
      const unknown = await explain([
        '--principal',
        `arn:aws:iam::${ACCOUNT}:user/nobody`,
        '--action',
        'iam:GetUser',
        '--data',
        dir,
      ])
      assert.deepEqual(unknown, {
        code: 1,
        out: '',
        err: 'rolegate explain: NoSuchEntity: The user with name nobody cannot be found.\n',
      })
      const missing = await explain([
        '--principal',
        ALICE,
        '--action',
        'iam:GetUser',
        '--data',
        empty,
      ])
      assert.equal(missing.code, 1)
      assert.equal(
        missing.err,
        `rolegate explain: no rolegate database at ${join(empty, 'rolegate.db')} (see --data)\n`,
      )
      assert.equal(existsSync(join(empty, 'rolegate.db')), false)

      const noPrincipal = await explain(['--action', 'iam:GetUser', '--data', dir])
      assert.equal(noPrincipal.code, 2)
      assert.ok(noPrincipal.err.startsWith('rolegate explain: --principal is required\n\nUsage:'))
      const badAction = await explain(['--principal', ALICE, '--action', 'GetUser'])
      assert.equal(badAction.code, 2)
      assert.match(badAction.err, /--action must look like service:Action, got 'GetUser'/)
      const badContext = await explain([
        '--principal',
        ALICE,
        '--action',
        'iam:GetUser',
        '--context',
        'novalue',
      ])
      assert.equal(badContext.code, 2)
      assert.match(badContext.err, /--context must be KEY=VALUE, got 'novalue'/)
      const help = await explain(['--help'])
      assert.deepEqual(help, { code: 0, out: EXPLAIN_HELP, err: '' })
    } finally {
      rmSync(dir, { recursive: true, force: true })
      rmSync(empty, { recursive: true, force: true })
    }
  })

  test('repeated context keys become one multi-valued key; = may appear in the value', () => {
    const options = parseExplainOptions([
      '--principal',
      ALICE,
      '--action',
      'ec2:RunInstances',
      '--context',
      'aws:TagKeys=team',
      '--context',
      'aws:tagkeys=env',
      '--context',
      'ec2:Filter=a=b',
    ])
    assert.notEqual(options, 'help')
    if (options === 'help') return
    assert.deepEqual(options.context, { 'aws:TagKeys': ['team', 'env'], 'ec2:Filter': 'a=b' })
    assert.equal(options.resource, '*')
    assert.equal(options.dataDir, './.rolegate')
  })
})

describe('rolegate explain --database-url', { skip: requireOrSkip(postgresUnavailable()) }, () => {
  let cluster: PostgresCluster | undefined
  let url = ''
  before(async () => {
    cluster = await startPostgres()
    url = cluster.connectionString
    const store = await openPostgresStore({ connectionString: url, secrets: testSecrets() })
    await seed(store)
    await store.close()
  })
  after(async () => {
    await cluster?.stop()
  })

  test("explains from the server's PostgreSQL database, as from its data directory", async () => {
    const allowed = await explain([
      '--principal',
      ALICE,
      '--action',
      'iam:CreateRole',
      '--resource',
      ROLE_TARGET,
      '--context',
      'aws:SourceIp=10.1.2.3',
      '--context',
      'aws:RequestedRegion=us-east-1',
      '--database-url',
      url,
      // The URL wins over the data directory, which does not even exist.
      '--data',
      join(tmpdir(), 'rolegate-explain-no-such-dir'),
    ])
    assert.equal(allowed.code, 0, allowed.err)
    const lines = allowed.out.split('\n')
    assert.equal(lines[0], `ALLOWED  iam:CreateRole on ${ROLE_TARGET}`)
    assert.ok(
      lines.includes('  + Allow statement 1 "CreateAppRoles" (lines 4:5-14:5)'),
      allowed.out,
    )
    assert.ok(
      lines.includes(
        '      + IpAddress aws:SourceIp: expected ["10.0.0.0/8"], actual ["10.1.2.3"]',
      ),
      allowed.out,
    )
    const session = await explain([
      '--principal',
      `arn:aws:sts::${ACCOUNT}:assumed-role/deployer/ci-run`,
      '--action',
      'iam:CreateRole',
      '--database-url',
      url,
    ])
    assert.equal(session.code, 3, session.err)
    assert.match(session.out, /^IMPLICITLY DENIED {2}iam:CreateRole on \*$/m)
    assert.match(session.out, /^identity-based policy IAMReadOnlyAccess: ImplicitlyDenied$/m)
  })

  test('the database is opened read-only: a write through it is refused by PostgreSQL', async () => {
    const store = await openStoreToRead({
      dataDir: '.',
      databaseUrl: url,
      masterKey: formatMasterKey(TEST_MASTER_KEY),
    })
    try {
      await assert.rejects(
        store.transaction((repo) =>
          repo.accounts.insert({ accountId: '999999999999', createDate: new Date() }),
        ),
        /read-only transaction/,
      )
      const accounts = await store.transaction((repo) => repo.accounts.get('999999999999'))
      assert.equal(accounts, undefined)
    } finally {
      await store.close()
    }
  })

  test('an empty database is refused and left empty; a URL that is not postgres is a usage error', async () => {
    const empty = await cluster!.createDatabase('rolegate_explain_empty')
    const run = await explain([
      '--principal',
      ALICE,
      '--action',
      'iam:GetUser',
      '--database-url',
      empty,
    ])
    assert.deepEqual(run, {
      code: 1,
      out: '',
      err: 'rolegate explain: no rolegate database there: `rolegate serve` creates one\n',
    })
    const client = new pg.Client({ connectionString: empty })
    await client.connect()
    try {
      const { rows } = await client.query(
        "select table_name from information_schema.tables where table_schema = 'public'",
      )
      assert.deepEqual(rows, [])
    } finally {
      await client.end()
    }
    const mysql = await explain([
      '--principal',
      ALICE,
      '--action',
      'iam:GetUser',
      '--database-url',
      'mysql://localhost/rolegate',
    ])
    assert.equal(mysql.code, 2)
    assert.match(mysql.err, /--database-url must start with postgres:\/\/ or postgresql:\/\//)
  })
})
