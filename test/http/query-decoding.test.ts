import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { HttpRequest } from '../../src/http/http-message.js'
import { decodeQueryParams, isFormContentType, parseForm } from '../../src/http/query-decoding.js'

const request = (overrides: Partial<HttpRequest>): HttpRequest => ({
  method: 'POST',
  path: '/',
  query: '',
  headers: [],
  body: new Uint8Array(),
  sourceIp: '127.0.0.1',
  secure: false,
  ...overrides,
})

const form = (body: string, contentType = 'application/x-www-form-urlencoded; charset=utf-8') =>
  request({ headers: [['Content-Type', contentType]], body: new TextEncoder().encode(body) })

describe('parseForm', () => {
  const cases: Array<[string, Array<[string, string]>]> = [
    ['', []],
    ['Action=ListUsers', [['Action', 'ListUsers']]],
    [
      'a=1&b=2',
      [
        ['a', '1'],
        ['b', '2'],
      ],
    ],
    ['a=x+y', [['a', 'x y']]],
    ['a=%2B%26%3D', [['a', '+&=']]],
    ['a=%C3%A9', [['a', '\u00e9']]],
    ['flag', [['flag', '']]],
    [
      'a=&&b=',
      [
        ['a', ''],
        ['b', ''],
      ],
    ],
    ['a=b=c', [['a', 'b=c']]],
    ['Tags.member.1.Key=k', [['Tags.member.1.Key', 'k']]],
    ['a=100%', [['a', '100%']]],
    ['a=%41%zz', [['a', 'A%zz']]],
  ]
  for (const [text, expected] of cases) {
    test(JSON.stringify(text), () => assert.deepEqual(parseForm(text), expected))
  }
})

describe('isFormContentType', () => {
  test('accepts the form media type with any parameters, in any case', () => {
    assert.equal(isFormContentType('application/x-www-form-urlencoded'), true)
    assert.equal(isFormContentType('application/x-www-form-urlencoded; charset=utf-8'), true)
    assert.equal(isFormContentType('Application/X-WWW-Form-URLEncoded;charset=UTF-8'), true)
  })
  test('refuses anything else', () => {
    assert.equal(isFormContentType(undefined), false)
    assert.equal(isFormContentType('application/json'), false)
    assert.equal(isFormContentType('text/plain'), false)
  })
})

describe('decodeQueryParams', () => {
  test('POST form body', () => {
    const params = decodeQueryParams(form('Action=GetUser&Version=2010-05-08&UserName=bob'))
    assert.deepEqual({ ...params }, { Action: 'GetUser', Version: '2010-05-08', UserName: 'bob' })
  })

  test('GET query string', () => {
    const params = decodeQueryParams(
      request({ method: 'GET', query: 'Action=ListUsers&Version=2010-05-08&PathPrefix=%2Fdev%2F' }),
    )
    assert.deepEqual(
      { ...params },
      { Action: 'ListUsers', Version: '2010-05-08', PathPrefix: '/dev/' },
    )
  })

  test('a POST body that is not a form is not read', () => {
    const params = decodeQueryParams(form('Action=ListUsers', 'application/json'))
    assert.equal(params['Action'], undefined)
  })

  test('a GET body is not read', () => {
    const params = decodeQueryParams({ ...form('Action=ListUsers'), method: 'GET' })
    assert.equal(params['Action'], undefined)
  })

  test('query string and form body both count; the first value of a repeated name wins', () => {
    const params = decodeQueryParams({
      ...form('Action=GetUser&UserName=body'),
      query: 'UserName=query',
    })
    assert.equal(params['Action'], 'GetUser')
    assert.equal(params['UserName'], 'query')
  })

  test('a parameter named __proto__ is only a parameter', () => {
    const params = decodeQueryParams(form('__proto__=x&Action=ListUsers'))
    assert.equal(params['__proto__'], 'x')
    assert.equal(Object.getPrototypeOf(params), null)
  })
})
