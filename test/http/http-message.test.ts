// headerValue: the first value of a header, whatever the case of its name.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { HttpRequest } from '../../src/http/http-message.js'
import { headerValue } from '../../src/http/http-message.js'

const request = (headers: [string, string][]): HttpRequest => ({
  method: 'POST',
  path: '/',
  query: '',
  headers,
  body: new Uint8Array(),
  sourceIp: '127.0.0.1',
  secure: false,
})

test('headerValue matches names without regard to case and answers the first value', () => {
  const req = request([
    ['Content-Type', 'application/x-www-form-urlencoded'],
    ['X-Amz-Date', '20150830T123600Z'],
    ['content-type', 'text/plain'],
  ])
  assert.equal(headerValue(req, 'content-type'), 'application/x-www-form-urlencoded')
  assert.equal(headerValue(req, 'CONTENT-TYPE'), 'application/x-www-form-urlencoded')
  assert.equal(headerValue(req, 'x-amz-date'), '20150830T123600Z')
  // Same length, other name; a name that only starts the same.
  assert.equal(headerValue(req, 'x-amz-data'), undefined)
  assert.equal(headerValue(req, 'content'), undefined)
  assert.equal(headerValue(request([]), 'accept'), undefined)
})
