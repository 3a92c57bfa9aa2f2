import { test } from 'node:test'
import assert from 'node:assert/strict'
import { AwsError } from '../../src/core/errors.js'
import { parseSignature } from '../../src/sigv4/parse-signature.js'
import type { SignableRequest } from '../../src/sigv4/request.js'

const sig = 'c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea'
const credential = 'AKIDEXAMPLE/20150830/us-east-1/sts/aws4_request'

const request = (headers: [string, string][], query = ''): SignableRequest => ({
  method: 'GET',
  path: '/',
  query,
  headers: [['Host', 'sts.amazonaws.com'], ...headers],
  body: new Uint8Array(),
})

const withAuth = (
  authorization: string,
  date: [string, string][] = [['X-Amz-Date', '20150830T123600Z']],
) => request([...date, ['Authorization', authorization]])

const presigned = (parameters: Record<string, string>) =>
  request(
    [],
    Object.entries(parameters)
      .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
      .join('&'),
  )

const fullQuery = {
  'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
  'X-Amz-Credential': credential,
  'X-Amz-Date': '20150830T123600Z',
  'X-Amz-Expires': '60',
  'X-Amz-SignedHeaders': 'host',
  'X-Amz-Signature': sig,
}

test('requests without SigV4 give undefined (the caller answers MissingAuthenticationToken)', () => {
  assert.equal(parseSignature(request([])), undefined)
  assert.equal(parseSignature(request([['Authorization', 'Basic dXNlcjpwYXNz']])), undefined)
  assert.equal(parseSignature(request([['Authorization', 'Bearer k8s-aws-v1.abc']])), undefined)
  assert.equal(parseSignature(request([], 'Action=GetCallerIdentity')), undefined)
})

test('the header form yields key id, scope, signed headers, signature, time and token', () => {
  const parsed = parseSignature(
    request([
      ['X-Amz-Date', '20150830T123600Z'],
      ['X-Amz-Security-Token', 'token/1=='],
      [
        'authorization',
        `AWS4-HMAC-SHA256 Credential=${credential}, SignedHeaders=host;x-amz-date, Signature=${sig}`,
      ],
    ]),
  )
  assert.deepEqual(parsed, {
    form: 'header',
    accessKeyId: 'AKIDEXAMPLE',
    scope: { date: '20150830', region: 'us-east-1', service: 'sts', terminator: 'aws4_request' },
    credentialScope: '20150830/us-east-1/sts/aws4_request',
    signedHeaders: ['host', 'x-amz-date'],
    signature: sig,
    amzDate: '20150830T123600Z',
    requestTime: new Date('2015-08-30T12:36:00Z'),
    sessionToken: 'token/1==',
  })
})

test('the header form falls back to the Date header and tolerates a trailing slash', () => {
  const parsed = parseSignature(
    withAuth(
      `AWS4-HMAC-SHA256 Credential=${credential}/,SignedHeaders=host;date,Signature=${sig}`,
      [['Date', '20150830T123600Z']],
    ),
  )
  assert.equal(parsed?.amzDate, '20150830T123600Z')
  assert.equal(parsed?.scope.terminator, 'aws4_request')
})

test('the credential scope is what follows the key id, without the trailing slashes', () => {
  const table: [credential: string, accessKeyId: string, scope: string][] = [
    [credential, 'AKIDEXAMPLE', '20150830/us-east-1/sts/aws4_request'],
    [`${credential}///`, 'AKIDEXAMPLE', '20150830/us-east-1/sts/aws4_request'],
    ['AKIDEXAMPLE//us-east-1/sts/aws4_request/', 'AKIDEXAMPLE', '/us-east-1/sts/aws4_request'],
    ['/20150830/us-east-1/sts/aws4_request', '', '20150830/us-east-1/sts/aws4_request'],
  ]
  for (const [text, accessKeyId, scope] of table) {
    const parsed = parseSignature(
      withAuth(`AWS4-HMAC-SHA256 Credential=${text}, SignedHeaders=host, Signature=${sig}`),
    )
    assert.equal(parsed?.accessKeyId, accessKeyId, text)
    assert.equal(parsed?.credentialScope, scope, text)
    assert.equal(parsed?.credentialScope, text.replace(/\/+$/, '').split('/').slice(1).join('/'))
  }
})

test('whitespace around the Authorization header is ignored, and kept in what errors quote', () => {
  const header = `  AWS4-HMAC-SHA256 Credential=${credential}, SignedHeaders=host, Signature=${sig}\t`
  assert.equal(parseSignature(withAuth(header))?.signature, sig)
  assert.throws(
    () => parseSignature(withAuth(`  AWS4-HMAC-SHA256 Credential=${credential} `)),
    (error: unknown) => {
      assert.ok(error instanceof AwsError)
      assert.equal(error.code, 'IncompleteSignature')
      assert.ok(
        error.message.endsWith(`Authorization=  AWS4-HMAC-SHA256 Credential=${credential} `),
      )
      return true
    },
  )
})

test('the query form yields the same, with X-Amz-Expires and the decoded token', () => {
  const parsed = parseSignature(presigned({ ...fullQuery, 'X-Amz-Security-Token': 'a/b+c=' }))
  assert.equal(parsed?.form, 'query')
  assert.equal(parsed?.accessKeyId, 'AKIDEXAMPLE')
  assert.equal(parsed?.expiresSeconds, 60)
  assert.equal(parsed?.sessionToken, 'a/b+c=')
  assert.deepEqual(parsed?.signedHeaders, ['host'])
})

const refusals: [
  what: string,
  req: SignableRequest,
  code: string,
  status: number,
  message: string,
][] = [
  [
    'both forms at once',
    request([['Authorization', 'AWS4-HMAC-SHA256 x=y']], 'X-Amz-Algorithm=AWS4-HMAC-SHA256'),
    'SignatureDoesNotMatch',
    403,
    "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.",
  ],
  [
    'a bare algorithm and no date',
    request([['Authorization', 'AWS4-HMAC-SHA256']]),
    'IncompleteSignature',
    400,
    "Authorization header requires 'Credential' parameter. Authorization header requires " +
      "'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. " +
      "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. " +
      'Authorization=AWS4-HMAC-SHA256',
  ],
  [
    'a missing Signature',
    withAuth(`AWS4-HMAC-SHA256 Credential=${credential}, SignedHeaders=host`),
    'IncompleteSignature',
    400,
    "Authorization header requires 'Signature' parameter. Authorization=AWS4-HMAC-SHA256 " +
      `Credential=${credential}, SignedHeaders=host`,
  ],
  [
    'a parameter without an equal sign',
    withAuth(`AWS4-HMAC-SHA256 Credential, SignedHeaders=host, Signature=${sig}`),
    'IncompleteSignature',
    400,
    "'Credential' not a valid key=value pair (missing equal-sign) in Authorization header: " +
      `'AWS4-HMAC-SHA256 Credential, SignedHeaders=host, Signature=${sig}'`,
  ],
  [
    'a date not in basic format',
    withAuth(`AWS4-HMAC-SHA256 Credential=${credential}, SignedHeaders=host, Signature=${sig}`, [
      ['X-Amz-Date', '2015-08-30T12:36:00Z'],
    ]),
    'IncompleteSignature',
    400,
    "Date must be in ISO-8601 'basic format'. Got '2015-08-30T12:36:00Z'. See http://en.wikipedia.org/wiki/ISO_8601",
  ],
  [
    'an HTTP-date Date header',
    withAuth(`AWS4-HMAC-SHA256 Credential=${credential}, SignedHeaders=host, Signature=${sig}`, [
      ['Date', 'Sun, 30 Aug 2015 12:36:00 GMT'],
    ]),
    'IncompleteSignature',
    400,
    "Date must be in ISO-8601 'basic format'. Got 'Sun, 30 Aug 2015 12:36:00 GMT'. See http://en.wikipedia.org/wiki/ISO_8601",
  ],
  [
    'another algorithm',
    withAuth(
      `AWS4-ECDSA-P256-SHA256 Credential=${credential}, SignedHeaders=host, Signature=${sig}`,
    ),
    'IncompleteSignature',
    400,
    "Unsupported AWS 'algorithm': 'AWS4-ECDSA-P256-SHA256' (only AWS4-HMAC-SHA256 for now). ",
  ],
  [
    'a four-part credential',
    withAuth(
      `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/sts, SignedHeaders=host, Signature=${sig}`,
    ),
    'IncompleteSignature',
    400,
    'Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, ' +
      "got 'AKIDEXAMPLE/20150830/us-east-1/sts'",
  ],
  [
    'an empty presigned query',
    presigned({ 'X-Amz-Algorithm': '' }),
    'IncompleteSignature',
    400,
    "AWS query-string parameters must include 'X-Amz-Algorithm'. AWS query-string parameters must " +
      "include 'X-Amz-Credential'. AWS query-string parameters must include 'X-Amz-Signature'. AWS " +
      "query-string parameters must include 'X-Amz-SignedHeaders'. AWS query-string parameters must " +
      "include 'X-Amz-Date'. Re-examine the query-string parameters.",
  ],
  [
    'a presigned query without its signature',
    presigned({ ...fullQuery, 'X-Amz-Signature': '' }),
    'IncompleteSignature',
    400,
    "AWS query-string parameters must include 'X-Amz-Signature'. Re-examine the query-string parameters.",
  ],
  [
    'a presigned query with another algorithm',
    presigned({ ...fullQuery, 'X-Amz-Algorithm': 'AWS4-HMAC-SHA1' }),
    'IncompleteSignature',
    400,
    "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA1' (only AWS4-HMAC-SHA256 for now). ",
  ],
  [
    'X-Amz-Expires not a number',
    presigned({ ...fullQuery, 'X-Amz-Expires': 'soon' }),
    'IncompleteSignature',
    400,
    'X-Amz-Expires should be a number',
  ],
  [
    'X-Amz-Expires negative',
    presigned({ ...fullQuery, 'X-Amz-Expires': '-1' }),
    'IncompleteSignature',
    400,
    'X-Amz-Expires must be non-negative',
  ],
  [
    'X-Amz-Expires over a week',
    presigned({ ...fullQuery, 'X-Amz-Expires': '604801' }),
    'IncompleteSignature',
    400,
    'X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than 604800 seconds',
  ],
]

test('malformed signatures are refused with the code, status and wording AWS uses', () => {
  for (const [what, req, code, status, message] of refusals) {
    assert.throws(
      () => parseSignature(req),
      (error: unknown) => {
        assert.ok(error instanceof AwsError, what)
        assert.equal(error.code, code, what)
        assert.equal(error.status, status, what)
        assert.equal(error.message, message, what)
        return true
      },
    )
  }
})

test('X-Amz-Expires of exactly a week is accepted', () => {
  assert.equal(
    parseSignature(presigned({ ...fullQuery, 'X-Amz-Expires': '604800' }))?.expiresSeconds,
    604800,
  )
})
