// The socket-free app with the real composition over SQLite in memory and a frozen clock, and a
// helper that calls the rolegate admin API (or IAM) signed at the clock's time.
import assert from 'node:assert/strict'
import { DOMParser } from '@xmldom/xmldom'
import { pino } from 'pino'
import { FixedClock } from '../../src/core/clock.js'
import type { App } from '../../src/http/app.js'
import type { HttpResponse } from '../../src/http/http-message.js'
import { composeApp } from '../../src/main.js'
import type { Store } from '../../src/store/ports.js'
import { openSqliteStore } from '../../src/store/sqlite/open-sqlite-store.js'
import { testSecrets } from '../support/secrets.js'
import { xmlValue } from '../../src/cli/query-client.js'
import type { XmlValue } from '../../src/cli/query-client.js'
import { signedQuery } from '../support/signed-request.js'
import type { SigningKey } from '../support/signed-request.js'

export const ACCOUNT = '123456789012'
export const ADMIN: SigningKey = { accessKeyId: 'AKIDADMIN', secretAccessKey: 'admin-secret' }
export const PUBLIC_URL = 'https://rolegate.test'
export const ROLEGATE_VERSION = '2026-11-01'

export interface Harness {
  app: App
  store: Store
  clock: FixedClock
  /** Calls a rolegate action; `service: 'iam'` for IAM. */
  call(action: string, params?: Record<string, string>, options?: CallOptions): Promise<Answer>
  /** Calls and asserts success, answering the result. */
  ok(
    action: string,
    params?: Record<string, string>,
    options?: CallOptions,
  ): Promise<{ [name: string]: XmlValue }>
  close(): Promise<void>
}

export interface CallOptions {
  key?: SigningKey
  service?: 'rolegate' | 'iam'
}

export interface Answer {
  response: HttpResponse
  status: number
  result: { [name: string]: XmlValue }
  error: { code: string; message: string; type: string } | undefined
}

function parse(response: HttpResponse, action: string): Answer {
  const root = new DOMParser().parseFromString(response.body, 'text/xml').documentElement
  assert.ok(root, response.body)
  const value = xmlValue(root)
  const object = typeof value === 'object' && !Array.isArray(value) ? value : {}
  if (root.localName === 'ErrorResponse') {
    const error = object['Error']
    const fields = typeof error === 'object' && !Array.isArray(error) ? error : {}
    const text = (name: string) => (typeof fields[name] === 'string' ? fields[name] : '')
    return {
      response,
      status: response.status,
      result: {},
      error: { code: text('Code'), message: text('Message'), type: text('Type') },
    }
  }
  const result = object[`${action}Result`]
  return {
    response,
    status: response.status,
    result: typeof result === 'object' && !Array.isArray(result) ? result : {},
    error: undefined,
  }
}

export async function harness(
  start = new Date('2026-11-01T00:00:00Z'),
  /** A database file to keep the store in, for a test that also reads or edits it raw. */
  file = ':memory:',
): Promise<Harness> {
  const store = await openSqliteStore({
    file,
    ...(file === ':memory:' ? {} : { secrets: testSecrets() }),
  })
  const clock = new FixedClock(start)
  const { app } = await composeApp({
    store,
    accountId: ACCOUNT,
    region: 'us-east-1',
    adminKey: ADMIN,
    allowReset: false,
    logger: pino({ level: 'silent' }),
    clock,
    publicUrl: () => PUBLIC_URL,
  })
  const call = async (
    action: string,
    params: Record<string, string> = {},
    options: CallOptions = {},
  ) => {
    const service = options.service ?? 'rolegate'
    const version = service === 'iam' ? '2010-05-08' : ROLEGATE_VERSION
    const request = signedQuery(
      { Action: action, Version: version, ...params },
      options.key ?? ADMIN,
      {
        service,
        date: clock.now(),
        host: 'rolegate.test',
      },
    )
    return parse(await app.handle(request), action)
  }
  return {
    app,
    store,
    clock,
    call,
    async ok(action, params, options) {
      const answer = await call(action, params, options)
      assert.equal(answer.error, undefined, answer.response.body)
      assert.equal(answer.status, 200)
      return answer.result
    },
    close: () => store.close(),
  }
}

/** Asserts an AWS error with its exact code, status and message. */
export function assertError(
  answer: Answer,
  status: number,
  code: string,
  message: string | RegExp,
) {
  assert.ok(answer.error, `expected ${code}, got ${answer.response.body}`)
  assert.equal(answer.status, status)
  assert.equal(answer.error.code, code)
  if (typeof message === 'string') assert.equal(answer.error.message, message)
  else assert.match(answer.error.message, message)
}

/** A user with an access key and, optionally, an inline policy; made through IAM as the admin. */
export async function userWithKey(
  h: Harness,
  name: string,
  policy?: object,
  key: SigningKey = ADMIN,
): Promise<SigningKey> {
  await h.ok('CreateUser', { UserName: name }, { service: 'iam', key })
  if (policy) {
    await h.ok(
      'PutUserPolicy',
      { UserName: name, PolicyName: 'p', PolicyDocument: JSON.stringify(policy) },
      { service: 'iam', key },
    )
  }
  const created = await h.ok('CreateAccessKey', { UserName: name }, { service: 'iam', key })
  const accessKey = created['AccessKey'] as { [name: string]: string }
  return {
    accessKeyId: accessKey['AccessKeyId'] ?? '',
    secretAccessKey: accessKey['SecretAccessKey'] ?? '',
  }
}

export const list = (value: XmlValue | undefined): XmlValue[] => (Array.isArray(value) ? value : [])
export const field = (value: XmlValue | undefined, name: string): XmlValue | undefined =>
  typeof value === 'object' && !Array.isArray(value) ? value[name] : undefined
