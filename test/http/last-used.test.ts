// Last use through the socket-free app with the real composition: a verified long-term key is
// noted with the service and region it signed for, an assumed role and its sessions note the role,
// and a flush writes them without moving the store's generation (every cache stays warm).
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { pino } from 'pino'
import { FixedClock } from '../../src/core/clock.js'
import type { App } from '../../src/http/app.js'
import type { UsageRecorder } from '../../src/credentials/usage-recorder.js'
import { composeApp } from '../../src/main.js'
import type { Store } from '../../src/store/ports.js'
import { openSqliteStore } from '../../src/store/sqlite/open-sqlite-store.js'
import { queryRequest, signed } from '../support/signed-request.js'
import type { SigningKey } from '../support/signed-request.js'
import { credentialsOf, parse } from '../sts/support.js'
import type { Parsed } from '../sts/support.js'

const ACCOUNT = '123456789012'
const ADMIN: SigningKey = { accessKeyId: 'AKIDLASTUSEDADMIN', secretAccessKey: 'admin-secret' }
const IAM = { Version: '2010-05-08' }
const STS = { Version: '2011-06-15' }
const ROLEGATE = { Version: '2026-11-01' }
const PUBLIC_URL = 'https://rolegate.invalid'
const T0 = new Date('2025-05-05T12:00:00.000Z')

describe('recorded last use', () => {
  let store: Store
  let app: App
  let usage: UsageRecorder
  const clock = new FixedClock(T0)

  const call = async (
    params: Record<string, string>,
    key: SigningKey,
    options: { service: string; region?: string },
  ): Promise<Parsed> => {
    const host = `${options.service}.amazonaws.com`
    const request = signed(queryRequest(params, { host }), key, {
      service: options.service,
      region: options.region ?? 'us-east-1',
      date: clock.now(),
    })
    return parse(await app.handle(request))
  }
  const iam = async (params: Record<string, string>, key = ADMIN, region = 'us-east-1') =>
    call({ ...IAM, ...params }, key, { service: 'iam', region })
  const ok = async (params: Record<string, string>) => {
    const answer = await iam(params)
    assert.equal(answer.status, 200, answer.body)
    return answer
  }
  const newUserKey = async (userName: string): Promise<SigningKey> => {
    await ok({ Action: 'CreateUser', UserName: userName })
    const key = await ok({ Action: 'CreateAccessKey', UserName: userName })
    return {
      accessKeyId: key.text('AccessKeyId') ?? '',
      secretAccessKey: key.text('SecretAccessKey') ?? '',
    }
  }
  const lastUsedOf = async (accessKeyId: string) => {
    const answer = await ok({ Action: 'GetAccessKeyLastUsed', AccessKeyId: accessKeyId })
    return {
      date: answer.text('LastUsedDate'),
      service: answer.text('ServiceName'),
      region: answer.text('Region'),
    }
  }
  const roleLastUsed = async (roleName: string) => {
    const answer = await ok({ Action: 'GetRole', RoleName: roleName })
    assert.match(answer.body, /<RoleLastUsed/)
    return { date: answer.text('LastUsedDate'), region: answer.text('Region') }
  }
  /** Flushes and insists the write moved no generation, so no cache was dropped. */
  const flush = async () => {
    const generation = store.generation
    await usage.flush()
    assert.equal(store.generation, generation)
  }

  before(async () => {
    store = await openSqliteStore({ file: ':memory:' })
    const composed = await composeApp({
      store,
      accountId: ACCOUNT,
      region: 'us-east-1',
      adminKey: ADMIN,
      allowReset: false,
      logger: pino({ level: 'silent' }),
      clock,
      publicUrl: () => PUBLIC_URL,
      // Nothing is written but by the flushes the tests make.
      usageFlushMs: 3_600_000,
    })
    app = composed.app
    usage = composed.usage
  })
  after(async () => {
    await usage.close()
    await store.close()
  })

  test('a key never used answers N/A; once used, the service and region it signed for', async () => {
    const key = await newUserKey('alice')
    await flush()
    assert.deepEqual(await lastUsedOf(key.accessKeyId), {
      date: undefined,
      service: 'N/A',
      region: 'N/A',
    })

    clock.set(new Date('2025-05-05T12:01:00.000Z'))
    // Alice has no policies: denied, but the key was used, and that is what is recorded.
    const denied = await iam({ Action: 'ListUsers' }, key, 'eu-west-3')
    assert.equal(denied.status, 403, denied.body)
    assert.equal(denied.text('Code'), 'AccessDenied')
    // Nothing reaches the database before a flush.
    assert.equal(
      (await store.transaction((r) => r.accessKeys.get(key.accessKeyId)))?.lastUsed,
      null,
    )
    await flush()
    assert.deepEqual(await lastUsedOf(key.accessKeyId), {
      date: '2025-05-05T12:01:00Z',
      service: 'iam',
      region: 'eu-west-3',
    })

    clock.set(new Date('2025-05-05T12:02:00.000Z'))
    const who = await call({ ...STS, Action: 'GetCallerIdentity' }, key, {
      service: 'sts',
      region: 'ap-southeast-2',
    })
    assert.equal(who.status, 200, who.body)
    await flush()
    assert.deepEqual(await lastUsedOf(key.accessKeyId), {
      date: '2025-05-05T12:02:00Z',
      service: 'sts',
      region: 'ap-southeast-2',
    })
  })

  test('a request whose signature fails, or with an inactive key, records nothing', async () => {
    const key = await newUserKey('bob')
    const forged = await iam({ Action: 'GetUser' }, { ...key, secretAccessKey: 'wrong' })
    assert.equal(forged.text('Code'), 'SignatureDoesNotMatch')
    await ok({
      Action: 'UpdateAccessKey',
      UserName: 'bob',
      AccessKeyId: key.accessKeyId,
      Status: 'Inactive',
    })
    const refused = await iam({ Action: 'GetUser' }, key)
    assert.equal(refused.text('Code'), 'InvalidClientTokenId')
    await flush()
    assert.deepEqual(await lastUsedOf(key.accessKeyId), {
      date: undefined,
      service: 'N/A',
      region: 'N/A',
    })
  })

  test('AssumeRole records the role; a request with its session records it again', async () => {
    const trust = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
          Action: 'sts:AssumeRole',
        },
      ],
    })
    await ok({ Action: 'CreateRole', RoleName: 'deployer', AssumeRolePolicyDocument: trust })
    const fresh = await ok({ Action: 'GetRole', RoleName: 'deployer' })
    assert.match(fresh.body, /<RoleLastUsed><\/RoleLastUsed>/)

    clock.set(new Date('2025-05-05T13:00:00.000Z'))
    const assumed = await call(
      {
        ...STS,
        Action: 'AssumeRole',
        RoleArn: `arn:aws:iam::${ACCOUNT}:role/deployer`,
        RoleSessionName: 'ship',
      },
      ADMIN,
      { service: 'sts', region: 'eu-central-1' },
    )
    const session = credentialsOf(assumed)
    await flush()
    assert.deepEqual(await roleLastUsed('deployer'), {
      date: '2025-05-05T13:00:00Z',
      region: 'eu-central-1',
    })
    // The caller's own key signed the AssumeRole call.
    assert.equal((await lastUsedOf(ADMIN.accessKeyId)).service, 'sts')

    clock.set(new Date('2025-05-05T13:05:00.000Z'))
    const who = await call({ ...STS, Action: 'GetCallerIdentity' }, session, {
      service: 'sts',
      region: 'ap-northeast-1',
    })
    assert.equal(who.status, 200, who.body)
    await flush()
    assert.deepEqual(await roleLastUsed('deployer'), {
      date: '2025-05-05T13:05:00Z',
      region: 'ap-northeast-1',
    })
    // A temporary key is no IAM access key: nothing of it is stored.
    assert.equal(await store.transaction((r) => r.accessKeys.get(session.accessKeyId)), undefined)
  })

  test('AssumeRoleWithWebIdentity records the role in the default region', async () => {
    clock.set(new Date('2025-05-05T14:00:00.000Z'))
    const issued = await call({ ...ROLEGATE, Action: 'CreateIssuer', IssuerName: 'ci' }, ADMIN, {
      service: 'rolegate',
    })
    assert.equal(issued.status, 200, issued.body)
    const issuerUrl = `${PUBLIC_URL}/issuers/${ACCOUNT}/ci`
    await ok({
      Action: 'CreateOpenIDConnectProvider',
      Url: issuerUrl,
      'ClientIDList.member.1': 'sts.amazonaws.com',
    })
    const hostPath = issuerUrl.replace('https://', '')
    const trust = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/${hostPath}` },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: { StringEquals: { [`${hostPath}:aud`]: 'sts.amazonaws.com' } },
        },
      ],
    })
    await ok({ Action: 'CreateRole', RoleName: 'ci-runner', AssumeRolePolicyDocument: trust })
    const minted = await call(
      {
        ...ROLEGATE,
        Action: 'IssueToken',
        IssuerName: 'ci',
        Subject: 'repo:org/app',
        'Audience.member.1': 'sts.amazonaws.com',
      },
      ADMIN,
      { service: 'rolegate' },
    )
    assert.equal(minted.status, 200, minted.body)

    const request = queryRequest(
      {
        ...STS,
        Action: 'AssumeRoleWithWebIdentity',
        RoleArn: `arn:aws:iam::${ACCOUNT}:role/ci-runner`,
        RoleSessionName: 'build',
        WebIdentityToken: minted.text('Token') ?? '',
      },
      { host: 'sts.amazonaws.com' },
    )
    credentialsOf(parse(await app.handle(request)))
    await flush()
    assert.deepEqual(await roleLastUsed('ci-runner'), {
      date: '2025-05-05T14:00:00Z',
      region: 'us-east-1',
    })
  })
})
