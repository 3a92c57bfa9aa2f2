// `rolegate serve --workers 2` as a user runs it: one port, two processes, one SQLite file. Every
// request opens its own connection, so the primary hands them to the workers in turn, and a change
// made through one worker must count at once in the other: no cache may answer from before it.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import type { ChildProcessWithoutNullStreams } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { Agent, get } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  DeleteUserPolicyCommand,
  GetUserCommand,
  IAMClient,
  PutUserPolicyCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam'
import type { Credentials } from '../support/aws-cli.js'
import { rejection } from '../support/iam-sdk.js'
import { TEST_ADMIN_KEY } from '../support/server.js'

/** Requests per check: enough that each of the two workers answers several of them. */
const ROUNDS = 6

/** An IAM client that opens a new connection for every request. */
const freshConnections = (endpoint: string, credentials: Credentials) =>
  new IAMClient({
    endpoint,
    region: 'us-east-1',
    credentials,
    maxAttempts: 1,
    requestHandler: { httpAgent: new Agent({ keepAlive: false }) },
  })

/** A GET on a connection of its own, so that either worker may answer it. */
const freshGet = (target: string): Promise<{ status: number; body: string }> =>
  new Promise((resolve, reject) => {
    get(target, { agent: false }, (response) => {
      let body = ''
      response.setEncoding('utf8')
      response.on('data', (chunk: string) => (body += chunk))
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }))
    }).on('error', reject)
  })

/** The pids of a process's children (Linux /proc). */
const childrenOf = (pid: number): number[] =>
  readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
    .trim()
    .split(/\s+/)
    .filter((text) => text !== '')
    .map(Number)

async function waitFor(check: () => boolean, what: string, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

describe('serve --workers 2', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'rolegate-workers-'))
  let child: ChildProcessWithoutNullStreams
  let url = ''
  let stdout = ''
  let stderr = ''

  before(async () => {
    child = spawn(
      process.execPath,
      [
        ...['--import', 'tsx', 'src/cli/main.ts', 'serve'],
        ...['--workers', '2', '--port', '0', '--data', dataDir, '--quiet'],
        ...['--max-staleness', '2'],
      ],
      {
        env: {
          ...process.env,
          ROLEGATE_ADMIN_ACCESS_KEY_ID: TEST_ADMIN_KEY.accessKeyId,
          ROLEGATE_ADMIN_SECRET_ACCESS_KEY: TEST_ADMIN_KEY.secretAccessKey,
        },
      },
    )
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    await waitFor(() => /listening on (\S+)/.test(stdout), `the listening line; stderr: ${stderr}`)
    url = /listening on (\S+)/.exec(stdout)![1]!
  })

  after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    rmSync(dataDir, { recursive: true, force: true })
  })

  test('prints that two worker processes serve one port', () => {
    assert.match(stdout, /rolegate listening on http:\/\/127\.0\.0\.1:\d+ \(2 worker processes\)/)
    assert.equal(childrenOf(child.pid!).length, 2)
  })

  test('a policy or key changed through one worker counts at once in the other', async () => {
    const admin = freshConnections(url, TEST_ADMIN_KEY)
    await admin.send(new CreateUserCommand({ UserName: 'alice' }))
    const created = await admin.send(new CreateAccessKeyCommand({ UserName: 'alice' }))
    const key = {
      accessKeyId: created.AccessKey!.AccessKeyId!,
      secretAccessKey: created.AccessKey!.SecretAccessKey!,
    }
    const alice = freshConnections(url, key)
    const allowGetUser = new PutUserPolicyCommand({
      UserName: 'alice',
      PolicyName: 'read-self',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'iam:GetUser', Resource: '*' }],
      }),
    })
    const everyWorker = async (expect: (call: Promise<unknown>) => Promise<void>) => {
      for (let i = 0; i < ROUNDS; i++) await expect(alice.send(new GetUserCommand({})))
    }
    const allowed = async (call: Promise<unknown>) => void (await call)
    const refused = (code: string) => async (call: Promise<unknown>) =>
      assert.equal((await rejection(call)).name, code)

    await admin.send(allowGetUser)
    // Both workers have now cached alice's key and policies.
    await everyWorker(allowed)
    await admin.send(new DeleteUserPolicyCommand({ UserName: 'alice', PolicyName: 'read-self' }))
    await everyWorker(refused('AccessDenied'))
    await admin.send(allowGetUser)
    await everyWorker(allowed)
    await admin.send(
      new UpdateAccessKeyCommand({
        UserName: 'alice',
        AccessKeyId: key.accessKeyId,
        Status: 'Inactive',
      }),
    )
    await everyWorker(refused('InvalidClientTokenId'))
  })

  test("each worker reports on /_rolegate/health that it asks data_version, and its caches' bound", async () => {
    for (let i = 0; i < ROUNDS; i++) {
      const health = await freshGet(`${url}/_rolegate/health`)
      assert.equal(health.status, 200)
      const { freshness } = JSON.parse(health.body) as {
        freshness: { notifications: string; cacheAgeMs: number; maxStalenessMs: number }
      }
      assert.equal(freshness.notifications, 'data-version')
      assert.equal(freshness.maxStalenessMs, 2000)
      assert.ok(freshness.cacheAgeMs >= 0 && freshness.cacheAgeMs <= 2000)
      assert.equal((await freshGet(`${url}/_rolegate/ready`)).status, 200)
    }
  })

  test('a worker that dies is replaced, and SIGTERM stops them all', async () => {
    const [victim] = childrenOf(child.pid!)
    process.kill(victim!, 'SIGKILL')
    await waitFor(() => {
      const now = childrenOf(child.pid!)
      return now.length === 2 && !now.includes(victim!)
    }, 'a replacement worker')
    const admin = freshConnections(url, TEST_ADMIN_KEY)
    for (let i = 0; i < ROUNDS; i++) {
      const got = await admin.send(new GetUserCommand({ UserName: 'alice' }))
      assert.equal(got.User?.UserName, 'alice')
    }

    const workers = childrenOf(child.pid!)
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGTERM')
    assert.equal(await exited, 0)
    for (const pid of workers) {
      assert.throws(() => process.kill(pid, 0), /ESRCH/, `worker ${pid} is gone`)
    }
  })
})
