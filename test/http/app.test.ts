// The socket-free app end to end: decoding, routing, authentication and encoding, through
// handle() with the real composition (SQLite in memory, IamService, IamAuthorizer).
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { DOMParser } from '@xmldom/xmldom'
import { pino } from 'pino'
import type { HttpResponse } from '../../src/http/http-message.js'
import type { App } from '../../src/http/app.js'
import { adminRoute } from '../../src/http/admin-routes.js'
import { composeApp } from '../../src/main.js'
import type { Store } from '../../src/store/ports.js'
import { openSqliteStore } from '../../src/store/sqlite/open-sqlite-store.js'
import { queryRequest, signed, signedQuery } from '../support/signed-request.js'

const ADMIN = { accessKeyId: 'AKIDADMIN', secretAccessKey: 'admin-secret' }
const IAM_NS = 'https://iam.amazonaws.com/doc/2010-05-08/'
const V = { Version: '2010-05-08' }

interface ParsedError {
  type: string
  code: string
  message: string
  requestId: string
  namespace: string
}

function parseError(response: HttpResponse): ParsedError {
  const doc = new DOMParser().parseFromString(response.body, 'text/xml')
  const text = (name: string) => doc.getElementsByTagName(name)[0]?.textContent ?? ''
  assert.equal(doc.documentElement?.tagName, 'ErrorResponse', response.body)
  return {
    type: text('Type'),
    code: text('Code'),
    message: text('Message'),
    requestId: text('RequestId'),
    namespace: doc.documentElement?.getAttribute('xmlns') ?? '',
  }
}

async function expectError(
  app: App,
  request: Parameters<App['handle']>[0],
  status: number,
  code: string,
  message: string | RegExp,
) {
  const response = await app.handle(request)
  const error = parseError(response)
  assert.equal(response.status, status, response.body)
  assert.equal(error.code, code)
  if (typeof message === 'string') assert.equal(error.message, message)
  else assert.match(error.message, message)
  assert.equal(error.type, status >= 500 ? 'Receiver' : 'Sender')
  assert.equal(response.headers['x-amzn-RequestId'], error.requestId)
  assert.match(error.requestId, /^[0-9a-f-]{36}$/)
  return error
}

const userCount = async (store: Store) =>
  store.transaction(async (repo) => (await repo.users.list('123456789012')).length)

describe('createApp().handle()', () => {
  let store: Store
  let app: App
  /** The store's monotonic clock, for the age of what caches hold. */
  let monotonic = 0

  before(async () => {
    store = await openSqliteStore({ file: ':memory:', now: () => monotonic })
    const composed = await composeApp({
      store,
      accountId: '123456789012',
      region: 'us-east-1',
      adminKey: ADMIN,
      allowReset: false,
      logger: pino({ level: 'silent' }),
    })
    app = composed.app
  })
  after(() => store.close())

  describe('a signed call', () => {
    test('runs the operation and answers in AWS XML with the request id', async () => {
      const response = await app.handle(signedQuery({ Action: 'GetUser', ...V }, ADMIN))
      assert.equal(response.status, 200, response.body)
      assert.equal(response.headers['content-type'], 'text/xml')
      const doc = new DOMParser().parseFromString(response.body, 'text/xml')
      assert.equal(doc.documentElement?.tagName, 'GetUserResponse')
      assert.equal(doc.documentElement?.getAttribute('xmlns'), IAM_NS)
      assert.equal(doc.getElementsByTagName('UserName')[0]?.textContent, 'admin')
      assert.equal(
        doc.getElementsByTagName('Arn')[0]?.textContent,
        'arn:aws:iam::123456789012:user/admin',
      )
      const requestId = doc.getElementsByTagName('RequestId')[0]?.textContent
      assert.equal(response.headers['x-amzn-RequestId'], requestId)
    })

    test('a write, then a read of it; an operation with no result has no Result element', async () => {
      const created = await app.handle(
        signedQuery({ Action: 'CreateUser', UserName: 'carol', ...V }, ADMIN),
      )
      assert.equal(created.status, 200, created.body)
      const deleted = await app.handle(
        signedQuery({ Action: 'DeleteUser', UserName: 'carol', ...V }, ADMIN),
      )
      assert.equal(deleted.status, 200, deleted.body)
      assert.match(deleted.body, /^<DeleteUserResponse xmlns="[^"]+"><ResponseMetadata>/)
      assert.doesNotMatch(deleted.body, /DeleteUserResult/)
    })

    test('GET with the parameters in the query string works too', async () => {
      const response = await app.handle(
        signedQuery({ Action: 'ListUsers', ...V }, ADMIN, { method: 'GET' }),
      )
      assert.equal(response.status, 200, response.body)
      assert.match(response.body, /<ListUsersResponse /)
    })

    test('a presigned request authenticates', async () => {
      const request = signed(queryRequest({ Action: 'GetUser', ...V }, { method: 'GET' }), ADMIN, {
        presign: true,
      })
      const response = await app.handle(request)
      assert.equal(response.status, 200, response.body)
    })

    test('an operation error keeps its code, message and status', async () => {
      await expectError(
        app,
        signedQuery({ Action: 'GetUser', UserName: 'nobody', ...V }, ADMIN),
        404,
        'NoSuchEntity',
        'The user with name nobody cannot be found.',
      )
    })

    test('an input error is a ValidationError worded as AWS does', async () => {
      await expectError(
        app,
        signedQuery({ Action: 'CreateUser', ...V }, ADMIN),
        400,
        'ValidationError',
        "1 validation error detected: Value at 'userName' failed to satisfy constraint: Member must not be null",
      )
    })
  })

  describe('protocol errors', () => {
    test('no Action: MissingAction', async () => {
      await expectError(app, signedQuery({ ...V }, ADMIN), 400, 'MissingAction', 'Missing Action')
    })

    test('an unknown action: InvalidAction naming it and the version', async () => {
      await expectError(
        app,
        signedQuery({ Action: 'LaunchRockets', ...V }, ADMIN),
        400,
        'InvalidAction',
        'Could not find operation LaunchRockets for version 2010-05-08',
      )
    })

    test('a version IAM does not speak: InvalidAction naming it', async () => {
      await expectError(
        app,
        signedQuery({ Action: 'ListUsers', Version: '2011-06-15' }, ADMIN),
        400,
        'InvalidAction',
        'Could not find operation ListUsers for version 2011-06-15',
      )
    })

    test('no Version at all', async () => {
      await expectError(
        app,
        signedQuery({ Action: 'ListUsers' }, ADMIN),
        400,
        'InvalidAction',
        'Could not find operation ListUsers for version NO_VERSION_SPECIFIED',
      )
    })

    test('an STS-signed call for an IAM action: InvalidAction in routing', async () => {
      await expectError(
        app,
        signedQuery({ Action: 'ListUsers', Version: '2011-06-15' }, ADMIN, {
          service: 'sts',
        }),
        400,
        'InvalidAction',
        'Could not find operation ListUsers for version 2011-06-15',
      )
    })

    test('an unsigned call is routed by Version: unknown action first, then authentication', async () => {
      await expectError(
        app,
        queryRequest({ Action: 'Nope', ...V }),
        400,
        'InvalidAction',
        'Could not find operation Nope for version 2010-05-08',
      )
    })
  })

  describe('authentication', () => {
    test('no signature: MissingAuthenticationToken, and nothing is written', async () => {
      const before = await userCount(store)
      const error = await expectError(
        app,
        queryRequest({ Action: 'CreateUser', UserName: 'mallory', ...V }),
        403,
        'MissingAuthenticationToken',
        'Request is missing Authentication Token',
      )
      assert.equal(error.namespace, IAM_NS)
      assert.equal(await userCount(store), before)
    })

    test('an unknown access key: InvalidClientTokenId', async () => {
      await expectError(
        app,
        signedQuery(
          { Action: 'CreateUser', UserName: 'mallory', ...V },
          {
            accessKeyId: 'AKIAUNKNOWN',
            secretAccessKey: 'x',
          },
        ),
        403,
        'InvalidClientTokenId',
        'The security token included in the request is invalid.',
      )
      assert.equal(
        await store.transaction((repo) => repo.users.getByName('123456789012', 'mallory')),
        undefined,
      )
    })

    test('the wrong secret: SignatureDoesNotMatch', async () => {
      await expectError(
        app,
        signedQuery(
          { Action: 'CreateUser', UserName: 'mallory', ...V },
          {
            accessKeyId: ADMIN.accessKeyId,
            secretAccessKey: 'not-the-secret',
          },
        ),
        403,
        'SignatureDoesNotMatch',
        'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
      )
      assert.equal(
        await store.transaction((repo) => repo.users.getByName('123456789012', 'mallory')),
        undefined,
      )
    })

    test('a body changed after signing: SignatureDoesNotMatch', async () => {
      const request = signedQuery({ Action: 'CreateUser', UserName: 'bob', ...V }, ADMIN)
      const tampered = {
        ...request,
        body: new TextEncoder().encode('Action=CreateUser&UserName=eve&Version=2010-05-08'),
      }
      await expectError(app, tampered, 403, 'SignatureDoesNotMatch', /does not match/)
    })

    test('a request signed 20 minutes ago: SignatureDoesNotMatch (expired)', async () => {
      await expectError(
        app,
        signedQuery({ Action: 'GetUser', ...V }, ADMIN, {
          date: new Date(Date.now() - 20 * 60_000),
        }),
        403,
        'SignatureDoesNotMatch',
        /^Signature expired: /,
      )
    })

    test('a scope naming another service: SignatureDoesNotMatch', async () => {
      await expectError(
        app,
        signedQuery({ Action: 'GetUser', ...V }, ADMIN, { service: 's3' }),
        403,
        'SignatureDoesNotMatch',
        "Credential should be scoped to correct service: 'iam'.",
      )
    })

    test('a malformed Authorization header: IncompleteSignature', async () => {
      const request = queryRequest(
        { Action: 'GetUser', ...V },
        {
          headers: [
            [
              'Authorization',
              'AWS4-HMAC-SHA256 Credential=AKIDADMIN/20240101/us-east-1/iam/aws4_request',
            ],
          ],
        },
      )
      await expectError(app, request, 400, 'IncompleteSignature', /requires 'Signature' parameter/)
    })

    test('an inactive key is refused as AWS refuses it, and resolves again once active', async () => {
      const key = { accessKeyId: 'AKIDSECONDKEY0001', secretAccessKey: 'second-secret' }
      await store.transaction(async (repo) => {
        const admin = await repo.users.getByName('123456789012', 'admin')
        assert.ok(admin)
        await repo.accessKeys.insert({
          ...key,
          accountId: '123456789012',
          userId: admin.userId,
          status: 'Active',
          createDate: new Date(),
          lastUsed: null,
        })
      })
      const call = () => signedQuery({ Action: 'GetUser', ...V }, key)
      assert.equal((await app.handle(call())).status, 200)

      const update = await app.handle(
        signedQuery(
          {
            Action: 'UpdateAccessKey',
            UserName: 'admin',
            AccessKeyId: key.accessKeyId,
            Status: 'Inactive',
            ...V,
          },
          ADMIN,
        ),
      )
      assert.equal(update.status, 200, update.body)
      await expectError(
        app,
        call(),
        403,
        'InvalidClientTokenId',
        'The security token included in the request is invalid.',
      )
      await app.handle(
        signedQuery(
          {
            Action: 'UpdateAccessKey',
            UserName: 'admin',
            AccessKeyId: key.accessKeyId,
            Status: 'Active',
            ...V,
          },
          ADMIN,
        ),
      )
      assert.equal((await app.handle(call())).status, 200)
    })

    test('the region of the credential scope is the request region', async () => {
      // Any region is accepted for the global IAM endpoint.
      const response = await app.handle(
        signedQuery({ Action: 'GetUser', ...V }, ADMIN, { region: 'eu-west-3' }),
      )
      assert.equal(response.status, 200, response.body)
    })
  })

  describe('authorisation', () => {
    test("a user with no policies is denied with the engine's AWS message; nothing is written", async () => {
      const key = { accessKeyId: 'AKIDPLAIN', secretAccessKey: 'plain-secret' }
      const created = await app.handle(
        signedQuery({ Action: 'CreateUser', UserName: 'plain', ...V }, ADMIN),
      )
      assert.equal(created.status, 200, created.body)
      await store.transaction(async (repo) => {
        const user = await repo.users.getByName('123456789012', 'plain')
        assert.ok(user)
        await repo.accessKeys.insert({
          ...key,
          accountId: '123456789012',
          userId: user.userId,
          status: 'Active',
          createDate: new Date(),
          lastUsed: null,
        })
      })
      await expectError(
        app,
        signedQuery({ Action: 'CreateUser', UserName: 'plain2', ...V }, key),
        403,
        'AccessDenied',
        'User: arn:aws:iam::123456789012:user/plain is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::123456789012:user/plain2 because no identity-based policy allows the iam:CreateUser action',
      )
      assert.equal(
        await store.transaction((repo) => repo.users.getByName('123456789012', 'plain2')),
        undefined,
      )

      // Granting a policy takes effect on the next request (the caches follow the store).
      const policy = JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'iam:CreateUser', Resource: '*' }],
      })
      const put = await app.handle(
        signedQuery(
          {
            Action: 'PutUserPolicy',
            UserName: 'plain',
            PolicyName: 'create',
            PolicyDocument: policy,
            ...V,
          },
          ADMIN,
        ),
      )
      assert.equal(put.status, 200, put.body)
      const allowed = await app.handle(
        signedQuery({ Action: 'CreateUser', UserName: 'plain2', ...V }, key),
      )
      assert.equal(allowed.status, 200, allowed.body)
    })
  })

  describe('admin endpoints', () => {
    test('health answers 200 JSON', async () => {
      const response = await app.handle({
        ...queryRequest({}, { method: 'GET' }),
        path: '/_rolegate/health',
      })
      assert.equal(response.status, 200)
      assert.equal(response.headers['content-type'], 'application/json')
      assert.deepEqual(JSON.parse(response.body), {
        status: 'ok',
        accountId: '123456789012',
        freshness: { notifications: 'none', cacheAgeMs: 0, maxStalenessMs: 5000 },
      })
    })

    test("health reports how old the caches' data may be; past the bound they read again", async () => {
      const health = async () => {
        const response = await app.handle({
          ...queryRequest({}, { method: 'GET' }),
          path: '/_rolegate/health',
        })
        return (JSON.parse(response.body) as { freshness: { cacheAgeMs: number } }).freshness
      }
      const start = monotonic
      await health()
      monotonic += 4999
      assert.equal((await health()).cacheAgeMs, 4999)
      monotonic += 1
      assert.equal((await health()).cacheAgeMs, 0)
      monotonic = start
    })

    test('ready answers 200 JSON while the store hears the other writers', async () => {
      const response = await app.handle({
        ...queryRequest({}, { method: 'GET' }),
        path: '/_rolegate/ready',
      })
      assert.equal(response.status, 200)
      assert.equal(response.headers['content-type'], 'application/json')
      const body = JSON.parse(response.body) as { status: string; freshness: object }
      assert.equal(body.status, 'ready')
      assert.equal((body.freshness as { notifications: string }).notifications, 'none')
      const post = await app.handle({ ...queryRequest({}), path: '/_rolegate/ready' })
      assert.equal(post.status, 405)
      assert.equal(post.headers['allow'], 'GET')
    })

    test('ready answers 503 with the reason while a replica reads through', async () => {
      const freshness = {
        notifications: 'deaf',
        deafSince: '2026-01-01T00:00:00.000Z',
        deafCause: 'heartbeat-missed',
      }
      const response = await adminRoute(
        { ...queryRequest({}, { method: 'GET' }), path: '/_rolegate/ready' },
        { ready: () => ({ ready: false, fields: { freshness } }) },
      )
      assert.equal(response?.status, 503)
      assert.deepEqual(JSON.parse(response.body), { status: 'not-ready', freshness })
    })

    test('reset is refused with 403 unless allowed, and wipes nothing', async () => {
      const before = await userCount(store)
      for (const path of ['/_rolegate/reset', '/moto-api/reset', '/moto-api/reset/']) {
        const response = await app.handle({ ...queryRequest({}), path })
        assert.equal(response.status, 403, path)
        assert.equal(JSON.parse(response.body).error, 'ResetDisabled')
      }
      assert.equal(await userCount(store), before)
    })

    test('an unknown /_rolegate path is 404 JSON, not an AWS error', async () => {
      const response = await app.handle({
        ...queryRequest({}, { method: 'GET' }),
        path: '/_rolegate/nope',
      })
      assert.equal(response.status, 404)
    })

    test('paths that only look like them go to the AWS API', async () => {
      for (const path of ['/_rolegate', '/_rolegatex/health', '/moto-api/other', '/issuers']) {
        const response = await app.handle({ ...queryRequest({ Action: 'GetUser', ...V }), path })
        assert.equal(parseError(response).code, 'MissingAuthenticationToken', path)
      }
    })
  })
})

describe('the request log line', () => {
  const logged = async (level: string) => {
    const store = await openSqliteStore({ file: ':memory:' })
    const lines: string[] = []
    try {
      const { app } = await composeApp({
        store,
        accountId: '123456789012',
        region: 'us-east-1',
        adminKey: ADMIN,
        allowReset: false,
        logger: pino({ level }, { write: (line: string) => lines.push(line) }),
      })
      const response = await app.handle(signedQuery({ Action: 'GetUser', ...V }, ADMIN))
      assert.equal(response.status, 200)
      const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>)
      return { entries, requestId: response.headers['x-amzn-RequestId'] }
    } finally {
      await store.close()
    }
  }

  test('at info, every request is logged with its id, action, principal and status', async () => {
    const { entries, requestId } = await logged('info')
    const line = entries.find((entry) => entry['msg'] === 'request')
    assert.ok(line)
    assert.equal(line['requestId'], requestId)
    assert.equal(line['action'], 'GetUser')
    assert.equal(line['principal'], 'arn:aws:iam::123456789012:user/admin')
    assert.equal(line['status'], 200)
    assert.equal(typeof line['ms'], 'number')
  })
})

describe('reset, when allowed', () => {
  test('wipes all state and bootstraps again with the same admin key', async () => {
    const store = await openSqliteStore({ file: ':memory:' })
    try {
      const { app } = await composeApp({
        store,
        accountId: '123456789012',
        region: 'us-east-1',
        adminKey: ADMIN,
        allowReset: true,
        logger: pino({ level: 'silent' }),
      })
      const created = await app.handle(
        signedQuery({ Action: 'CreateUser', UserName: 'temp', ...V }, ADMIN),
      )
      assert.equal(created.status, 200)
      assert.equal(await userCount(store), 2)
      const reset = await app.handle({ ...queryRequest({}), path: '/moto-api/reset' })
      assert.equal(reset.status, 200, reset.body)
      assert.equal(await userCount(store), 1)
      const after = await app.handle(
        signedQuery({ Action: 'GetUser', UserName: 'temp', ...V }, ADMIN),
      )
      assert.equal(after.status, 404)
      const getReset = await app.handle({
        ...queryRequest({}, { method: 'GET' }),
        path: '/_rolegate/reset',
      })
      assert.equal(getReset.status, 405)
    } finally {
      await store.close()
    }
  })
})

describe('reset from a browser', () => {
  test('is refused with 403 even when allowed, and changes nothing', async () => {
    const store = await openSqliteStore({ file: ':memory:' })
    try {
      const { app } = await composeApp({
        store,
        accountId: '123456789012',
        region: 'us-east-1',
        adminKey: ADMIN,
        allowReset: true,
        logger: pino({ level: 'silent' }),
      })
      await app.handle(signedQuery({ Action: 'CreateUser', UserName: 'kept', ...V }, ADMIN))
      // What a page on any site makes a browser send with fetch(..., { method: 'POST' }).
      const browser: Array<[string, string]> = [
        ['Origin', 'https://evil.example'],
        ['Origin', 'null'],
        ['Sec-Fetch-Site', 'cross-site'],
        ['sec-fetch-site', 'same-origin'],
      ]
      for (const header of browser) {
        for (const path of ['/_rolegate/reset', '/moto-api/reset']) {
          const request = queryRequest({})
          const response = await app.handle({
            ...request,
            path,
            headers: [...request.headers, header],
          })
          assert.equal(response.status, 403, `${header.join(': ')} ${path}`)
          assert.equal((JSON.parse(response.body) as { error: string }).error, 'ResetFromBrowser')
        }
      }
      assert.equal(await userCount(store), 2)
    } finally {
      await store.close()
    }
  })
})

describe('unexpected failures', () => {
  test('become 500 ServiceFailure with a generic message, logged', async () => {
    const store = await openSqliteStore({ file: ':memory:' })
    const lines: string[] = []
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(line) })
    const { app } = await composeApp({
      store,
      accountId: '123456789012',
      region: 'us-east-1',
      adminKey: ADMIN,
      allowReset: false,
      logger,
    })
    // Warm the credential cache, then break the database underneath the service.
    assert.equal((await app.handle(signedQuery({ Action: 'GetUser', ...V }, ADMIN))).status, 200)
    await store.close()
    await expectError(
      app,
      signedQuery({ Action: 'ListRoles', ...V }, ADMIN),
      500,
      'ServiceFailure',
      'The request processing has failed because of an unknown error, exception or failure.',
    )
    const logged = lines.map((line) => JSON.parse(line) as Record<string, unknown>)
    assert.ok(
      logged.some((entry) => entry['msg'] === 'unexpected failure' && entry['level'] === 50),
    )
    const last = logged.at(-1)
    assert.equal(last?.['action'], 'ListRoles')
    assert.equal(last?.['error'], 'ServiceFailure')
    assert.equal(last?.['principal'], 'arn:aws:iam::123456789012:user/admin')
    assert.equal(last?.['status'], 500)
  })
})
