// HTTP/1.1 framing through the running server (llhttp inside node:http): what reaches the app is
// what was sent however the bytes are split, and every framing ambiguity that could smuggle a
// request is refused. The table began as the suite of the parser rolegate wrote itself and then
// dropped; where llhttp answers differently, the row records llhttp's answer and says so.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import fc from 'fast-check'
import type { HttpRequest } from '../../src/http/http-message.js'
import { startServer } from '../../src/http/node-server.js'
import type { RunningServer } from '../../src/http/node-server.js'
import { delay, openWire, recordingApp } from '../support/http1-wire.js'

const seen: HttpRequest[] = []
let server: RunningServer

before(async () => {
  server = await startServer(recordingApp(seen), {
    host: '127.0.0.1',
    port: 0,
    limits: { maxBodyBytes: 1024 },
  })
})
after(() => server.close())

/** What one request got: the app's view of it, or the refusal's status line and error code. */
type Outcome = { app: string } | { status: string; code?: string } | 'no answer'

/** Sends `request` on a fresh connection and says what came of it once the server went quiet. */
async function outcome(request: string): Promise<Outcome> {
  const start = seen.length
  const wire = await openWire(server.port)
  try {
    wire.socket.write(Buffer.from(request, 'latin1'))
    await delay(100)
    const text = wire.received()
    const handed = seen.slice(start)
    if (handed.length > 0) {
      return {
        app: handed
          .map((r) => `${r.method} ${r.path} ${Buffer.from(r.body).toString('latin1')}`)
          .join(' | '),
      }
    }
    if (text === '') return 'no answer'
    const status = text.slice(0, text.indexOf('\r\n'))
    const code = /<Code>([^<]*)<\/Code>/.exec(text)?.[1]
    return code === undefined ? { status } : { status, code }
  } finally {
    wire.socket.destroy()
  }
}

const MALFORMED = { status: 'HTTP/1.1 400 Bad Request', code: 'MalformedHttpRequestException' }
const get = (fields: string) => `GET / HTTP/1.1\r\nHost: h\r\n${fields}\r\n`
const post = (fields: string, body = '') => `POST / HTTP/1.1\r\nHost: h\r\n${fields}\r\n${body}`
const chunked = (body: string) => post('Transfer-Encoding: chunked\r\n', body)

const TABLE: Array<[name: string, request: string, expected: Outcome]> = [
  ['a plain GET', get(''), { app: 'GET / ' }],
  ['empty lines before the request line', `\r\n\r\n${get('')}`, { app: 'GET / ' }],
  ['obs-fold', get('X-A: a\r\n b\r\n'), MALFORMED],
  ['whitespace before the colon', get('X-A : a\r\n'), MALFORMED],
  ['an empty field name', get(': a\r\n'), MALFORMED],
  ['a field name that is no token', get('X(A): a\r\n'), MALFORMED],
  ['a field line without a colon', get('X-A\r\n'), MALFORMED],
  ['a bare CR in a value', get('X-A: a\rb\r\n'), MALFORMED],
  ['a CR ending a value', get('X-A: a\r\r\n'), MALFORMED],
  ['a bare LF in a value', get('X-A: a\nb\r\n'), MALFORMED],
  ['a NUL in a value', get('X-A: a\0b\r\n'), MALFORMED],
  ['a control character in a value', get('X-A: a\x01b\r\n'), MALFORMED],
  ['DEL in a value', get('X-A: a\x7fb\r\n'), MALFORMED],
  ['HTAB and obs-text in a value', get('X-A: a\tb\xe9\r\n'), { app: 'GET / ' }],
  ['lines ended by LF alone', 'GET / HTTP/1.1\nHost: h\n\n', MALFORMED],
  // node's requireHostHeader answers this itself, without an error body.
  ['HTTP/1.1 without Host', 'GET / HTTP/1.1\r\n\r\n', { status: 'HTTP/1.1 400 Bad Request' }],
  ['HTTP/1.0 without Host', 'GET / HTTP/1.0\r\n\r\n', { app: 'GET / ' }],
  // llhttp: accepted, the app sees both fields (our parser: 400). SigV4 signs every Host value.
  ['two Host fields', get('Host: other\r\n'), { app: 'GET / ' }],
  ['a method that is no token', 'G(T / HTTP/1.1\r\nHost: h\r\n\r\n', MALFORMED],
  ['a method llhttp knows', 'PURGE / HTTP/1.1\r\nHost: h\r\n\r\n', { app: 'PURGE / ' }],
  // llhttp: only the methods it knows (our parser: any token).
  ['a method llhttp does not know', 'FROB / HTTP/1.1\r\nHost: h\r\n\r\n', MALFORMED],
  // llhttp: accepted as GET / (our parser: 400).
  ['two spaces in the request line', 'GET  / HTTP/1.1\r\nHost: h\r\n\r\n', { app: 'GET / ' }],
  ['a space in the target', 'GET /a b HTTP/1.1\r\nHost: h\r\n\r\n', MALFORMED],
  ['raw non-ASCII in the target', 'GET /\xe9 HTTP/1.1\r\nHost: h\r\n\r\n', MALFORMED],
  // llhttp: an HTTP/0.9 request, answered and then closed (our parser: 400).
  ['a request line without a version', 'GET /\r\nHost: h\r\n\r\n', { app: 'GET / ' }],
  ['a lower-case protocol name', 'GET / http/1.1\r\nHost: h\r\n\r\n', MALFORMED],
  // llhttp: answered and closed (our parser: 505).
  ['HTTP/2.0', 'GET / HTTP/2.0\r\nHost: h\r\n\r\n', { app: 'GET / ' }],
  ['HTTP/0.9', 'GET / HTTP/0.9\r\nHost: h\r\n\r\n', { app: 'GET / ' }],
  // llhttp: 400 (our parser: 505).
  ['HTTP/1.2', 'GET / HTTP/1.2\r\nHost: h\r\n\r\n', MALFORMED],
  ['Content-Length as a list', post('Content-Length: 2, 2\r\n', 'ok'), MALFORMED],
  ['Content-Length twice', post('Content-Length: 2\r\nContent-Length: 2\r\n', 'ok'), MALFORMED],
  [
    'differing Content-Lengths',
    post('Content-Length: 2\r\nContent-Length: 3\r\n', 'ok'),
    MALFORMED,
  ],
  ['a signed Content-Length', post('Content-Length: +2\r\n', 'ok'), MALFORMED],
  ['a hex Content-Length', post('Content-Length: 0x2\r\n', 'ok'), MALFORMED],
  ['an empty Content-Length', post('Content-Length: \r\n'), MALFORMED],
  [
    'Content-Length and Transfer-Encoding',
    post('Content-Length: 5\r\nTransfer-Encoding: chunked\r\n', '0\r\n\r\n'),
    MALFORMED,
  ],
  ['a coding other than chunked', post('Transfer-Encoding: gzip\r\n', 'abc'), MALFORMED],
  ['chunked not last', post('Transfer-Encoding: chunked, gzip\r\n', '0\r\n\r\n'), MALFORMED],
  ['chunked twice', post('Transfer-Encoding: chunked, chunked\r\n', '0\r\n\r\n'), MALFORMED],
  [
    'chunked in two fields',
    post('Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n', '0\r\n\r\n'),
    MALFORMED,
  ],
  [
    'gzip then chunked',
    post('Transfer-Encoding: gzip, chunked\r\n', '0\r\n\r\n'),
    { app: 'POST / ' },
  ],
  ['chunked in capitals', post('Transfer-Encoding: CHUNKED\r\n', '0\r\n\r\n'), { app: 'POST / ' }],
  // llhttp: the chunked body is read, and the connection closed after (our parser: 400).
  [
    'Transfer-Encoding on HTTP/1.0',
    'POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\n\r\n',
    { app: 'POST / a' },
  ],
  // node answers 417 itself, without an error body, and keeps the connection.
  [
    'an unknown expectation',
    post('Expect: something\r\nContent-Length: 0\r\n'),
    { status: 'HTTP/1.1 417 Expectation Failed' },
  ],
  [
    '100-continue in any case',
    post('Expect: 100-Continue\r\nContent-Length: 0\r\n'),
    { app: 'POST / ' },
  ],
  [
    'a Content-Length over the limit',
    post('Content-Length: 1025\r\n'),
    { status: 'HTTP/1.1 413 Payload Too Large', code: 'RequestEntityTooLargeException' },
  ],
  [
    'a Content-Length at the limit',
    post('Content-Length: 1024\r\n', 'a'.repeat(1024)),
    { app: `POST / ${'a'.repeat(1024)}` },
  ],
  ['a chunk size that is not hex', chunked('zz\r\n'), MALFORMED],
  ['an empty chunk size', chunked('\r\n'), MALFORMED],
  ['a signed chunk size', chunked('+1\r\na\r\n0\r\n\r\n'), MALFORMED],
  [
    'leading zeros in a chunk size',
    chunked('000000000000000001\r\na\r\n0\r\n\r\n'),
    { app: 'POST / a' },
  ],
  ['chunk data longer than its size', chunked('2\r\nabc\r\n0\r\n\r\n'), MALFORMED],
  ['a chunk extension without a semicolon', chunked('1 x\r\na\r\n0\r\n\r\n'), MALFORMED],
  // llhttp: no whitespace before the semicolon, though RFC 9112 allows it (our parser: accepted).
  ['whitespace before a chunk extension', chunked('1 ;x\r\na\r\n0\r\n\r\n'), MALFORMED],
  ['a control character in a chunk extension', chunked('1;a=\x01\r\na\r\n0\r\n\r\n'), MALFORMED],
  ['a quoted chunk extension', chunked('1;a="b c"\r\na\r\n0\r\n\r\n'), { app: 'POST / a' }],
  [
    'chunk extensions over 16 KiB',
    chunked(`1;a=${'b'.repeat(17_000)}\r\na\r\n0\r\n\r\n`),
    { status: 'HTTP/1.1 413 Payload Too Large', code: 'RequestEntityTooLargeException' },
  ],
  ['a chunk size line ended by LF alone', chunked('1\na\r\n0\r\n\r\n'), MALFORMED],
  // llhttp: a chunk size is not checked against the limit until its bytes come (our parser:
  // refused at the size line); then the bytes past the limit are refused.
  ['a chunk size larger than the limit, no data yet', chunked('1000000000000000\r\n'), 'no answer'],
  [
    'a chunk size larger than the limit, with data',
    chunked(`1000000000000000\r\n${'a'.repeat(1025)}`),
    { status: 'HTTP/1.1 413 Payload Too Large', code: 'RequestEntityTooLargeException' },
  ],
  [
    'chunks adding up to more than the limit',
    chunked(`200\r\n${'a'.repeat(512)}\r\n201\r\n${'a'.repeat(513)}\r\n0\r\n\r\n`),
    { status: 'HTTP/1.1 413 Payload Too Large', code: 'RequestEntityTooLargeException' },
  ],
  ['a malformed trailer field', chunked('0\r\nno colon\r\n\r\n'), MALFORMED],
  [
    'a head over 16 KiB',
    get(`X-Big: ${'a'.repeat(16 * 1024)}\r\n`),
    {
      status: 'HTTP/1.1 431 Request Header Fields Too Large',
      code: 'RequestEntityTooLargeException',
    },
  ],
  ['a head just under 16 KiB', get(`X-Big: ${'a'.repeat(16 * 1024 - 100)}\r\n`), { app: 'GET / ' }],
]

describe('HTTP/1.1 framing by the server', () => {
  test('accepts, refuses or waits on each request as the table says', async () => {
    for (const [name, request, expected] of TABLE) {
      assert.deepEqual(await outcome(request), expected, name)
    }
  })

  test('closes the connection after every refusal, so nothing after it is read', async () => {
    const smuggled = seen.length
    const wire = await openWire(server.port)
    wire.socket.write(
      'POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n' +
        '0\r\n\r\n' +
        get('').replace('GET /', 'GET /smuggled'),
    )
    const text = await wire.ended()
    assert.match(text, /^HTTP\/1\.1 400 Bad Request\r\n[^]*Connection: close\r\n/)
    assert.equal(seen.length, smuggled)
  })
})

// Pipelined requests: Content-Length and chunked bodies, HTTP/1.0 keep-alive, HEAD, and a close.
const PIPELINE = [
  '\r\nPOST /a?X=1 HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nX-Case:  padded\t \r\n\r\nhello',
  'POST /b HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n' +
    '3;name=value;x="q"\r\nabc\r\n10;ext\r\n0123456789abcdef\r\n0\r\nX-Trailer: t\r\nY: z\r\n\r\n',
  'GET /c HTTP/1.0\r\nConnection: keep-alive\r\n\r\n',
  'HEAD /d HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n',
].join('')

const EXPECTED = [
  {
    method: 'POST',
    path: '/a',
    query: 'X=1',
    headers: [
      ['Host', 'h'],
      ['Content-Length', '5'],
      ['X-Case', 'padded'],
    ],
    body: 'hello',
  },
  {
    method: 'POST',
    path: '/b',
    query: '',
    headers: [
      ['Host', 'h'],
      ['Transfer-Encoding', 'chunked'],
    ],
    body: 'abc0123456789abcdef',
  },
  { method: 'GET', path: '/c', query: '', headers: [['Connection', 'keep-alive']], body: '' },
  {
    method: 'HEAD',
    path: '/d',
    query: '',
    headers: [
      ['Host', 'h'],
      ['Connection', 'close'],
    ],
    body: '',
  },
]

/** Sends the pieces with a pause between, and returns what the app was handed. */
async function pipelined(pieces: Buffer[]) {
  const start = seen.length
  const wire = await openWire(server.port)
  wire.socket.setNoDelay(true)
  for (const piece of pieces) {
    wire.socket.write(piece)
    await delay(2)
  }
  await wire.ended()
  return seen.slice(start).map((request) => ({
    method: request.method,
    path: request.path,
    query: request.query,
    headers: request.headers,
    body: Buffer.from(request.body).toString('latin1'),
  }))
}

describe('pipelined requests split anywhere', () => {
  const bytes = Buffer.from(PIPELINE, 'latin1')

  test('reach the app the same in one piece and split at every point', async () => {
    assert.deepEqual(await pipelined([bytes]), EXPECTED)
    for (let at = 1; at < bytes.length; at++) {
      const split = [bytes.subarray(0, at), bytes.subarray(at)]
      assert.deepEqual(await pipelined(split), EXPECTED, `split at ${at}`)
    }
  })

  test('reach the app the same however the bytes are cut', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 12 }),
        async (cuts) => {
          const points = [0, ...cuts.sort((a, b) => a - b), bytes.length]
          const pieces = points.slice(1).map((end, i) => bytes.subarray(points[i], end))
          assert.deepEqual(await pipelined(pieces), EXPECTED)
        },
      ),
      { numRuns: 25 },
    )
  })
})
