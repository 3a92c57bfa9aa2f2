// The HTTP/1.1 request parser: what it accepts is what was sent, however the bytes are split, and
// every framing ambiguity that could smuggle a request is refused with the status node:http uses.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import { Http1Parser, HttpProtocolError, parseHead } from '../../src/http/http1-parser.js'
import type { Http1Limits, ParsedRequest, RequestHead } from '../../src/http/http1-parser.js'

const LIMITS: Http1Limits = { maxHeaderBytes: 16 * 1024, maxBodyBytes: 1024 }

/** A parsed request with its body as text, for comparing with what was sent. */
type Seen = RequestHead & { body: string }

const view = ({ head, body }: ParsedRequest): Seen => ({
  ...head,
  body: Buffer.from(body).toString('latin1'),
})

/** Feeds the pieces one by one and drains every whole request after each. */
function parseAll(pieces: readonly Buffer[], limits = LIMITS): Seen[] {
  const parser = new Http1Parser(limits)
  const seen: Seen[] = []
  for (const piece of pieces) {
    parser.feed(piece)
    for (let request = parser.next(); request; request = parser.next()) seen.push(view(request))
  }
  return seen
}

/** The status the parser refuses `text` with, or undefined when it accepts all of it. */
function refusal(text: string, limits = LIMITS): number | undefined {
  try {
    parseAll([Buffer.from(text, 'latin1')], limits)
    return undefined
  } catch (error) {
    assert.ok(error instanceof HttpProtocolError, String(error))
    return error.status
  }
}

const PIPELINE = [
  // Empty lines before a request line are skipped (RFC 9112 2.2).
  '\r\nPOST /a?X=1 HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nX-Case:  padded\t \r\n\r\nhello',
  'POST /b HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n' +
    '3;name=value;x="q"\r\nabc\r\n10 ; ext\r\n0123456789abcdef\r\n0\r\nX-Trailer: t\r\nY: z\r\n\r\n',
  'GET /c HTTP/1.0\r\nConnection: keep-alive\r\n\r\n',
  'HEAD /d HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n',
].join('')

const EXPECTED: Seen[] = [
  {
    method: 'POST',
    target: '/a?X=1',
    minorVersion: 1,
    headers: [
      ['Host', 'h'],
      ['Content-Length', '5'],
      ['X-Case', 'padded'],
    ],
    keepAlive: true,
    expectContinue: false,
    body: 'hello',
  },
  {
    method: 'POST',
    target: '/b',
    minorVersion: 1,
    headers: [
      ['Host', 'h'],
      ['Transfer-Encoding', 'chunked'],
    ],
    keepAlive: true,
    expectContinue: false,
    body: 'abc0123456789abcdef',
  },
  {
    method: 'GET',
    target: '/c',
    minorVersion: 0,
    headers: [['Connection', 'keep-alive']],
    keepAlive: true,
    expectContinue: false,
    body: '',
  },
  {
    method: 'HEAD',
    target: '/d',
    minorVersion: 1,
    headers: [
      ['Host', 'h'],
      ['Connection', 'close'],
    ],
    keepAlive: false,
    expectContinue: false,
    body: '',
  },
]

describe('Http1Parser', () => {
  test('parses pipelined requests with Content-Length and chunked bodies in one piece', () => {
    assert.deepEqual(parseAll([Buffer.from(PIPELINE, 'latin1')]), EXPECTED)
  })

  test('gives the same requests when the bytes are split at any one boundary', () => {
    const bytes = Buffer.from(PIPELINE, 'latin1')
    for (let at = 0; at <= bytes.length; at++) {
      const pieces = [bytes.subarray(0, at), bytes.subarray(at)]
      assert.deepEqual(parseAll(pieces.map((piece) => Buffer.from(piece))), EXPECTED, `at ${at}`)
    }
  })

  test('gives the same requests however the bytes are cut into pieces', () => {
    const bytes = Buffer.from(PIPELINE, 'latin1')
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: bytes.length - 1 })), (cuts) => {
        const points = [0, ...cuts.sort((a, b) => a - b), bytes.length]
        const pieces = points.slice(1).map((end, i) => Buffer.from(bytes.subarray(points[i], end)))
        assert.deepEqual(parseAll(pieces), EXPECTED)
      }),
    )
  })

  test('refuses the same bad input however it is split', () => {
    const bad = Buffer.from('POST / HTTP/1.1\r\nHost: h\r\nX-A: a\rb\r\n\r\n', 'latin1')
    for (let at = 0; at <= bad.length; at++) {
      const pieces = [bad.subarray(0, at), bad.subarray(at)].map((piece) => Buffer.from(piece))
      assert.throws(() => parseAll(pieces), { status: 400 }, `at ${at}`)
    }
  })

  test('hands on a body that arrived in the same piece without copying it', () => {
    const chunk = Buffer.from('POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc')
    const parser = new Http1Parser(LIMITS)
    parser.feed(chunk)
    const request = parser.next()
    assert.ok(request)
    assert.equal(request.body.buffer, chunk.buffer)
    assert.equal(Buffer.from(request.body).toString(), 'abc')
  })

  test('returns one request per call and keeps the next one until asked', () => {
    const parser = new Http1Parser(LIMITS)
    parser.feed(Buffer.from('GET /1 HTTP/1.1\r\nHost: h\r\n\r\nGET /2 HTTP/1.1\r\nHost: h\r\n\r\n'))
    assert.equal(parser.next()?.head.target, '/1')
    assert.equal(parser.idle, false)
    assert.equal(parser.next()?.head.target, '/2')
    assert.equal(parser.idle, true)
    assert.equal(parser.next(), undefined)
  })

  test('shows the head of a request whose body is still on its way', () => {
    const parser = new Http1Parser(LIMITS)
    // A function, so that the checks below are not narrowed by the first one.
    const waiting = () => parser.waitingHead
    parser.feed(Buffer.from('POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\n'))
    assert.equal(parser.next(), undefined)
    assert.equal(waiting(), undefined)
    parser.feed(Buffer.from('Content-Length: 2\r\n\r\n'))
    assert.equal(parser.next(), undefined)
    assert.equal(waiting()?.expectContinue, true)
    parser.feed(Buffer.from('ok'))
    assert.equal(Buffer.from(parser.next()?.body ?? []).toString(), 'ok')
    assert.equal(waiting(), undefined)
  })

  test('parses nothing more after a protocol error', () => {
    const parser = new Http1Parser(LIMITS)
    parser.feed(Buffer.from('GET / HTTP/1.1\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n'))
    assert.throws(() => parser.next(), { status: 400 })
    assert.throws(() => parser.next(), { status: 400 })
  })

  test('refuses a request it cannot frame safely, with the status node:http sends', () => {
    const get = (fields: string) => `GET / HTTP/1.1\r\nHost: h\r\n${fields}\r\n`
    const post = (fields: string, body = '') => `POST / HTTP/1.1\r\nHost: h\r\n${fields}\r\n${body}`
    const table: Array<[name: string, request: string, status: number | undefined]> = [
      ['a plain GET', get(''), undefined],
      ['obs-fold', get('X-A: a\r\n b\r\n'), 400],
      ['whitespace before the colon', get('X-A : a\r\n'), 400],
      ['an empty field name', get(': a\r\n'), 400],
      ['a field name that is no token', get('X(A): a\r\n'), 400],
      ['a field line without a colon', get('X-A\r\n'), 400],
      ['a bare CR in a value', get('X-A: a\rb\r\n'), 400],
      ['a CR ending a value', get('X-A: a\r\r\n'), 400],
      ['a bare LF in a value', get('X-A: a\nb\r\n'), 400],
      ['a NUL in a value', get('X-A: a\0b\r\n'), 400],
      ['a control character in a value', get('X-A: a\x01b\r\n'), 400],
      ['DEL in a value', get('X-A: a\x7fb\r\n'), 400],
      ['HTAB and obs-text in a value', get('X-A: a\tb\xe9\r\n'), undefined],
      ['lines ended by LF alone', 'GET / HTTP/1.1\nHost: h\n\n', 400],
      ['HTTP/1.1 without Host', 'GET / HTTP/1.1\r\n\r\n', 400],
      ['HTTP/1.0 without Host', 'GET / HTTP/1.0\r\n\r\n', undefined],
      ['two Host fields', get('Host: other\r\n'), 400],
      ['a method that is no token', 'G(T / HTTP/1.1\r\nHost: h\r\n\r\n', 400],
      ['an unknown but well-formed method', 'PURGE / HTTP/1.1\r\nHost: h\r\n\r\n', undefined],
      ['two spaces in the request line', 'GET  / HTTP/1.1\r\nHost: h\r\n\r\n', 400],
      ['a space in the target', 'GET /a b HTTP/1.1\r\nHost: h\r\n\r\n', 400],
      ['raw non-ASCII in the target', 'GET /\xe9 HTTP/1.1\r\nHost: h\r\n\r\n', 400],
      ['a request line without a version', 'GET /\r\nHost: h\r\n\r\n', 400],
      ['a lower-case protocol name', 'GET / http/1.1\r\nHost: h\r\n\r\n', 400],
      ['HTTP/2.0', 'GET / HTTP/2.0\r\nHost: h\r\n\r\n', 505],
      ['HTTP/1.2', 'GET / HTTP/1.2\r\nHost: h\r\n\r\n', 505],
      ['HTTP/0.9', 'GET / HTTP/0.9\r\nHost: h\r\n\r\n', 505],
      ['Content-Length as a list', post('Content-Length: 2, 2\r\n', 'ok'), 400],
      ['Content-Length twice', post('Content-Length: 2\r\nContent-Length: 2\r\n', 'ok'), 400],
      ['differing Content-Lengths', post('Content-Length: 2\r\nContent-Length: 3\r\n', 'ok'), 400],
      ['a signed Content-Length', post('Content-Length: +2\r\n', 'ok'), 400],
      ['a hex Content-Length', post('Content-Length: 0x2\r\n', 'ok'), 400],
      ['an empty Content-Length', post('Content-Length: \r\n'), 400],
      [
        'Content-Length and Transfer-Encoding',
        post('Content-Length: 5\r\nTransfer-Encoding: chunked\r\n', '0\r\n\r\n'),
        400,
      ],
      ['a coding other than chunked', post('Transfer-Encoding: gzip\r\n', 'abc'), 400],
      ['chunked not last', post('Transfer-Encoding: chunked, gzip\r\n', '0\r\n\r\n'), 400],
      ['chunked twice', post('Transfer-Encoding: chunked, chunked\r\n', '0\r\n\r\n'), 400],
      [
        'chunked in two fields',
        post('Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n', '0\r\n\r\n'),
        400,
      ],
      ['gzip then chunked', post('Transfer-Encoding: gzip, chunked\r\n', '0\r\n\r\n'), undefined],
      ['chunked in capitals', post('Transfer-Encoding: CHUNKED\r\n', '0\r\n\r\n'), undefined],
      [
        'Transfer-Encoding on HTTP/1.0',
        'POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
        400,
      ],
      ['an unknown expectation', post('Expect: something\r\nContent-Length: 0\r\n'), 417],
      [
        '100-continue in any case',
        post('Expect: 100-Continue\r\nContent-Length: 0\r\n'),
        undefined,
      ],
      ['a Content-Length over the limit', post('Content-Length: 1025\r\n'), 413],
      [
        'a Content-Length at the limit',
        post('Content-Length: 1024\r\n', 'a'.repeat(1024)),
        undefined,
      ],
      ['a chunk size that is not hex', post('Transfer-Encoding: chunked\r\n', 'zz\r\n'), 400],
      ['an empty chunk size', post('Transfer-Encoding: chunked\r\n', '\r\n'), 400],
      ['a signed chunk size', post('Transfer-Encoding: chunked\r\n', '+1\r\na\r\n0\r\n\r\n'), 400],
      [
        'a chunk size with too many digits',
        post('Transfer-Encoding: chunked\r\n', '1000000000000000\r\n'),
        400,
      ],
      [
        'leading zeros in a chunk size',
        post('Transfer-Encoding: chunked\r\n', '000000000000000001\r\na\r\n0\r\n\r\n'),
        undefined,
      ],
      [
        'chunk data longer than its size',
        post('Transfer-Encoding: chunked\r\n', '2\r\nabc\r\n0\r\n\r\n'),
        400,
      ],
      [
        'a chunk extension without a semicolon',
        post('Transfer-Encoding: chunked\r\n', '1 x\r\na\r\n0\r\n\r\n'),
        400,
      ],
      [
        'a control character in a chunk extension',
        post('Transfer-Encoding: chunked\r\n', '1;a=\x01\r\na\r\n0\r\n\r\n'),
        400,
      ],
      [
        'a chunk size line ended by LF alone',
        post('Transfer-Encoding: chunked\r\n', '1\na\r\n0\r\n\r\n'),
        400,
      ],
      [
        'chunks adding up to more than the limit',
        post('Transfer-Encoding: chunked\r\n', `200\r\n${'a'.repeat(512)}\r\n201\r\n`),
        413,
      ],
      [
        'a malformed trailer field',
        post('Transfer-Encoding: chunked\r\n', '0\r\nno colon\r\n\r\n'),
        400,
      ],
    ]
    for (const [name, request, status] of table) assert.equal(refusal(request), status, name)
  })

  test('refuses a head over the limit with 431, ended or not', () => {
    const limits = { ...LIMITS, maxHeaderBytes: 100 }
    const head = (size: number) => `GET / HTTP/1.1\r\nHost: h\r\nX: ${'a'.repeat(size)}`
    // 16 + 9 + 3 + 68 + 4 = exactly 100 bytes with the empty line.
    assert.equal(refusal(`${head(68)}\r\n\r\n`, limits), undefined)
    assert.equal(refusal(`${head(69)}\r\n\r\n`, limits), 431)
    assert.equal(refusal(head(200), limits), 431)
    assert.equal(refusal(head(50), limits), undefined)
  })

  test('refuses a trailer section over the header limit with 431', () => {
    const limits = { ...LIMITS, maxHeaderBytes: 100 }
    const request = `POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n`
    assert.equal(refusal(`${request}X: ${'a'.repeat(40)}\r\n\r\n`, limits), undefined)
    assert.equal(refusal(`${request}${`X: ${'a'.repeat(40)}\r\n`.repeat(3)}`, limits), 431)
  })
})

describe('parseHead', () => {
  test('decides persistence from the version and the Connection options', () => {
    const table: Array<[version: string, connection: string | undefined, keepAlive: boolean]> = [
      ['1.1', undefined, true],
      ['1.1', 'close', false],
      ['1.1', 'Keep-Alive, Close', false],
      ['1.1', 'keep-alive', true],
      ['1.0', undefined, false],
      ['1.0', 'keep-alive', true],
      ['1.0', 'Keep-Alive', true],
      ['1.0', 'close', false],
      ['1.0', 'upgrade', false],
    ]
    for (const [version, connection, keepAlive] of table) {
      const fields = connection === undefined ? '' : `\r\nConnection: ${connection}`
      const { head } = parseHead(`GET / HTTP/${version}\r\nHost: h${fields}`, LIMITS)
      assert.equal(head.keepAlive, keepAlive, `${version} ${connection}`)
    }
  })

  test('ignores Expect on HTTP/1.0, as node:http does', () => {
    const { head } = parseHead('POST / HTTP/1.0\r\nExpect: 100-continue', LIMITS)
    assert.equal(head.expectContinue, false)
    assert.doesNotThrow(() => parseHead('POST / HTTP/1.0\r\nExpect: other', LIMITS))
  })

  test('keeps field names as sent, trims only spaces and tabs around values', () => {
    const { head } = parseHead(
      'GET / HTTP/1.1\r\nhOsT: h\r\nX-Empty:\r\nX-Inner:\t a  b \t',
      LIMITS,
    )
    assert.deepEqual(head.headers, [
      ['hOsT', 'h'],
      ['X-Empty', ''],
      ['X-Inner', 'a  b'],
    ])
  })
})
