import { test } from 'node:test'
import assert from 'node:assert/strict'
import { nodeCrypto } from '../../src/core/node-crypto.js'
import { parseSignature, presignRequest, signRequest } from '../../src/sigv4/index.js'
import type { SignableRequest } from '../../src/sigv4/index.js'

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' }
const base = {
  crypto: nodeCrypto,
  region: 'us-east-1',
  service: 'iam',
  date: new Date('2015-08-30T12:36:00Z'),
}
const request: SignableRequest = {
  method: 'GET',
  path: '/',
  query: 'Action=ListUsers&Version=2010-05-08',
  headers: [['Host', 'iam.amazonaws.com']],
  body: new Uint8Array(),
}

test('presignRequest refuses expiry outside 1 second to 7 days', () => {
  for (const expiresIn of [0, -1, 1.5, 604801, Number.NaN]) {
    assert.throws(
      () => presignRequest(request, credentials, { ...base, expiresIn }),
      RangeError,
      String(expiresIn),
    )
  }
  assert.doesNotThrow(() => presignRequest(request, credentials, { ...base, expiresIn: 604800 }))
})

test('the signer refuses a request without a host header', () => {
  const hostless = { ...request, headers: [] }
  assert.throws(() => signRequest(hostless, credentials, base), /without a host header/)
  assert.throws(
    () => presignRequest(hostless, credentials, { ...base, expiresIn: 60 }),
    /without a host header/,
  )
})

test('re-signing replaces the earlier Authorization and X-Amz-Date', () => {
  const once = signRequest(request, credentials, base).request
  const twice = signRequest(once, credentials, {
    ...base,
    date: new Date('2015-08-30T13:00:00Z'),
  }).request
  const names = twice.headers.map(([name]) => name.toLowerCase())
  assert.equal(names.filter((n) => n === 'authorization').length, 1)
  assert.equal(names.filter((n) => n === 'x-amz-date').length, 1)
  assert.equal(parseSignature(twice)?.amzDate, '20150830T130000Z')
})

test('the presigned query keeps the original parameters and ends with X-Amz-Signature', () => {
  const { request: out, signature } = presignRequest(
    request,
    { ...credentials, sessionToken: 'a/b' },
    { ...base, expiresIn: 900 },
  )
  assert.equal(
    out.query,
    'Action=ListUsers&Version=2010-05-08&X-Amz-Algorithm=AWS4-HMAC-SHA256' +
      '&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fiam%2Faws4_request' +
      '&X-Amz-Date=20150830T123600Z&X-Amz-SignedHeaders=host&X-Amz-Expires=900' +
      `&X-Amz-Security-Token=a%2Fb&X-Amz-Signature=${signature}`,
  )
})
