import { test } from 'node:test'
import assert from 'node:assert/strict'
import { nodeCrypto } from '../../src/core/node-crypto.js'
import {
  SIGNATURE_MISMATCH_MESSAGE,
  SigningKeyCache,
  UNSIGNED_PAYLOAD,
  checkSignature,
  computeSignature,
  parseSignature,
  precheckSignature,
  presignRequest,
  signRequest,
  verifySignature,
} from '../../src/sigv4/index.js'
import type { CheckOptions, SignableRequest, VerifyResult } from '../../src/sigv4/index.js'

const credentials = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
}
const signedAt = new Date('2015-08-30T12:36:00Z')
const minutes = (n: number) => n * 60_000
const at = (offsetMs: number) => new Date(signedAt.getTime() + offsetMs)
const options: CheckOptions = { crypto: nodeCrypto, services: ['sts'] }
const body = new TextEncoder().encode('Action=GetCallerIdentity&Version=2011-06-15')

const unsigned: SignableRequest = {
  method: 'POST',
  path: '/',
  query: '',
  headers: [
    ['Host', 'sts.amazonaws.com'],
    ['Content-Type', 'application/x-www-form-urlencoded; charset=utf-8'],
  ],
  body,
}

const signed = (
  service = 'sts',
  extra: Partial<typeof credentials & { sessionToken: string }> = {},
) =>
  signRequest(
    unsigned,
    { ...credentials, ...extra },
    {
      crypto: nodeCrypto,
      region: 'us-east-1',
      service,
      date: signedAt,
      signBody: true,
    },
  ).request

const presigned = (expiresIn: number) =>
  presignRequest({ ...unsigned, method: 'GET', body: new Uint8Array() }, credentials, {
    crypto: nodeCrypto,
    region: 'us-east-1',
    service: 'sts',
    date: signedAt,
    expiresIn,
  }).request

const verify = (
  request: SignableRequest,
  now: Date,
  opts: CheckOptions = options,
  secret = credentials.secretAccessKey,
): VerifyResult => checkSignature(request, parseSignature(request)!, secret, now, opts)

const refusal = (result: VerifyResult): [string, number, string] => {
  assert.equal(result.ok, false)
  if (result.ok) throw new Error('unreachable')
  return [result.error.code, result.error.status, result.error.message]
}

test('clock skew: exactly 15 minutes either way is accepted, one second more is not', () => {
  const request = signed()
  assert.equal(verify(request, at(minutes(15))).ok, true)
  assert.equal(verify(request, at(-minutes(15))).ok, true)
  assert.deepEqual(refusal(verify(request, at(minutes(15) + 1000))), [
    'SignatureDoesNotMatch',
    403,
    'Signature expired: 20150830T123600Z is now earlier than 20150830T123601Z (20150830T125101Z - 15 min.)',
  ])
  assert.deepEqual(refusal(verify(request, at(minutes(20)))), [
    'SignatureDoesNotMatch',
    403,
    'Signature expired: 20150830T123600Z is now earlier than 20150830T124100Z (20150830T125600Z - 15 min.)',
  ])
  assert.deepEqual(refusal(verify(request, at(-minutes(15) - 1000))), [
    'SignatureDoesNotMatch',
    403,
    'Signature not yet current: 20150830T123600Z is still later than 20150830T123559Z (20150830T122059Z + 15 min.)',
  ])
})

test('a tighter skew window is reported in minutes or seconds', () => {
  const request = signed()
  assert.equal(
    refusal(verify(request, at(minutes(6)), { ...options, maxClockSkewSeconds: 300 }))[2],
    'Signature expired: 20150830T123600Z is now earlier than 20150830T123700Z (20150830T124200Z - 5 min.)',
  )
  assert.equal(
    refusal(verify(request, at(-minutes(2)), { ...options, maxClockSkewSeconds: 90 }))[2],
    'Signature not yet current: 20150830T123600Z is still later than 20150830T123530Z (20150830T123400Z + 90 sec.)',
  )
})

test('presigned URLs live X-Amz-Expires seconds, even past the 15-minute window', () => {
  const short = presigned(60)
  assert.equal(verify(short, at(60_000)).ok, true)
  assert.deepEqual(refusal(verify(short, at(61_000))), ['AccessDenied', 403, 'Request has expired'])

  const long = presigned(3600)
  assert.equal(verify(long, at(minutes(59))).ok, true)
  assert.deepEqual(refusal(verify(long, at(minutes(61))))[2], 'Request has expired')
  assert.match(refusal(verify(long, at(-minutes(16))))[2], /^Signature not yet current: /)
})

test('a presigned URL without X-Amz-Expires gets the 15-minute window', () => {
  const request = presigned(60)
  const query = request.query.replace(/&X-Amz-Expires=60/, '')
  const parsed = parseSignature({ ...request, query })!
  assert.equal(parsed.expiresSeconds, undefined)
  assert.doesNotThrow(() => precheckSignature(parsed, at(minutes(15)), options))
  assert.throws(() => precheckSignature(parsed, at(minutes(16)), options), {
    code: 'SignatureDoesNotMatch',
    message: /^Signature expired: /,
  })
})

const handMade = (authorization: string, date = '20150830T123600Z'): SignableRequest => ({
  ...unsigned,
  body: new Uint8Array(),
  headers: [
    ['Host', 'sts.amazonaws.com'],
    ['X-Amz-Date', date],
    ['Authorization', authorization],
  ],
})

test('verification takes what the precheck returned, and nothing else carries over', () => {
  const request = signed()
  const parsed = parseSignature(request)!
  const secret = credentials.secretAccessKey
  const prechecked = precheckSignature(parsed, signedAt, options)
  assert.equal(prechecked.parsed, parsed)
  assert.equal(verifySignature(request, prechecked, secret, options).ok, true)
  // The same signature that passed once is checked whole again: a later time or narrower rules
  // refuse it, whatever an earlier precheck said.
  assert.throws(() => precheckSignature(parsed, at(minutes(16)), options), {
    code: 'SignatureDoesNotMatch',
    message: /^Signature expired:/,
  })
  assert.throws(() => precheckSignature(parsed, signedAt, { ...options, services: ['iam'] }), {
    message: "Credential should be scoped to correct service: 'iam'.",
  })
  assert.throws(() => precheckSignature(parsed, signedAt, { ...options, regions: ['eu-west-1'] }), {
    message: "Credential should be scoped to a valid region, not 'us-east-1'.",
  })
  // A failed precheck leaves nothing behind: the earlier value still verifies the same way, and
  // one-step checking of the same signature at the late time is refused.
  assert.equal(verifySignature(request, prechecked, secret, options).ok, true)
  assert.equal(
    refusal(checkSignature(request, parsed, secret, at(minutes(16)), options))[0],
    'SignatureDoesNotMatch',
  )
  assert.deepEqual(refusal(verifySignature(request, prechecked, 'not-the-secret', options)), [
    'SignatureDoesNotMatch',
    403,
    SIGNATURE_MISMATCH_MESSAGE,
  ])
})

test('signing keys are kept only in the cache the verifier passes', () => {
  const request = signed()
  const prechecked = precheckSignature(parseSignature(request)!, signedAt, options)
  const secret = credentials.secretAccessKey
  const mine = new SigningKeyCache(nodeCrypto)
  const theirs = new SigningKeyCache(nodeCrypto)
  assert.equal(
    verifySignature(request, prechecked, secret, { ...options, keyCache: mine }).ok,
    true,
  )
  assert.equal(mine.size, 1)
  assert.equal(theirs.size, 0)
  // Without a cache the key is derived for the call and kept nowhere.
  assert.equal(verifySignature(request, prechecked, secret, options).ok, true)
  assert.equal(theirs.size, 0)
})

test('host must be signed', () => {
  const request = handMade(
    'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/sts/aws4_request, SignedHeaders=x-amz-date, Signature=00',
  )
  assert.deepEqual(refusal(verify(request, signedAt)), [
    'SignatureDoesNotMatch',
    403,
    "'Host' must be a 'SignedHeader' in the AWS Authorization.",
  ])
})

test('every credential scope problem is reported at once, in AWS wording', () => {
  const request = handMade(
    'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150829//s3/aws5_request, SignedHeaders=host;x-amz-date, Signature=00',
  )
  assert.deepEqual(refusal(verify(request, signedAt)), [
    'SignatureDoesNotMatch',
    403,
    "Credential should be scoped to a valid region, not ''. " +
      "Credential should be scoped to correct service: 'sts'. " +
      "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'. " +
      'Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: ' +
      "'20150829' != '20150830', from '20150830T123600Z'.",
  ])
})

test('the service must be one the server serves; any region unless restricted', () => {
  const iamAndSts: CheckOptions = { ...options, services: ['iam', 'sts'] }
  assert.equal(verify(signed('iam'), signedAt, iamAndSts).ok, true)
  assert.equal(verify(signed('sts'), signedAt, iamAndSts).ok, true)
  assert.deepEqual(
    refusal(verify(signed('s3'), signedAt, iamAndSts))[2],
    "Credential should be scoped to correct service: 'iam'.",
  )

  const euOnly: CheckOptions = { ...options, regions: ['eu-west-1'] }
  assert.equal(
    refusal(verify(signed(), signedAt, euOnly))[2],
    "Credential should be scoped to a valid region, not 'us-east-1'.",
  )
})

test('x-amz-content-sha256 must be the hash of the body that arrived', () => {
  const request = signed()
  const tampered = {
    ...request,
    body: new TextEncoder().encode('Action=GetCallerIdentity&Version=2099'),
  }
  assert.deepEqual(refusal(verify(tampered, signedAt)), [
    'SignatureDoesNotMatch',
    403,
    "The provided 'x-amz-content-sha256' header does not match what was computed.",
  ])
})

test('without x-amz-content-sha256 the body hash is signed, so a changed body fails the signature', () => {
  const request = signRequest(unsigned, credentials, {
    crypto: nodeCrypto,
    region: 'us-east-1',
    service: 'sts',
    date: signedAt,
  }).request
  assert.equal(verify(request, signedAt).ok, true)
  const tampered = { ...request, body: new TextEncoder().encode('Action=AssumeRole') }
  assert.deepEqual(refusal(verify(tampered, signedAt)), [
    'SignatureDoesNotMatch',
    403,
    SIGNATURE_MISMATCH_MESSAGE,
  ])
})

test('UNSIGNED-PAYLOAD is refused unless the server allows it', () => {
  const headers: [string, string][] = [
    ['Host', 'sts.amazonaws.com'],
    ['X-Amz-Date', '20150830T123600Z'],
    ['x-amz-content-sha256', UNSIGNED_PAYLOAD],
  ]
  const scope = { date: '20150830', region: 'us-east-1', service: 'sts' }
  const names = ['host', 'x-amz-content-sha256', 'x-amz-date']
  const { signature } = computeSignature(nodeCrypto, credentials.secretAccessKey, {
    request: { ...unsigned, headers },
    signedHeaders: names,
    payloadHash: UNSIGNED_PAYLOAD,
    amzDate: '20150830T123600Z',
    scope,
  })
  const request: SignableRequest = {
    ...unsigned,
    headers: [
      ...headers,
      [
        'Authorization',
        `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/sts/aws4_request, SignedHeaders=${names.join(';')}, Signature=${signature}`,
      ],
    ],
  }
  assert.equal(
    refusal(verify(request, signedAt))[2],
    "The provided 'x-amz-content-sha256' header does not match what was computed.",
  )
  assert.equal(verify(request, signedAt, { ...options, allowUnsignedPayload: true }).ok, true)
})

test('a wrong secret gets AWS mismatch message; the debugging strings stay out of it', () => {
  const result = verify(signed(), signedAt, options, 'not-the-secret')
  assert.equal(result.ok, false)
  if (result.ok) return
  assert.equal(result.error.code, 'SignatureDoesNotMatch')
  assert.equal(result.error.status, 403)
  assert.equal(result.error.message, SIGNATURE_MISMATCH_MESSAGE)
  assert.match(result.canonicalRequest ?? '', /^POST\n\/\n\ncontent-type:/)
  assert.match(
    result.stringToSign ?? '',
    /^AWS4-HMAC-SHA256\n20150830T123600Z\n20150830\/us-east-1\/sts\/aws4_request\n[0-9a-f]{64}$/,
  )
  assert.ok(!result.error.message.includes('aws4_request'))
})

test('a session token is surfaced, and whether the signature covers it', () => {
  const withToken = signed('sts', { sessionToken: 'tok' })
  assert.equal(parseSignature(withToken)?.sessionToken, 'tok')
  const ok = verify(withToken, signedAt)
  assert.equal(ok.ok && ok.sessionTokenSigned, true)

  const appended: SignableRequest = {
    ...signed(),
    headers: [...signed().headers, ['X-Amz-Security-Token', 'tok']],
  }
  const unsignedToken = verify(appended, signedAt)
  assert.equal(unsignedToken.ok, true)
  assert.equal(unsignedToken.ok && unsignedToken.sessionTokenSigned, false)

  const noToken = verify(signed(), signedAt)
  assert.equal(noToken.ok && noToken.sessionTokenSigned, false)
})

test('verification leaves the request untouched', () => {
  const request = signed()
  const copy = structuredClone(request)
  verify(request, signedAt)
  verify(request, at(minutes(30)))
  assert.deepEqual(request, copy)
})
