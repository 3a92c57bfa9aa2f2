// GetCallerIdentity, GetAccessKeyInfo, DecodeAuthorizationMessage and STS's JSON answers, through
// the app; and the refusals that need a caller the app cannot produce (the root user).
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { Caller } from '../../src/core/caller.js'
import { AwsError } from '../../src/core/errors.js'
import { randomIds } from '../../src/core/ids.js'
import { queryRequest, signed } from '../support/signed-request.js'
import type { Harness } from './support.js'
import {
  ACCOUNT,
  ADMIN,
  IAM,
  STS,
  asKey,
  assertError,
  createRole,
  createUser,
  credentialsOf,
  doc,
  stsHarness,
  trustAws,
} from './support.js'

describe('STS operations', () => {
  let h: Harness
  let reader: Awaited<ReturnType<typeof createUser>>

  before(async () => {
    h = await stsHarness()
    reader = await createUser(
      h,
      'reader',
      doc({ Effect: 'Allow', Action: 'iam:ListRoles', Resource: '*' }),
    )
  })
  after(() => h.close())

  test('GetCallerIdentity needs no permission', async () => {
    const who = await h.call({ Action: 'GetCallerIdentity' }, reader.key)
    assert.equal(who.status, 200, who.body)
    assert.equal(who.root, 'GetCallerIdentityResponse')
    assert.equal(who.text('Arn'), reader.arn)
    assert.equal(who.text('Account'), ACCOUNT)
    assert.match(who.text('UserId') ?? '', /^AIDA/)
  })

  test('GetCallerIdentity unsigned is refused as AWS refuses it', async () => {
    const answer = await h.unsigned({ Action: 'GetCallerIdentity' })
    assertError(
      answer,
      403,
      'MissingAuthenticationToken',
      'Request is missing Authentication Token',
    )
  })

  test('GetAccessKeyInfo: long-term keys by lookup, temporary keys from the id', async () => {
    const own = await h.call({ Action: 'GetAccessKeyInfo', AccessKeyId: reader.key.accessKeyId })
    assert.equal(own.status, 200, own.body)
    assert.equal(own.text('Account'), ACCOUNT)
    const roleArn = await createRole(h, 'info', trustAws(ACCOUNT))
    const session = credentialsOf(
      await h.call({ Action: 'AssumeRole', RoleArn: roleArn, RoleSessionName: 'sess' }),
    )
    const temp = await h.call({ Action: 'GetAccessKeyInfo', AccessKeyId: session.accessKeyId })
    assert.equal(temp.text('Account'), ACCOUNT)
    assertError(
      await h.call({ Action: 'GetAccessKeyInfo', AccessKeyId: 'AKIA-short' }),
      400,
      'ValidationError',
      "2 validation errors detected: Value 'AKIA-short' at 'accessKeyId' failed to satisfy constraint: Member must have length greater than or equal to 16; Value 'AKIA-short' at 'accessKeyId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w]*",
    )
    assertError(
      await h.call({ Action: 'GetAccessKeyInfo', AccessKeyId: session.accessKeyId }, reader.key),
      403,
      'AccessDenied',
      `User: ${reader.arn} is not authorized to perform: sts:GetAccessKeyInfo on resource: * because no identity-based policy allows the sts:GetAccessKeyInfo action`,
    )
  })

  describe('DecodeAuthorizationMessage', () => {
    test('decodes the message of a denial into AWS shape with the decision trace', async () => {
      const denied = await h.iam({ Action: 'CreateUser', UserName: 'eve' }, reader.key)
      assert.equal(denied.status, 403)
      const encoded = denied.text('EncodedAuthorizationMessage') ?? ''
      assert.ok(encoded.length > 0, denied.body)
      // The reader may not decode it...
      assertError(
        await h.call({ Action: 'DecodeAuthorizationMessage', EncodedMessage: encoded }, reader.key),
        403,
        'AccessDenied',
        `User: ${reader.arn} is not authorized to perform: sts:DecodeAuthorizationMessage on resource: * because no identity-based policy allows the sts:DecodeAuthorizationMessage action`,
      )
      // ...the administrator may.
      const answer = await h.call({ Action: 'DecodeAuthorizationMessage', EncodedMessage: encoded })
      assert.equal(answer.status, 200, answer.body)
      const decoded = JSON.parse(answer.text('DecodedMessage') ?? '{}')
      assert.equal(decoded.allowed, false)
      assert.equal(decoded.explicitDeny, false)
      assert.deepEqual(decoded.matchedStatements, { items: [] })
      assert.deepEqual(decoded.failures, { items: [] })
      assert.equal(decoded.context.principal.arn, reader.arn)
      assert.equal(decoded.context.principal.name, 'reader')
      assert.equal(decoded.context.action, 'iam:CreateUser')
      assert.equal(decoded.context.resource, `arn:aws:iam::${ACCOUNT}:user/eve`)
      const keys = decoded.context.conditions.items.map((item: { key: string }) => item.key)
      assert.ok(keys.includes('aws:username'), keys.join())
      assert.equal(decoded.rolegate.decision.decision, 'ImplicitlyDenied')
      assert.ok(Array.isArray(decoded.rolegate.decision.trace))
      assert.match(decoded.rolegate.explanation, /IMPLICITLY DENIED/)
    })

    test('an explicit deny is reported with its statement', async () => {
      const blocked = await createUser(
        h,
        'blocked',
        doc(
          { Effect: 'Allow', Action: 'iam:*', Resource: '*' },
          { Sid: 'NoUsers', Effect: 'Deny', Action: 'iam:CreateUser', Resource: '*' },
        ),
      )
      const denied = await h.iam({ Action: 'CreateUser', UserName: 'eve' }, blocked.key)
      const answer = await h.call({
        Action: 'DecodeAuthorizationMessage',
        EncodedMessage: denied.text('EncodedAuthorizationMessage') ?? '',
      })
      const decoded = JSON.parse(answer.text('DecodedMessage') ?? '{}')
      assert.equal(decoded.explicitDeny, true)
      assert.equal(decoded.matchedStatements.items[0].statementId, 'NoUsers')
      assert.equal(decoded.matchedStatements.items[0].effect, 'DENY')
    })

    test('a message that is not ours', async () => {
      assertError(
        await h.call({
          Action: 'DecodeAuthorizationMessage',
          EncodedMessage: 'bm90LWEtbWVzc2FnZQ',
        }),
        400,
        'InvalidAuthorizationMessageException',
        'The encoded authorization message is invalid.',
      )
      // A session token is sealed for another purpose and does not decode as a message.
      const roleArn = await createRole(h, 'msg', trustAws(ACCOUNT))
      const session = credentialsOf(
        await h.call({ Action: 'AssumeRole', RoleArn: roleArn, RoleSessionName: 'sess' }),
      )
      assertError(
        await h.call({
          Action: 'DecodeAuthorizationMessage',
          EncodedMessage: session.sessionToken,
        }),
        400,
        'InvalidAuthorizationMessageException',
        'The encoded authorization message is invalid.',
      )
    })
  })

  describe('JSON answers on Accept: application/json', () => {
    const json = { headers: [['Accept', 'application/json'] as [string, string]] }

    test('a result, with timestamps as epoch seconds', async () => {
      const who = await h.call({ Action: 'GetCallerIdentity' }, reader.key, json)
      assert.deepEqual(JSON.parse(who.body), {
        GetCallerIdentityResponse: {
          GetCallerIdentityResult: {
            UserId: JSON.parse(who.body).GetCallerIdentityResponse.GetCallerIdentityResult.UserId,
            Account: ACCOUNT,
            Arn: reader.arn,
          },
          ResponseMetadata: {
            RequestId: JSON.parse(who.body).GetCallerIdentityResponse.ResponseMetadata.RequestId,
          },
        },
      })
      const token = JSON.parse((await h.call({ Action: 'GetSessionToken' }, reader.key, json)).body)
      const expiration = token.GetSessionTokenResponse.GetSessionTokenResult.Credentials.Expiration
      assert.equal(typeof expiration, 'number')
      assert.equal(expiration, h.clock.now().getTime() / 1000 + 43200)
    })

    test('an error, with its encoded authorization message', async () => {
      const roleArn = `arn:aws:iam::${ACCOUNT}:role/absent`
      const request = signed(
        queryRequest(
          { ...STS, Action: 'AssumeRole', RoleArn: roleArn, RoleSessionName: 'sess' },
          { host: 'sts.amazonaws.com', headers: [['Accept', 'application/json']] },
        ),
        reader.key,
        { service: 'sts', date: h.clock.now() },
      )
      const response = await h.app.handle(request)
      assert.equal(response.status, 403)
      assert.equal(response.headers['content-type'], 'application/json')
      const body = JSON.parse(response.body)
      assert.equal(body.Error.Code, 'AccessDenied')
      assert.equal(body.Error.Type, 'Sender')
      assert.equal(
        body.Error.Message,
        `User: ${reader.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
      )
      assert.match(body.Error.EncodedAuthorizationMessage, /^[A-Za-z0-9_-]+$/)
      assert.match(body.RequestId, /^[0-9a-f-]{36}$/)
    })

    test('IAM keeps answering in XML', async () => {
      const answer = await h.call({ ...IAM, Action: 'ListRoles' }, ADMIN, {
        service: 'iam',
        ...json,
      })
      assert.equal(answer.root, 'ListRolesResponse')
    })
  })

  test('the root user may not assume roles', async () => {
    const root: Caller = {
      type: 'root',
      accountId: ACCOUNT,
      arn: `arn:aws:iam::${ACCOUNT}:root`,
      userId: ACCOUNT,
      principalId: '',
      name: 'root',
      accessKeyId: 'AKIAROOTEXAMPLEKEY00',
    }
    const roleArn = await createRole(h, 'for-root', trustAws(ACCOUNT))
    const { composeSts } = await import('../../src/sts/compose.js')
    const { IamAuthorizer } = await import('../../src/iam/authorize.js')
    const sts = composeSts({
      store: h.store,
      authorizer: new IamAuthorizer(h.store),
      clock: h.clock,
      ids: randomIds,
    })
    await assert.rejects(
      sts.service.call(
        root,
        'AssumeRole',
        { RoleArn: roleArn, RoleSessionName: 'sess' },
        {
          requestId: 'r',
          region: 'us-east-1',
          sourceIp: '127.0.0.1',
          userAgent: 'test',
          secureTransport: false,
          now: h.clock.now(),
        },
      ),
      (error: unknown) =>
        error instanceof AwsError &&
        error.code === 'AccessDenied' &&
        error.message === 'Roles may not be assumed by root accounts.',
    )
  })

  test('a GetSessionToken session may still assume a role', async () => {
    const roleArn = await createRole(h, 'from-user-session', trustAws(reader.arn))
    const session = credentialsOf(await h.call({ Action: 'GetSessionToken' }, reader.key))
    const answer = await h.call(
      { Action: 'AssumeRole', RoleArn: roleArn, RoleSessionName: 'sess', DurationSeconds: '3600' },
      asKey(session),
    )
    assert.equal(answer.status, 200, answer.body)
  })
})
