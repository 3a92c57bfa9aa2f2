// Steps 1-4 one by one on the "get-vanilla" case of the AWS SigV4 test suite (values from
// aws-c-auth tests/aws-signing-test-suite/v4/get-vanilla, also in ../shared/corpora/sigv4).

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { nodeCrypto } from '../../src/core/node-crypto.js'
import { canonicalRequest } from '../../src/sigv4/canonical-request.js'
import { formatCredentialScope } from '../../src/sigv4/credential-scope.js'
import { payloadHash } from '../../src/sigv4/payload-hash.js'
import { EMPTY_SHA256 } from '../../src/sigv4/request.js'
import { signature } from '../../src/sigv4/signature.js'
import { deriveSigningKey } from '../../src/sigv4/signing-key.js'
import { stringToSign } from '../../src/sigv4/string-to-sign.js'

const scope = { date: '20150830', region: 'us-east-1', service: 'service' }
const vanilla =
  'GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n' +
  EMPTY_SHA256

test('payloadHash is the hex SHA-256 of the body', () => {
  const table: [body: string, hash: string][] = [
    ['', EMPTY_SHA256],
    ['Param1=value1', '9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e'],
  ]
  for (const [body, hash] of table) {
    assert.equal(payloadHash(nodeCrypto, new TextEncoder().encode(body)), hash)
  }
})

test('canonicalRequest joins the six parts with newlines', () => {
  assert.equal(
    canonicalRequest({
      method: 'GET',
      canonicalUri: '/',
      canonicalQuery: '',
      canonicalHeaders: 'host:example.amazonaws.com\nx-amz-date:20150830T123600Z\n',
      signedHeaders: 'host;x-amz-date',
      payloadHash: EMPTY_SHA256,
    }),
    vanilla,
  )
})

test('credential scope, string to sign and signature for get-vanilla', () => {
  const table: [step: string, actual: () => string, expected: string][] = [
    ['scope', () => formatCredentialScope(scope), '20150830/us-east-1/service/aws4_request'],
    [
      'string to sign',
      () => stringToSign(nodeCrypto, '20150830T123600Z', formatCredentialScope(scope), vanilla),
      'AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n' +
        'bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63',
    ],
    [
      'signature',
      () =>
        signature(
          nodeCrypto,
          deriveSigningKey(nodeCrypto, 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', scope),
          stringToSign(nodeCrypto, '20150830T123600Z', formatCredentialScope(scope), vanilla),
        ),
      '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
    ],
  ]
  for (const [step, actual, expected] of table) assert.equal(actual(), expected, step)
})
