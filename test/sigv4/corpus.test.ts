// The AWS SigV4 suite (38 cases x header and presigned forms), walked by one loop: our canonical
// request, string to sign and signature must equal the files; the verifier must accept the signed
// requests with the clock frozen and reject every mutation of a signed element.

import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { nodeCrypto } from '../../src/core/node-crypto.js'
import {
  SIGNATURE_MISMATCH_MESSAGE,
  parseSignature,
  presignRequest,
  signRequest,
  checkSignature,
} from '../../src/sigv4/index.js'
import type { SignableRequest } from '../../src/sigv4/index.js'
import { corpusSkip, loadCorpus } from './corpus.js'
import type { CorpusCase } from './corpus.js'

const forms = ['header', 'query'] as const
type Form = (typeof forms)[number]

const sign = (c: CorpusCase, form: Form) => {
  const { context } = c
  const credentials = {
    accessKeyId: context.credentials.access_key_id,
    secretAccessKey: context.credentials.secret_access_key,
    ...(context.credentials.token === undefined ? {} : { sessionToken: context.credentials.token }),
  }
  const common = {
    crypto: nodeCrypto,
    region: context.region,
    service: context.service,
    date: new Date(context.timestamp),
    normalizePath: context.normalize,
    omitSessionToken: context.omit_session_token === true,
  }
  return form === 'header'
    ? signRequest(c.request, credentials, { ...common, signBody: context.sign_body })
    : presignRequest(c.request, credentials, {
        ...common,
        expiresIn: context.expiration_in_seconds,
      })
}

const verify = (c: CorpusCase, request: SignableRequest, now = new Date(c.context.timestamp)) => {
  const parsed = parseSignature(request)
  assert.ok(parsed, 'the signed request carries a signature')
  return checkSignature(request, parsed, c.context.credentials.secret_access_key, now, {
    crypto: nodeCrypto,
    services: [c.context.service],
    normalizePath: c.context.normalize,
  })
}

const header = (request: SignableRequest, name: string): string | undefined =>
  request.headers.find(([n]) => n.toLowerCase() === name)?.[1]

const withHeader = (request: SignableRequest, name: string, value: string): SignableRequest => ({
  ...request,
  headers: request.headers.map(([n, v]) => [n, n.toLowerCase() === name ? value : v] as const),
})

const replaceParam = (query: string, name: string, change: (value: string) => string): string =>
  query
    .split('&')
    .map((piece) => {
      const [key = '', value = ''] = piece.split('=')
      return key === name ? `${key}=${change(value)}` : piece
    })
    .join('&')

const bumpSecond = (amzDate: string): string =>
  amzDate.replace(/(\d\d)Z$/, (_, s: string) => `${String((Number(s) + 1) % 60).padStart(2, '0')}Z`)

const flipHex = (signature: string): string =>
  (signature[0] === '0' ? '1' : '0') + signature.slice(1)

/** Every signed element changed in turn; each must be refused. */
const mutations = (form: Form, signed: SignableRequest): [string, SignableRequest][] => {
  const list: [string, SignableRequest][] = [
    ['host header value', withHeader(signed, 'host', 'example2.amazonaws.com')],
    ['path', { ...signed, path: signed.path + 'x' }],
    ['added query parameter', { ...signed, query: `Extra=1&${signed.query}`.replace(/&$/, '') }],
  ]
  const signedNames = parseSignature(signed)?.signedHeaders ?? []
  const other = signed.headers.find(
    ([name]) =>
      signedNames.includes(name.toLowerCase()) &&
      !['host', 'x-amz-date'].includes(name.toLowerCase()),
  )
  if (other) {
    list.push([`${other[0]} header value`, withHeader(signed, other[0].toLowerCase(), 'changed')])
  }
  const userParam = signed.query.split('&')[0]?.split('=')[0]
  if (userParam && !userParam.startsWith('X-Amz-')) {
    list.push([
      'query parameter value',
      { ...signed, query: replaceParam(signed.query, userParam, (v) => v + 'x') },
    ])
  }
  if (signed.body.length > 0) {
    list.push(['body', { ...signed, body: new TextEncoder().encode('Param1=value2') }])
  }
  if (form === 'header') {
    const date = header(signed, 'x-amz-date')!
    const auth = header(signed, 'authorization')!
    list.push(['x-amz-date', withHeader(signed, 'x-amz-date', bumpSecond(date))])
    list.push([
      'signature',
      withHeader(
        signed,
        'authorization',
        auth.replace(/Signature=(\w+)/, (_, s: string) => `Signature=${flipHex(s)}`),
      ),
    ])
  } else {
    list.push([
      'X-Amz-Date',
      { ...signed, query: replaceParam(signed.query, 'X-Amz-Date', bumpSecond) },
    ])
    list.push([
      'X-Amz-Expires',
      { ...signed, query: replaceParam(signed.query, 'X-Amz-Expires', () => '3599') },
    ])
    list.push([
      'X-Amz-Signature',
      { ...signed, query: replaceParam(signed.query, 'X-Amz-Signature', flipHex) },
    ])
  }
  return list
}

if (corpusSkip) {
  test('SigV4 conformance suite', { skip: corpusSkip }, () => {})
} else {
  const cases = loadCorpus()

  test('the suite holds the 38 cases its README lists', () => {
    assert.equal(cases.length, 38)
  })

  for (const c of cases) {
    describe(c.name, () => {
      for (const form of forms) {
        test(`${form}: canonical request, string to sign and signature match`, () => {
          const signed = sign(c, form)
          assert.equal(signed.canonicalRequest, c.file(`${form}-canonical-request.txt`))
          assert.equal(signed.stringToSign, c.file(`${form}-string-to-sign.txt`))
          assert.equal(signed.signature, c.file(`${form}-signature.txt`))
          const expected = c.signedRequest(form)
          if (form === 'header') {
            assert.equal(header(signed.request, 'authorization'), header(expected, 'authorization'))
          } else {
            assert.equal(signed.request.query, expected.query)
          }
        })

        test(`${form}: the verifier accepts the signed request`, () => {
          const result = verify(c, c.signedRequest(form))
          assert.equal(result.ok, true, result.ok ? '' : result.error.message)
          const tokenSigned =
            c.context.credentials.token !== undefined && c.context.omit_session_token !== true
          assert.equal(result.ok && result.sessionTokenSigned, tokenSigned)
          assert.equal(result.canonicalRequest, c.file(`${form}-canonical-request.txt`))
          assert.equal(result.stringToSign, c.file(`${form}-string-to-sign.txt`))
        })

        test(`${form}: the verifier rejects every mutation of a signed element`, () => {
          for (const [what, mutated] of mutations(form, c.signedRequest(form))) {
            const result = verify(c, mutated)
            assert.equal(result.ok, false, `${what} changed, yet accepted`)
            if (!result.ok) {
              assert.equal(result.error.code, 'SignatureDoesNotMatch', what)
              const expected =
                what === 'body'
                  ? "The provided 'x-amz-content-sha256' header does not match what was computed."
                  : SIGNATURE_MISMATCH_MESSAGE
              if (what !== 'body' || form === 'header')
                assert.equal(result.error.message, expected, what)
            }
          }
        })
      }
    })
  }
}
