// Responses on the wire: one string with status line, the app's fields, framing and body, and
// nothing the app hands over can split it.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { closingResponse, httpDate, serializeResponse } from '../../src/http/http1-response.js'

const DATE = 'Mon, 23 Nov 2026 17:00:00 GMT'

describe('serializeResponse', () => {
  test('frames the body by its UTF-8 length and says the connection stays open', () => {
    const text = serializeResponse(
      {
        status: 200,
        headers: { 'content-type': 'text/xml', 'x-amzn-RequestId': 'r1' },
        body: 'é<a/>',
      },
      { head: false, keepAlive: true, date: DATE },
    )
    assert.equal(
      text,
      'HTTP/1.1 200 OK\r\ncontent-type: text/xml\r\nx-amzn-RequestId: r1\r\nContent-Length: 6\r\n' +
        `Date: ${DATE}\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\n\r\né<a/>`,
    )
  })

  test('announces the length but sends no body for HEAD, and says close when closing', () => {
    const text = serializeResponse(
      { status: 404, headers: {}, body: 'missing' },
      { head: true, keepAlive: false, date: DATE },
    )
    assert.equal(
      text,
      `HTTP/1.1 404 Not Found\r\nContent-Length: 7\r\nDate: ${DATE}\r\nConnection: close\r\n\r\n`,
    )
  })

  test('writes framing fields itself, whatever the app put in its headers', () => {
    const text = serializeResponse(
      {
        status: 200,
        headers: {
          'Content-Length': '99',
          'transfer-encoding': 'chunked',
          connection: 'x',
          a: 'b',
        },
        body: 'ok',
      },
      { head: false, keepAlive: false, date: DATE },
    )
    assert.equal(
      text,
      `HTTP/1.1 200 OK\r\na: b\r\nContent-Length: 2\r\nDate: ${DATE}\r\nConnection: close\r\n\r\nok`,
    )
  })

  test('refuses fields and statuses that could split or corrupt the response', () => {
    const framing = { head: false, keepAlive: true, date: DATE }
    const bad: Array<[string, Record<string, string>, number]> = [
      ['CRLF in a value', { 'x-a': 'a\r\nSet-Cookie: x' }, 200],
      ['LF in a value', { 'x-a': 'a\nb' }, 200],
      ['CR in a value', { 'x-a': 'a\rb' }, 200],
      ['NUL in a value', { 'x-a': 'a\0b' }, 200],
      ['non-ASCII in a value', { 'x-a': 'é' }, 200],
      ['a space in a name', { 'x a': 'b' }, 200],
      ['a colon in a name', { 'x:a': 'b' }, 200],
      ['an informational status', {}, 101],
      ['a fractional status', {}, 200.5],
    ]
    for (const [name, headers, status] of bad) {
      assert.throws(() => serializeResponse({ status, headers, body: '' }, framing), Error, name)
    }
    assert.doesNotThrow(() =>
      serializeResponse({ status: 200, headers: { 'x-a': 'a\tb ~' }, body: '' }, framing),
    )
  })
})

describe('closingResponse', () => {
  test('is a bare status with Connection: close, or a short text', () => {
    assert.equal(closingResponse(400), 'HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n')
    assert.equal(
      closingResponse(413, 'Request body too large\n'),
      'HTTP/1.1 413 Payload Too Large\r\nConnection: close\r\nContent-Type: text/plain\r\n' +
        'Content-Length: 23\r\n\r\nRequest body too large\n',
    )
  })
})

describe('httpDate', () => {
  test('is the IMF-fixdate of the current second', () => {
    const now = Date.parse('2026-11-23T17:00:00.250Z')
    assert.equal(httpDate(now), DATE)
    assert.equal(httpDate(now + 700), DATE)
    assert.equal(httpDate(now + 800), 'Mon, 23 Nov 2026 17:00:01 GMT')
  })
})
