// Drives STS through the socket-free app with the real composition (SQLite in memory, IAM, STS,
// the keyring), signing every call the way an SDK does, and reads the XML answers back.
import assert from 'node:assert/strict'
import { DOMParser } from '@xmldom/xmldom'
import type { Element } from '@xmldom/xmldom'
import { pino } from 'pino'
import { FixedClock } from '../../src/core/clock.js'
import type { App } from '../../src/http/app.js'
import type { HttpResponse } from '../../src/http/http-message.js'
import { composeApp } from '../../src/main.js'
import type { ComposeOptions } from '../../src/main.js'
import type { Store } from '../../src/store/ports.js'
import { openSqliteStore } from '../../src/store/sqlite/open-sqlite-store.js'
import { queryRequest, signed } from '../support/signed-request.js'
import type { SigningKey } from '../support/signed-request.js'

export const ACCOUNT = '123456789012'
export const OTHER_ACCOUNT = '210987654321'
export const ADMIN: SigningKey = {
  accessKeyId: 'AKIDSTSADMIN',
  secretAccessKey: 'sts-admin-secret',
}
export const STS = { Version: '2011-06-15' }
export const IAM = { Version: '2010-05-08' }

export const doc = (...statements: object[]) =>
  JSON.stringify({ Version: '2012-10-17', Statement: statements })

/** A trust policy letting `principal` (an AWS principal value) assume the role. */
export const trustAws = (principal: string | string[], actions: string[] = ['sts:AssumeRole']) =>
  doc({ Effect: 'Allow', Principal: { AWS: principal }, Action: actions })

export interface Parsed {
  status: number
  root: string
  /** The text of the first element with this name, or undefined. */
  text(name: string): string | undefined
  body: string
}

export function parse(response: HttpResponse): Parsed {
  if (!response.body.startsWith('<')) {
    // A JSON answer: only its body and status are read.
    return { status: response.status, root: '', text: () => undefined, body: response.body }
  }
  const xml = new DOMParser().parseFromString(response.body, 'text/xml')
  return {
    status: response.status,
    root: xml.documentElement?.tagName ?? '',
    text: (name) => {
      const element = xml.getElementsByTagName(name)[0] as Element | undefined
      return element?.textContent ?? undefined
    },
    body: response.body,
  }
}

export interface Credentials extends SigningKey {
  sessionToken: string
  expiration: string
}

export interface Harness {
  app: App
  store: Store
  clock: FixedClock
  /** Signs with `key` (the admin unless given) for `service`, at the clock's time. */
  call(
    params: Record<string, string>,
    key?: SigningKey,
    options?: { service?: string; headers?: Array<[string, string]> },
  ): Promise<Parsed>
  /** An unsigned Query call (AssumeRoleWithWebIdentity). */
  unsigned(params: Record<string, string>, headers?: Array<[string, string]>): Promise<Parsed>
  iam(params: Record<string, string>, key?: SigningKey): Promise<Parsed>
  /** Calls and insists on success. */
  ok(params: Record<string, string>, key?: SigningKey): Promise<Parsed>
  close(): Promise<void>
}

export async function stsHarness(options: Partial<ComposeOptions> = {}): Promise<Harness> {
  const store = await openSqliteStore({ file: ':memory:' })
  const clock = new FixedClock(new Date(Math.floor(Date.now() / 1000) * 1000))
  const { app } = await composeApp({
    store,
    accountId: ACCOUNT,
    region: 'us-east-1',
    adminKey: ADMIN,
    allowReset: false,
    logger: pino({ level: 'silent' }),
    clock,
    ...options,
  })
  const call: Harness['call'] = async (params, key = ADMIN, callOptions = {}) => {
    const request = queryRequest(params, {
      host: 'sts.amazonaws.com',
      ...(callOptions.headers ? { headers: callOptions.headers } : {}),
    })
    const response = await app.handle(
      signed(request, key, { service: callOptions.service ?? 'sts', date: clock.now() }),
    )
    return parse(response)
  }
  return {
    app,
    store,
    clock,
    call: (params, key, callOptions) => call({ ...STS, ...params }, key, callOptions),
    unsigned: async (params, headers) =>
      parse(
        await app.handle(
          queryRequest(
            { ...STS, ...params },
            { host: 'sts.amazonaws.com', headers: headers ?? [] },
          ),
        ),
      ),
    iam: (params, key) => call({ ...IAM, ...params }, key, { service: 'iam' }),
    async ok(params, key) {
      const isIam = params['Version'] === IAM.Version
      const answer = isIam
        ? await call(params, key, { service: 'iam' })
        : await call({ ...STS, ...params }, key)
      assert.equal(answer.status, 200, answer.body)
      return answer
    },
    close: () => store.close(),
  }
}

/** The credentials an AssumeRole* / GetSessionToken answer carries. */
export function credentialsOf(answer: Parsed): Credentials {
  assert.equal(answer.status, 200, answer.body)
  return {
    accessKeyId: answer.text('AccessKeyId') ?? '',
    secretAccessKey: answer.text('SecretAccessKey') ?? '',
    sessionToken: answer.text('SessionToken') ?? '',
    expiration: answer.text('Expiration') ?? '',
  }
}

/** Asserts an AWS error answer, and that it issued no credentials. */
export function assertError(
  answer: Parsed,
  status: number,
  code: string,
  message: string | RegExp,
) {
  assert.equal(answer.root, 'ErrorResponse', answer.body)
  assert.equal(answer.status, status, answer.body)
  assert.equal(answer.text('Code'), code, answer.body)
  if (typeof message === 'string') assert.equal(answer.text('Message'), message)
  else assert.match(answer.text('Message') ?? '', message)
  assert.equal(answer.text('Type'), status >= 500 ? 'Receiver' : 'Sender')
  assert.equal(answer.text('SessionToken'), undefined)
  assert.equal(answer.text('AccessKeyId'), undefined)
}

/** Creates a role through IAM as the admin; answers its ARN. */
export async function createRole(
  h: Harness,
  name: string,
  trustPolicy: string,
  extra: Record<string, string> = {},
): Promise<string> {
  const answer = await h.ok({
    ...IAM,
    Action: 'CreateRole',
    RoleName: name,
    AssumeRolePolicyDocument: trustPolicy,
    ...extra,
  })
  return answer.text('Arn') ?? ''
}

/** Creates an IAM user with an access key and (optionally) an inline policy. */
export async function createUser(
  h: Harness,
  name: string,
  policy?: string,
): Promise<{ arn: string; key: SigningKey }> {
  const created = await h.ok({ ...IAM, Action: 'CreateUser', UserName: name })
  if (policy !== undefined) {
    await h.ok({
      ...IAM,
      Action: 'PutUserPolicy',
      UserName: name,
      PolicyName: 'inline',
      PolicyDocument: policy,
    })
  }
  const key = await h.ok({ ...IAM, Action: 'CreateAccessKey', UserName: name })
  return {
    arn: created.text('Arn') ?? '',
    key: {
      accessKeyId: key.text('AccessKeyId') ?? '',
      secretAccessKey: key.text('SecretAccessKey') ?? '',
    },
  }
}

export const asKey = (credentials: Credentials): SigningKey => ({
  accessKeyId: credentials.accessKeyId,
  secretAccessKey: credentials.secretAccessKey,
  sessionToken: credentials.sessionToken,
})

export const allowAll = doc({ Effect: 'Allow', Action: '*', Resource: '*' })
