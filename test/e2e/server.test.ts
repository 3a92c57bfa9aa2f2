// The server through a real socket: the AWS SDK for JavaScript signs and parses, the admin
// endpoints answer, state survives a restart, and the real CLI starts and says where it listens.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import {
  CreateUserCommand,
  GetUserCommand,
  IAMClient,
  ListUsersCommand,
  NoSuchEntityException,
} from '@aws-sdk/client-iam'
import type { AdminKey } from '../../src/iam/bootstrap.js'
import { awsCli, json } from '../support/aws-cli.js'
import { postgresUnavailable, startPostgres } from '../support/postgres.js'
import { requireOrSkip } from '../support/requirements.js'
import { startTestServer } from '../support/server.js'
import type { TestServer } from '../support/server.js'

const iamClient = (server: TestServer, key: AdminKey = server.admin) =>
  new IAMClient({ endpoint: server.url, region: 'us-east-1', credentials: key, maxAttempts: 1 })

describe('rolegate over a socket', () => {
  let server: TestServer
  before(async () => {
    server = await startTestServer()
  })
  after(() => server.cleanup())

  test('CreateUser, GetUser and ListUsers round trip through @aws-sdk/client-iam', async () => {
    const iam = iamClient(server)
    const created = await iam.send(new CreateUserCommand({ UserName: 'alice', Path: '/team/' }))
    assert.equal(created.User?.UserName, 'alice')
    assert.equal(created.User?.Arn, 'arn:aws:iam::123456789012:user/team/alice')
    assert.match(created.User?.UserId ?? '', /^AIDA[A-Z2-7]{17}$/)
    assert.ok(created.User?.CreateDate instanceof Date)
    assert.match(created.$metadata.requestId ?? '', /^[0-9a-f-]{36}$/)

    const got = await iam.send(new GetUserCommand({ UserName: 'alice' }))
    assert.equal(got.User?.UserId, created.User?.UserId)
    assert.equal(got.User?.CreateDate?.getTime(), created.User?.CreateDate?.getTime())

    const listed = await iam.send(new ListUsersCommand({}))
    assert.deepEqual(
      listed.Users?.map((user) => user.UserName),
      ['admin', 'alice'],
    )
    assert.equal(listed.IsTruncated, false)
  })

  test('GetUser without a name is the caller: the bootstrap admin', async () => {
    const me = await iamClient(server).send(new GetUserCommand({}))
    assert.equal(me.User?.UserName, 'admin')
    assert.equal(me.User?.Arn, 'arn:aws:iam::123456789012:user/admin')
  })

  test('errors reach the SDK as its typed exceptions with AWS status and request id', async () => {
    const error = await iamClient(server)
      .send(new GetUserCommand({ UserName: 'nobody' }))
      .then(
        () => undefined,
        (caught: unknown) => caught,
      )
    assert.ok(error instanceof NoSuchEntityException, String(error))
    assert.equal(error.message, 'The user with name nobody cannot be found.')
    assert.equal(error.$metadata.httpStatusCode, 404)
    assert.match(error.$metadata.requestId ?? '', /^[0-9a-f-]{36}$/)
  })

  test('a wrong secret is refused with SignatureDoesNotMatch', async () => {
    const iam = iamClient(server, {
      accessKeyId: server.admin.accessKeyId,
      secretAccessKey: 'wrong',
    })
    await assert.rejects(
      iam.send(new ListUsersCommand({})),
      (error: Error & { $metadata?: { httpStatusCode?: number } }) => {
        assert.equal(error.name, 'SignatureDoesNotMatch')
        assert.equal(error.$metadata?.httpStatusCode, 403)
        return true
      },
    )
  })

  test('an unsigned request is refused with MissingAuthenticationToken', async () => {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=ListUsers&Version=2010-05-08',
    })
    assert.equal(response.status, 403)
    assert.ok(response.headers.get('x-amzn-requestid'))
    const body = await response.text()
    assert.match(
      body,
      /<Code>MissingAuthenticationToken<\/Code><Message>Request is missing Authentication Token<\/Message>/,
    )
  })

  test('the AWS CLI signs and reads the same API', async () => {
    const target = { endpoint: server.url, credentials: server.admin }
    const created = json<{ User: { UserName: string; Arn: string } }>(
      await awsCli(target, [
        'iam',
        'create-user',
        '--user-name',
        'cli-user',
        '--tags',
        'Key=team,Value=a b+c=d/é',
      ]),
    )
    assert.equal(created.User.Arn, 'arn:aws:iam::123456789012:user/cli-user')
    const tags = json<{ Tags: Array<{ Key: string; Value: string }> }>(
      await awsCli(target, ['iam', 'list-user-tags', '--user-name', 'cli-user']),
    )
    assert.deepEqual(tags.Tags, [{ Key: 'team', Value: 'a b+c=d/é' }])
    const missing = await awsCli(target, ['iam', 'get-user', '--user-name', 'ghost'])
    assert.notEqual(missing.code, 0)
    assert.match(missing.stderr, /\(NoSuchEntity\).*The user with name ghost cannot be found\./)
  })

  test('health answers 200 JSON', async () => {
    const response = await fetch(`${server.url}/_rolegate/health`)
    assert.equal(response.status, 200)
    assert.equal(response.headers.get('content-type'), 'application/json')
    assert.equal(((await response.json()) as { status: string }).status, 'ok')
  })

  test('reset is refused (403) when not enabled and changes nothing', async () => {
    const response = await fetch(`${server.url}/_rolegate/reset`, { method: 'POST' })
    assert.equal(response.status, 403)
    const users = await iamClient(server).send(new ListUsersCommand({}))
    assert.ok(users.Users?.some((user) => user.UserName === 'alice'))
  })
})

describe('reset enabled', () => {
  test('wipes state over the socket and keeps the admin key working', async () => {
    const server = await startTestServer({ allowReset: true })
    try {
      const iam = iamClient(server)
      await iam.send(new CreateUserCommand({ UserName: 'temporary' }))
      for (const path of ['/_rolegate/reset', '/moto-api/reset']) {
        const response = await fetch(`${server.url}${path}`, { method: 'POST' })
        assert.equal(response.status, 200, path)
      }
      const users = await iam.send(new ListUsersCommand({}))
      assert.deepEqual(
        users.Users?.map((user) => user.UserName),
        ['admin'],
      )
    } finally {
      await server.cleanup()
    }
  })
})

describe('persistence and the generated admin key', () => {
  test('a restart keeps state, and a generated key is saved once as a 0600 credentials file', async () => {
    let server = await startTestServer({ adminKey: null })
    try {
      const file = join(server.dataDir, 'admin-credentials')
      assert.equal(server.running.adminCredentialsFile, file)
      assert.equal(statSync(file).mode & 0o777, 0o600)
      const text = readFileSync(file, 'utf8')
      const match =
        /^\[rolegate\]\naws_access_key_id = (AKIA[A-Z2-7]{16})\naws_secret_access_key = (\S{40})\n$/.exec(
          text,
        )
      assert.ok(match, text)
      assert.equal(match[1], server.admin.accessKeyId)
      assert.equal(match[2], server.admin.secretAccessKey)

      const key = { accessKeyId: match[1], secretAccessKey: match[2] }
      await iamClient(server, key).send(new CreateUserCommand({ UserName: 'survivor' }))

      server = await server.restart()
      assert.equal(server.admin.accessKeyId, key.accessKeyId)
      assert.equal(readFileSync(file, 'utf8'), text)
      const got = await iamClient(server, key).send(new GetUserCommand({ UserName: 'survivor' }))
      assert.equal(got.User?.UserName, 'survivor')
      const users = await iamClient(server, key).send(new ListUsersCommand({}))
      assert.deepEqual(
        users.Users?.map((user) => user.UserName),
        ['admin', 'survivor'],
      )
    } finally {
      await server.cleanup()
    }
  })

  test('a key from the environment writes no credentials file', async () => {
    const server = await startTestServer()
    try {
      assert.equal(server.running.adminCredentialsFile, undefined)
      assert.throws(() => statSync(join(server.dataDir, 'admin-credentials')), { code: 'ENOENT' })
    } finally {
      await server.cleanup()
    }
  })
})

describe('PostgreSQL', () => {
  test(
    'with a database URL the state lives in PostgreSQL and survives a restart',
    { skip: requireOrSkip(postgresUnavailable()) },
    async () => {
      const cluster = await startPostgres()
      let server = await startTestServer({ databaseUrl: cluster.connectionString })
      try {
        assert.match(server.running.database, /^postgres/)
        await iamClient(server).send(new CreateUserCommand({ UserName: 'pg-user' }))
        server = await server.restart()
        const got = await iamClient(server).send(new GetUserCommand({ UserName: 'pg-user' }))
        assert.equal(got.User?.UserName, 'pg-user')
      } finally {
        await server.cleanup()
        await cluster.stop()
      }
    },
  )
})

describe('the rolegate command', () => {
  test('serve starts quickly and prints where it listens and where the admin credentials are', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'rolegate-cli-'))
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--port', '0', '--data', dataDir, '--quiet'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          ...process.env,
          ROLEGATE_ADMIN_ACCESS_KEY_ID: '',
          ROLEGATE_ADMIN_SECRET_ACCESS_KEY: '',
        },
      },
    )
    try {
      let stdout = ''
      let stderr = ''
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no listening line; stderr: ${stderr}`)),
          20_000,
        )
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString()
          const found = /rolegate listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)
          if (found && stdout.includes('admin credentials:')) {
            clearTimeout(timer)
            resolve(found[1] as string)
          }
        })
        child.once('exit', (code) => reject(new Error(`exited ${code}: ${stderr}`)))
      })
      assert.match(
        stdout,
        new RegExp(
          `admin credentials: .*${join(dataDir, 'admin-credentials').replaceAll('/', '\\/')}`,
        ),
      )
      const health = await fetch(`${url}/_rolegate/health`)
      assert.equal(health.status, 200)
    } finally {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve))
        child.kill('SIGTERM')
        await exited
      }
      rmSync(dataDir, { recursive: true, force: true })
    }
  })
})
