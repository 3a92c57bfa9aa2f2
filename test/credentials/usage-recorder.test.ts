// The usage recorder over a real SQLite store: the latest use per id wins, nothing is written until
// a flush (by the schedule, by hand or at close), and a failed flush is logged, kept and retried.
import assert from 'node:assert/strict'
import { Writable } from 'node:stream'
import { describe, test } from 'node:test'
import { pino } from 'pino'
import type { Caller } from '../../src/core/caller.js'
import {
  DEFAULT_USAGE_FLUSH_MS,
  UsageRecorder,
  intervalSchedule,
  noteCallerUse,
} from '../../src/credentials/usage-recorder.js'
import type { UsageNotes, UsageSchedule } from '../../src/credentials/usage-recorder.js'
import type { Store, UsageBatch } from '../../src/store/ports.js'
import { openSqliteStore } from '../../src/store/sqlite/open-sqlite-store.js'

const ACCOUNT = '123456789012'
const USER = 'AIDAUSAGE000000000001'
const KEY = 'AKIAUSAGE00000000001'
const OTHER_KEY = 'AKIAUSAGE00000000002'
const ROLE = 'AROAUSAGE000000000001'
const T0 = new Date('2025-03-01T10:00:00.000Z')
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000)

async function seededStore(): Promise<Store> {
  const store = await openSqliteStore({ file: ':memory:' })
  await store.transaction(async (repo) => {
    await repo.users.insert({
      accountId: ACCOUNT,
      userId: USER,
      userName: 'alice',
      path: '/',
      arn: `arn:aws:iam::${ACCOUNT}:user/alice`,
      createDate: T0,
      permissionsBoundaryArn: null,
      tags: [],
    })
    for (const accessKeyId of [KEY, OTHER_KEY]) {
      await repo.accessKeys.insert({
        accessKeyId,
        accountId: ACCOUNT,
        userId: USER,
        secretAccessKey: 'secret',
        status: 'Active',
        createDate: T0,
        lastUsed: null,
      })
    }
    await repo.roles.insert({
      accountId: ACCOUNT,
      roleId: ROLE,
      roleName: 'deployer',
      path: '/',
      arn: `arn:aws:iam::${ACCOUNT}:role/deployer`,
      createDate: T0,
      assumeRolePolicyDocument: '{}',
      description: null,
      maxSessionDuration: 3600,
      permissionsBoundaryArn: null,
      tags: [],
      lastUsed: null,
    })
  })
  return store
}

const keyUse = (store: Store, id = KEY) =>
  store.transaction(async (repo) => (await repo.accessKeys.get(id))?.lastUsed)
const roleUse = (store: Store) =>
  store.transaction(async (repo) => (await repo.roles.getById(ROLE))?.lastUsed)

/** A schedule the test ticks by hand. */
function manualSchedule() {
  const state = { tick: undefined as (() => void) | undefined, intervalMs: 0, stopped: false }
  const schedule: UsageSchedule = (tick, intervalMs) => {
    state.tick = tick
    state.intervalMs = intervalMs
    return () => {
      state.stopped = true
    }
  }
  return { schedule, state }
}

/** A pino logger whose JSON lines the test reads. */
function capturedLogger() {
  const lines: Array<Record<string, unknown>> = []
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>)
      done()
    },
  })
  return { logger: pino({ level: 'warn' }, stream), lines }
}

describe('UsageRecorder', () => {
  test('the latest use per key and role wins, and nothing is written before a flush', async () => {
    const store = await seededStore()
    const { schedule } = manualSchedule()
    const { logger } = capturedLogger()
    const recorder = new UsageRecorder({ store, logger, schedule })
    try {
      recorder.noteAccessKey(KEY, 'iam', 'us-east-1', at(5))
      recorder.noteAccessKey(KEY, 'sts', 'eu-west-1', at(9))
      // Noted out of order (two requests finishing in turn): the older one does not win.
      recorder.noteAccessKey(KEY, 'iam', 'ap-south-1', at(7))
      recorder.noteRole(ROLE, 'us-west-2', at(3))
      recorder.noteRole(ROLE, 'eu-central-1', at(4))
      assert.equal(recorder.pending, 2)
      assert.equal(await keyUse(store), null)
      assert.equal(await roleUse(store), null)

      await recorder.flush()
      assert.equal(recorder.pending, 0)
      assert.deepEqual(await keyUse(store), {
        date: at(9),
        serviceName: 'sts',
        region: 'eu-west-1',
      })
      assert.deepEqual(await roleUse(store), { date: at(4), region: 'eu-central-1' })
      assert.equal(await keyUse(store, OTHER_KEY), null)
    } finally {
      await recorder.close()
      await store.close()
    }
  })

  test('the schedule flushes at its interval; close stops it and writes what is left', async () => {
    const store = await seededStore()
    const { schedule, state } = manualSchedule()
    const { logger } = capturedLogger()
    const recorder = new UsageRecorder({ store, logger, schedule, intervalMs: 1234 })
    try {
      assert.equal(state.intervalMs, 1234)
      recorder.noteAccessKey(KEY, 'iam', 'us-east-1', at(1))
      state.tick?.()
      // The tick started a flush: the note left the queue. A flush by hand queues behind it.
      await new Promise((resolve) => setImmediate(resolve))
      assert.equal(recorder.pending, 0)
      await recorder.flush()
      assert.deepEqual(await keyUse(store), {
        date: at(1),
        serviceName: 'iam',
        region: 'us-east-1',
      })

      recorder.noteRole(ROLE, 'us-east-1', at(2))
      await recorder.close()
      assert.equal(state.stopped, true)
      assert.deepEqual(await roleUse(store), { date: at(2), region: 'us-east-1' })
      // Notes after close are dropped: nothing is left to write them.
      recorder.noteAccessKey(KEY, 'iam', 'us-east-1', at(60))
      assert.equal(recorder.pending, 0)
    } finally {
      await store.close()
    }
  })

  test('the default schedule is a real interval', async () => {
    const store = await seededStore()
    const { logger } = capturedLogger()
    const recorder = new UsageRecorder({ store, logger, intervalMs: 5 })
    try {
      recorder.noteRole(ROLE, 'us-east-1', at(1))
      for (let i = 0; i < 100 && recorder.pending > 0; i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 5))
      }
      await recorder.flush()
      assert.deepEqual(await roleUse(store), { date: at(1), region: 'us-east-1' })
    } finally {
      await recorder.close()
      await store.close()
    }
    assert.equal(DEFAULT_USAGE_FLUSH_MS, 5000)
    // The timer is unref'd: it never keeps the process alive, and stops when asked.
    let ticks = 0
    const stop = intervalSchedule(() => (ticks += 1), 1)
    await new Promise((resolve) => setTimeout(resolve, 20))
    stop()
    const seen = ticks
    assert.ok(seen > 0)
    await new Promise((resolve) => setTimeout(resolve, 10))
    assert.equal(ticks, seen)
  })

  test('a failed flush is logged, never thrown, and its uses are retried', async () => {
    const real = await seededStore()
    let failures = 1
    const batches: UsageBatch[] = []
    // The real store behind a switch that fails the first write, as a lost connection would.
    const store: Pick<Store, 'recordUse'> = {
      recordUse: (uses) => {
        batches.push(uses)
        if (failures > 0) {
          failures -= 1
          return Promise.reject(new Error('connection reset'))
        }
        return real.recordUse(uses)
      },
    }
    const { logger, lines } = capturedLogger()
    const recorder = new UsageRecorder({ store, logger, schedule: manualSchedule().schedule })
    try {
      recorder.noteAccessKey(KEY, 'iam', 'us-east-1', at(1))
      recorder.noteRole(ROLE, 'us-east-1', at(1))
      await recorder.flush()
      assert.equal(lines.length, 1)
      assert.equal(lines[0]?.['level'], 40)
      assert.match(String(lines[0]?.['msg']), /could not record .* last used; will retry/)
      assert.equal(
        (lines[0]?.['err'] as { message?: string } | undefined)?.message,
        'connection reset',
      )
      assert.equal(await keyUse(real), null)
      assert.equal(recorder.pending, 2)

      // A newer use noted meanwhile wins over the one kept from the failed batch.
      recorder.noteAccessKey(KEY, 'sts', 'eu-west-1', at(2))
      await recorder.flush()
      assert.deepEqual(await keyUse(real), { date: at(2), serviceName: 'sts', region: 'eu-west-1' })
      assert.deepEqual(await roleUse(real), { date: at(1), region: 'us-east-1' })
      assert.equal(batches.length, 2)
      assert.equal(recorder.pending, 0)
    } finally {
      await recorder.close()
      await real.close()
    }
  })

  test('a flush against a closed store is logged at close and the uses dropped', async () => {
    const store = await seededStore()
    const { logger, lines } = capturedLogger()
    const recorder = new UsageRecorder({ store, logger, schedule: manualSchedule().schedule })
    recorder.noteRole(ROLE, 'us-east-1', at(1))
    await store.close()
    await recorder.close()
    assert.equal(lines.length, 1)
    assert.match(String(lines[0]?.['msg']), /dropped at close/)
    assert.equal(recorder.pending, 0)
  })
})

describe('noteCallerUse', () => {
  const notes = () => {
    const seen: string[] = []
    const sink: UsageNotes = {
      noteAccessKey: (id, service, region, when) =>
        seen.push(`key ${id} ${service} ${region} ${when.toISOString()}`),
      noteRole: (id, region, when) => seen.push(`role ${id} ${region} ${when.toISOString()}`),
    }
    return { sink, seen }
  }
  const base = { accountId: ACCOUNT, arn: 'arn', userId: USER, principalId: USER, name: 'alice' }
  const session = {
    obtainedBy: 'AssumeRole' as const,
    chained: false,
    issuedAt: T0,
    expiresAt: at(3600),
    tags: [],
    transitiveTagKeys: [],
  }
  const use = { service: 'iam', region: 'eu-north-1', at: at(1) }

  test('a long-term key is noted with the service and region it was signed for', () => {
    const { sink, seen } = notes()
    noteCallerUse(sink, { ...base, type: 'user', accessKeyId: KEY }, use)
    assert.deepEqual(seen, [`key ${KEY} iam eu-north-1 ${at(1).toISOString()}`])
  })

  test('a role session notes its role, not its temporary key', () => {
    const { sink, seen } = notes()
    const caller: Caller = {
      ...base,
      type: 'assumed-role',
      userId: `${ROLE}:s`,
      principalId: ROLE,
      accessKeyId: 'ASIAUSAGE00000000001',
      session,
    }
    noteCallerUse(sink, caller, use)
    assert.deepEqual(seen, [`role ${ROLE} eu-north-1 ${at(1).toISOString()}`])
  })

  test("GetSessionToken's sessions and root note nothing", () => {
    const { sink, seen } = notes()
    const userSession = { ...session, obtainedBy: 'GetSessionToken' as const }
    noteCallerUse(
      sink,
      { ...base, type: 'user', accessKeyId: 'ASIAUSAGE00000000002', session: userSession },
      use,
    )
    noteCallerUse(sink, { ...base, type: 'root', principalId: '', accessKeyId: 'ASIAX' }, use)
    assert.deepEqual(seen, [])
  })
})
