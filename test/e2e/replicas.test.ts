// Two rolegate replicas on one throwaway PostgreSQL, as servers behind a load balancer run them.
// Whatever happens to the notifications between them, B never allows on data older than
// --max-staleness: the PostgreSQL backend serving B's LISTEN connection is paused (SIGSTOP) or
// killed (pg_terminate_backend) while A revokes, and B must refuse within the bound, say so on
// /_rolegate/health and /_rolegate/ready, log the episode once, and recover. A quota holds across
// replicas too. Clients are the AWS SDK for JavaScript over real sockets.
import assert from 'node:assert/strict'
import { Writable } from 'node:stream'
import { setTimeout as sleep } from 'node:timers/promises'
import { after, before, describe, test } from 'node:test'
import type { TestContext } from 'node:test'
import {
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  DeleteAccessKeyCommand,
  DeleteUserCommand,
  DeleteUserPolicyCommand,
  DetachUserPolicyCommand,
  GetUserCommand,
  ListRolesCommand,
  ListUsersCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam'
import type { CreateAccessKeyCommandOutput, IAMClient } from '@aws-sdk/client-iam'
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts'
import pg from 'pg'
import { pino } from 'pino'
import { iamArn } from '../../src/core/arn.js'
import { openPostgresStore } from '../../src/store/postgres/open-postgres-store.js'
import {
  REVOKE_OLDER_SESSIONS_POLICY_NAME,
  revokeOlderSessionsPolicy,
} from '../../src/sts/revoke-sessions.js'
import type { Credentials } from '../support/aws-cli.js'
import { iamSdk, rejection } from '../support/iam-sdk.js'
import { postgresUnavailable, startPostgres } from '../support/postgres.js'
import type { PostgresCluster } from '../support/postgres.js'
import { requireOrSkip } from '../support/requirements.js'
import { testSecrets } from '../support/secrets.js'
import { startTestServer } from '../support/server.js'
import type { TestServer, TestServerOptions } from '../support/server.js'

const ACCOUNT = '123456789012'
/** The query the listener's backend last ran, as pg_stat_activity shows it. */
const LISTEN_QUERY = 'listen rolegate_writes'
const DEFAULT_MAX_STALENESS_MS = 5000

const allow = (action: string) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }],
  })

const keyOf = (created: CreateAccessKeyCommandOutput) => ({
  accessKeyId: created.AccessKey!.AccessKeyId!,
  secretAccessKey: created.AccessKey!.SecretAccessKey!,
})

/** 'allowed', or the AWS error code the call was refused with. */
type Outcome = 'allowed' | string

const outcome = async (call: Promise<unknown>): Promise<Outcome> => {
  try {
    await call
    return 'allowed'
  } catch (error) {
    if (error instanceof Error) return error.name
    throw error
  }
}

interface Health {
  status: string
  freshness: {
    notifications: string
    cacheAgeMs: number
    maxStalenessMs: number
    deafSince?: string
    deafCause?: string
  }
}

const health = async (server: TestServer): Promise<Health> =>
  (await (await fetch(`${server.url}/_rolegate/health`)).json()) as Health

const readyStatus = async (server: TestServer): Promise<number> =>
  (await fetch(`${server.url}/_rolegate/ready`)).status

async function waitFor(check: () => Promise<boolean>, what: string, ms: number): Promise<number> {
  const started = Date.now()
  for (;;) {
    if (await check()) return Date.now() - started
    if (Date.now() - started > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`)
    await sleep(25)
  }
}

/** The log lines of one server, parsed. */
function collectingLogger(lines: Array<Record<string, unknown>>) {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) {
        if (line.trim() !== '') lines.push(JSON.parse(line) as Record<string, unknown>)
      }
      done()
    },
  })
  return pino({ level: 'info' }, sink)
}

/**
 * The episodes a server logged that began at `since` or later (epoch ms): a line each, with how
 * long it read through. Earlier ones, should a loaded machine delay a heartbeat, are not the test's.
 */
const episodesSince = (lines: Array<Record<string, unknown>>, since: number) =>
  lines.filter(
    (line) =>
      typeof line['durationMs'] === 'number' &&
      'cause' in line &&
      Date.parse(String(line['startedAt'])) >= since,
  )

/** What A sets up and B then answers from its caches: one call for each kind of revocation. */
interface Fixture {
  /** reader: ListUsers through an attached customer managed policy (A detaches it). */
  listUsers(client: 'a' | 'b'): Promise<Outcome>
  /** keyed: GetUser with a key A deactivates. */
  getUser(client: 'a' | 'b'): Promise<Outcome>
  /** a role session: ListRoles until A revokes the role's older sessions. */
  listRoles(client: 'a' | 'b'): Promise<Outcome>
  /** leaver: ListUsers until A deletes the user (key, policy and user). */
  leaverListUsers(client: 'a' | 'b'): Promise<Outcome>
  detach(): Promise<void>
  deactivate(): Promise<void>
  reactivate(): Promise<void>
  revoke(): Promise<void>
  deleteLeaver(): Promise<void>
}

async function setUpFixture(a: TestServer, b: TestServer): Promise<Fixture> {
  const admin = iamSdk(a.url, a.admin)
  const policy = await admin.send(
    new CreatePolicyCommand({ PolicyName: 'list-users', PolicyDocument: allow('iam:ListUsers') }),
  )
  const policyArn = policy.Policy!.Arn!
  const userWithKey = async (name: string) => {
    await admin.send(new CreateUserCommand({ UserName: name }))
    return keyOf(await admin.send(new CreateAccessKeyCommand({ UserName: name })))
  }
  const reader = await userWithKey('reader')
  await admin.send(new AttachUserPolicyCommand({ UserName: 'reader', PolicyArn: policyArn }))
  const keyed = await userWithKey('keyed')
  await admin.send(
    new PutUserPolicyCommand({
      UserName: 'keyed',
      PolicyName: 'get-user',
      PolicyDocument: allow('iam:GetUser'),
    }),
  )
  const leaver = await userWithKey('leaver')
  await admin.send(
    new PutUserPolicyCommand({
      UserName: 'leaver',
      PolicyName: 'list-users',
      PolicyDocument: allow('iam:ListUsers'),
    }),
  )
  await admin.send(
    new CreateRoleCommand({
      RoleName: 'revocable',
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
            Action: 'sts:AssumeRole',
          },
        ],
      }),
    }),
  )
  await admin.send(
    new PutRolePolicyCommand({
      RoleName: 'revocable',
      PolicyName: 'list-roles',
      PolicyDocument: allow('iam:ListRoles'),
    }),
  )
  const sts = new STSClient({
    endpoint: a.url,
    region: 'us-east-1',
    credentials: a.admin,
    maxAttempts: 1,
  })
  const assumed = await sts.send(
    new AssumeRoleCommand({
      RoleArn: iamArn(ACCOUNT, 'role', '/', 'revocable'),
      RoleSessionName: 'replicas',
    }),
  )
  const session: Credentials = {
    accessKeyId: assumed.Credentials!.AccessKeyId!,
    secretAccessKey: assumed.Credentials!.SecretAccessKey!,
    sessionToken: assumed.Credentials!.SessionToken!,
  }
  const clients = (key: Credentials): Record<'a' | 'b', IAMClient> => ({
    a: iamSdk(a.url, key),
    b: iamSdk(b.url, key),
  })
  const asReader = clients(reader)
  const asKeyed = clients(keyed)
  const asSession = clients(session)
  const asLeaver = clients(leaver)
  return {
    listUsers: (at) => outcome(asReader[at].send(new ListUsersCommand({}))),
    getUser: (at) => outcome(asKeyed[at].send(new GetUserCommand({}))),
    listRoles: (at) => outcome(asSession[at].send(new ListRolesCommand({}))),
    leaverListUsers: (at) => outcome(asLeaver[at].send(new ListUsersCommand({}))),
    detach: async () =>
      void (await admin.send(
        new DetachUserPolicyCommand({ UserName: 'reader', PolicyArn: policyArn }),
      )),
    deactivate: async () =>
      void (await admin.send(
        new UpdateAccessKeyCommand({
          UserName: 'keyed',
          AccessKeyId: keyed.accessKeyId,
          Status: 'Inactive',
        }),
      )),
    reactivate: async () =>
      void (await admin.send(
        new UpdateAccessKeyCommand({
          UserName: 'keyed',
          AccessKeyId: keyed.accessKeyId,
          Status: 'Active',
        }),
      )),
    revoke: async () =>
      void (await admin.send(
        new PutRolePolicyCommand({
          RoleName: 'revocable',
          PolicyName: REVOKE_OLDER_SESSIONS_POLICY_NAME,
          PolicyDocument: revokeOlderSessionsPolicy(new Date()),
        }),
      )),
    deleteLeaver: async () => {
      await admin.send(
        new DeleteUserPolicyCommand({ UserName: 'leaver', PolicyName: 'list-users' }),
      )
      await admin.send(
        new DeleteAccessKeyCommand({ UserName: 'leaver', AccessKeyId: leaver.accessKeyId }),
      )
      await admin.send(new DeleteUserCommand({ UserName: 'leaver' }))
    },
  }
}

/** A revocation made on A, and the refusal B must answer with. */
interface Revocation {
  name: string
  change: (fixture: Fixture) => Promise<void>
  call: (fixture: Fixture, at: 'a' | 'b') => Promise<Outcome>
  refusal: string
}

const REVOCATIONS: Revocation[] = [
  {
    name: 'detached policy',
    change: (f) => f.detach(),
    call: (f, at) => f.listUsers(at),
    refusal: 'AccessDenied',
  },
  {
    name: 'deactivated access key',
    change: (f) => f.deactivate(),
    call: (f, at) => f.getUser(at),
    refusal: 'InvalidClientTokenId',
  },
  {
    name: "revoked role's sessions",
    change: (f) => f.revoke(),
    call: (f, at) => f.listRoles(at),
    refusal: 'AccessDenied',
  },
  {
    name: 'deleted user',
    change: (f) => f.deleteLeaver(),
    call: (f, at) => f.leaverListUsers(at),
    refusal: 'InvalidClientTokenId',
  },
]

describe('two replicas on one PostgreSQL', { skip: requireOrSkip(postgresUnavailable()) }, () => {
  let cluster: PostgresCluster
  let databases = 0
  before(async () => {
    cluster = await startPostgres()
  })
  after(async () => {
    await cluster?.stop()
  })

  interface Replicas {
    a: TestServer
    b: TestServer
    databaseUrl: string
    /** A client of the database's own, for pg_stat_activity and signals. */
    admin: pg.Client
    /** The pid of the backend serving B's LISTEN connection. */
    bListener: number
    /** B's log lines. */
    bLogs: Array<Record<string, unknown>>
    fixture: Fixture
    close(): Promise<void>
  }

  const listenerPids = async (admin: pg.Client): Promise<number[]> => {
    const { rows } = await admin.query<{ pid: number }>(
      'select pid from pg_stat_activity where query = $1 and datname = current_database()',
      [LISTEN_QUERY],
    )
    return rows.map((row) => row.pid)
  }

  /** A, then B, on a fresh database; B's listener is the LISTEN backend that B's start added. */
  async function startReplicas(bOptions: TestServerOptions = {}): Promise<Replicas> {
    databases += 1
    const databaseUrl = await cluster.createDatabase(`replicas_${databases}`)
    const admin = new pg.Client({ connectionString: databaseUrl })
    await admin.connect()
    const a = await startTestServer({ databaseUrl })
    const before = await listenerPids(admin)
    const bLogs: Array<Record<string, unknown>> = []
    const b = await startTestServer({ databaseUrl, logger: collectingLogger(bLogs), ...bOptions })
    const added = (await listenerPids(admin)).filter((pid) => !before.includes(pid))
    assert.equal(added.length, 1, 'B listens on one connection of its own')
    const fixture = await setUpFixture(a, b)
    return {
      a,
      b,
      databaseUrl,
      admin,
      bListener: added[0]!,
      bLogs,
      fixture,
      async close() {
        await b.cleanup()
        await a.cleanup()
        await admin.end()
      },
    }
  }

  /** Every call allowed on both replicas, so B's caches hold what A is about to change. */
  async function warm(fixture: Fixture): Promise<void> {
    for (const revocation of REVOCATIONS) {
      for (const at of ['a', 'b'] as const) {
        assert.equal(await revocation.call(fixture, at), 'allowed', `${revocation.name} on ${at}`)
      }
    }
  }

  /**
   * Makes each revocation on A (which refuses at once), then asks B until it refuses: answers
   * how long after A confirmed each one B still allowed, failing past `boundMs`.
   */
  async function revokeOnA(
    fixture: Fixture,
    boundMs: number,
    t: TestContext,
  ): Promise<Map<string, number>> {
    const confirmed = new Map<string, number>()
    for (const revocation of REVOCATIONS) {
      await revocation.change(fixture)
      confirmed.set(revocation.name, Date.now())
      assert.equal(await revocation.call(fixture, 'a'), revocation.refusal, `A refuses at once`)
    }
    const refusedAfter = new Map<string, number>()
    while (refusedAfter.size < REVOCATIONS.length) {
      for (const revocation of REVOCATIONS) {
        if (refusedAfter.has(revocation.name)) continue
        const asked = Date.now()
        const answer = await revocation.call(fixture, 'b')
        const since = asked - confirmed.get(revocation.name)!
        if (answer === revocation.refusal) {
          refusedAfter.set(revocation.name, since)
          continue
        }
        assert.equal(answer, 'allowed', `B answers ${revocation.name} with ${answer}`)
        assert.ok(
          since <= boundMs,
          `B still allowed after the ${revocation.name} ${since} ms after A confirmed it (bound ${boundMs} ms)`,
        )
      }
      await sleep(20)
    }
    t.diagnostic(
      `B refused after: ${[...refusedAfter].map(([name, ms]) => `${name} ${ms} ms`).join(', ')}`,
    )
    return refusedAfter
  }

  /** Pauses B's listener's backend for the duration of `work`; it always resumes. */
  async function whilePaused<T>(pid: number, work: () => Promise<T>): Promise<T> {
    process.kill(pid, 'SIGSTOP')
    try {
      return await work()
    } finally {
      process.kill(pid, 'SIGCONT')
    }
  }

  test("B's listener paused (SIGSTOP): B refuses a detached policy, a deactivated key, revoked sessions and a deleted user within --max-staleness + 1 s, reports it, and recovers", async (t) => {
    const replicas = await startReplicas()
    const { b, fixture } = replicas
    try {
      await warm(fixture)
      let sawDeaf: Health | undefined
      let sawUnready = false
      const pausedAt = Date.now()
      await whilePaused(replicas.bListener, async () => {
        await revokeOnA(fixture, DEFAULT_MAX_STALENESS_MS + 1000, t)
        // The heartbeat is missed within two of its intervals: B says it reads through.
        await waitFor(
          async () => {
            const now = await health(b)
            if (now.freshness.notifications === 'deaf') sawDeaf = now
            if ((await readyStatus(b)) === 503) sawUnready = true
            return sawDeaf !== undefined && sawUnready
          },
          'B to report that it reads through',
          5000,
        )
      })
      assert.equal(sawDeaf?.freshness.deafCause, 'heartbeat-missed')
      assert.ok(sawDeaf?.freshness.deafSince, 'since when it reads through')

      // Resumed: B hears again, is ready, and follows A at once through notifications again.
      await waitFor(
        async () =>
          (await health(b)).freshness.notifications === 'hearing' && (await readyStatus(b)) === 200,
        'B to hear again',
        10_000,
      )
      const heardAfter = Date.now() - pausedAt
      const heard = await health(b)
      assert.equal(heard.freshness.maxStalenessMs, DEFAULT_MAX_STALENESS_MS)
      assert.ok(heard.freshness.cacheAgeMs <= DEFAULT_MAX_STALENESS_MS)
      assert.equal(heard.freshness.deafSince, undefined)
      await fixture.reactivate()
      const followed = await waitFor(
        async () => (await fixture.getUser('b')) === 'allowed',
        'B to follow a change made on A',
        DEFAULT_MAX_STALENESS_MS,
      )
      t.diagnostic(`after recovery B followed A's change in ${followed} ms`)
      const logged = episodesSince(replicas.bLogs, pausedAt)
      assert.equal(logged.length, 1, `one log line for the episode: ${JSON.stringify(logged)}`)
      assert.equal(logged[0]!['cause'], 'heartbeat-missed')
      const lasted = logged[0]!['durationMs'] as number
      t.diagnostic(`B logged: ${JSON.stringify(logged[0])}`)
      assert.ok(lasted > 0 && lasted <= heardAfter, `it lasted ${lasted} ms, of ${heardAfter} ms`)
    } finally {
      await replicas.close()
    }
  })

  test('with no heartbeat, the maximum age alone bounds what a deaf replica allows', async (t) => {
    const maxStalenessMs = 2000
    const replicas = await startReplicas({ maxStalenessMs, listenerHeartbeatMs: 0 })
    const { b, fixture } = replicas
    try {
      await warm(fixture)
      assert.equal((await health(b)).freshness.maxStalenessMs, maxStalenessMs)
      await whilePaused(replicas.bListener, async () => {
        await revokeOnA(fixture, maxStalenessMs + 1000, t)
        // Nothing tells B it is deaf: it keeps caching, each entry for at most the bound.
        assert.equal((await health(b)).freshness.notifications, 'hearing')
        assert.ok((await health(b)).freshness.cacheAgeMs <= maxStalenessMs)
      })
    } finally {
      await replicas.close()
    }
  })

  test('with a long maximum age, the heartbeat alone notices a deaf listener, and B listens anew while the old backend hangs', async (t) => {
    const replicas = await startReplicas({ maxStalenessMs: 600_000 })
    const { b, fixture, admin } = replicas
    try {
      await warm(fixture)
      const pausedAt = Date.now()
      await whilePaused(replicas.bListener, async () => {
        // The heartbeat is sent every second: a missed one is noticed within two.
        await revokeOnA(fixture, 3000, t)
        let sawUnready = false
        // Silent for three heartbeats, the connection is given up for a new one, which hears.
        const recovered = await waitFor(
          async () => {
            if ((await readyStatus(b)) === 503) sawUnready = true
            const listeners = await listenerPids(admin)
            return (
              sawUnready &&
              listeners.length === 3 &&
              listeners.includes(replicas.bListener) &&
              (await health(b)).freshness.notifications === 'hearing' &&
              (await readyStatus(b)) === 200
            )
          },
          'B to listen on a new connection',
          10_000,
        )
        t.diagnostic(`B heard again on a new connection ${recovered} ms after it refused all`)
        // Hearing again, B caches again, and follows A through notifications.
        await fixture.reactivate()
        await waitFor(
          async () => (await fixture.getUser('b')) === 'allowed',
          'B to follow a change made on A',
          2000,
        )
      })
      const logged = episodesSince(replicas.bLogs, pausedAt)
      assert.equal(logged.length, 1, `one log line for the episode: ${JSON.stringify(logged)}`)
      assert.equal(logged[0]!['cause'], 'heartbeat-missed')
    } finally {
      await replicas.close()
    }
  })

  test("B's listener killed from the database (pg_terminate_backend): B reads through, reconnects, and allowed nothing older than the bound", async (t) => {
    const replicas = await startReplicas()
    const { b, fixture, admin } = replicas
    try {
      await warm(fixture)
      // B is asked without pause from before the kill until well past the bound.
      const answers: Array<{ at: number; answer: Outcome }> = []
      let asking = true
      const asker = (async () => {
        while (asking) {
          const at = Date.now()
          answers.push({ at, answer: await fixture.getUser('b') })
          await sleep(10)
        }
      })()
      let deactivatedAt = 0
      let killedAt = 0
      try {
        await sleep(100)
        killedAt = Date.now()
        const { rows } = await admin.query<{ ended: boolean }>(
          'select pg_terminate_backend($1) as ended',
          [replicas.bListener],
        )
        assert.deepEqual(rows, [{ ended: true }])
        await fixture.deactivate()
        deactivatedAt = Date.now()
        await waitFor(
          async () => {
            const now = await listenerPids(admin)
            return (
              now.length === 2 &&
              !now.includes(replicas.bListener) &&
              (await health(b)).freshness.notifications === 'hearing'
            )
          },
          'B to listen again on a new connection',
          10_000,
        )
        await sleep(Math.max(0, deactivatedAt + DEFAULT_MAX_STALENESS_MS + 500 - Date.now()))
      } finally {
        asking = false
        await asker
      }
      const allowedAfter = answers
        .filter(({ at, answer }) => answer === 'allowed' && at >= deactivatedAt)
        .map(({ at }) => at - deactivatedAt)
      t.diagnostic(
        `${answers.length} answers; allowed after the deactivation: ${allowedAfter.length}, the last ${Math.max(0, ...allowedAfter)} ms after`,
      )
      assert.ok(
        allowedAfter.every((ms) => ms <= DEFAULT_MAX_STALENESS_MS),
        `allowed ${Math.max(...allowedAfter)} ms after the key was deactivated`,
      )
      assert.equal(answers.at(-1)?.answer, 'InvalidClientTokenId')
      assert.equal(await readyStatus(b), 200)
      const logged = episodesSince(replicas.bLogs, killedAt)
      assert.equal(logged.length, 1, `one log line for the episode: ${JSON.stringify(logged)}`)
      assert.equal(logged[0]!['cause'], 'connection-lost')
      // Listening again, B follows A at once.
      await fixture.reactivate()
      await waitFor(
        async () => (await fixture.getUser('b')) === 'allowed',
        'B to follow a change made on A',
        DEFAULT_MAX_STALENESS_MS,
      )
    } finally {
      await replicas.close()
    }
  })

  test('at 4,999 users, exactly one of two CreateUser calls made at once on A and B succeeds', async () => {
    const replicas = await startReplicas()
    const { a, b, databaseUrl } = replicas
    try {
      // The account holds the bootstrap's admin user; 4,998 more stored directly, as if made earlier.
      const store = await openPostgresStore({
        connectionString: databaseUrl,
        secrets: testSecrets(),
      })
      try {
        await store.transaction(async (repo) => {
          const held = await repo.users.count(ACCOUNT)
          for (let i = held; i < 4999; i += 1) {
            const name = `filler-${i}`
            await repo.users.insert({
              accountId: ACCOUNT,
              userId: `AIDAFILLER${String(i).padStart(11, '0')}`,
              userName: name,
              path: '/',
              arn: iamArn(ACCOUNT, 'user', '/', name),
              createDate: new Date(),
              permissionsBoundaryArn: null,
              tags: [],
            })
          }
        })
        assert.equal(await store.read((repo) => repo.users.count(ACCOUNT)), 4999)
      } finally {
        await store.close()
      }
      const adminA = iamSdk(a.url, a.admin)
      const adminB = iamSdk(b.url, b.admin)
      for (let round = 0; round < 10; round += 1) {
        const names = [`racer-a-${round}`, `racer-b-${round}`]
        const results = await Promise.allSettled([
          adminA.send(new CreateUserCommand({ UserName: names[0] })),
          adminB.send(new CreateUserCommand({ UserName: names[1] })),
        ])
        const won = results.flatMap((result, i) => (result.status === 'fulfilled' ? [i] : []))
        assert.equal(won.length, 1, `round ${round}: exactly one succeeds`)
        const lost = results[1 - won[0]!]
        assert.equal(lost?.status, 'rejected')
        const error = (lost as PromiseRejectedResult).reason as Error
        assert.equal(error.name, 'LimitExceededException')
        assert.equal(error.message, 'Cannot exceed quota for UsersPerAccount: 5000')
        // The loser wrote nothing; the winner leaves again, so the next round races for the same
        // last place.
        const loser = await rejection(
          adminB.send(new GetUserCommand({ UserName: names[1 - won[0]!] })),
        )
        assert.equal(loser.name, 'NoSuchEntityException')
        await adminA.send(new DeleteUserCommand({ UserName: names[won[0]!] }))
      }
      const { rows } = await replicas.admin.query<{ held: string }>(
        'select count(*) as held from users where account_id = $1',
        [ACCOUNT],
      )
      assert.deepEqual(rows, [{ held: '4999' }])
    } finally {
      await replicas.close()
    }
  })
})
