// Reads the AWS SigV4 test suite (aws-c-auth tests/aws-signing-test-suite/v4, see
// ../shared/corpora/sigv4/README.md) into our request model. Test helper, not a test.

import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import type { SignableRequest } from '../../src/sigv4/index.js'
import { corpus } from '../support/requirements.js'

const suite = corpus('sigv4/v4')
export const corpusDir = suite.path
/** The skip option of the tests that walk it. */
export const corpusSkip = suite.skip

export interface CaseContext {
  credentials: { access_key_id: string; secret_access_key: string; token?: string }
  expiration_in_seconds: number
  normalize: boolean
  region: string
  service: string
  sign_body: boolean
  timestamp: string
  omit_session_token?: boolean
}

export interface CorpusCase {
  name: string
  context: CaseContext
  request: SignableRequest
  file(name: string): string
  signedRequest(form: 'header' | 'query'): SignableRequest
}

const blankLine = (bytes: Buffer): number => {
  for (let i = 0; i + 1 < bytes.length; i++) {
    if (bytes[i] === 0x0a && bytes[i + 1] === 0x0a) return i
  }
  return -1
}

/**
 * request.txt and *-signed-request.txt: request line (split at the first and the last space, the
 * path may hold raw spaces and UTF-8), `Name:value` lines (a line starting with whitespace
 * continues the previous value), a blank line, the body.
 */
export const parseRequestFile = (bytes: Buffer): SignableRequest => {
  const split = blankLine(bytes)
  const head = (split < 0 ? bytes : bytes.subarray(0, split)).toString('utf8')
  const body = split < 0 ? new Uint8Array() : new Uint8Array(bytes.subarray(split + 2))
  const lines = head.split('\n').filter((line, index, all) => line !== '' || index < all.length - 1)
  const requestLine = lines.shift() ?? ''
  const method = requestLine.slice(0, requestLine.indexOf(' '))
  const target = requestLine.slice(requestLine.indexOf(' ') + 1, requestLine.lastIndexOf(' '))
  const question = target.indexOf('?')
  const headers: [string, string][] = []
  for (const line of lines) {
    const previous = headers[headers.length - 1]
    if (/^\s/.test(line) && previous) {
      previous[1] += '\n' + line
      continue
    }
    const colon = line.indexOf(':')
    headers.push([line.slice(0, colon), line.slice(colon + 1)])
  }
  return {
    method,
    path: question < 0 ? target : target.slice(0, question),
    query: question < 0 ? '' : target.slice(question + 1),
    headers,
    body,
  }
}

export const loadCorpus = (): CorpusCase[] =>
  readdirSync(corpusDir)
    .sort()
    .map((name) => {
      const dir = join(corpusDir, name)
      const file = (fileName: string) => readFileSync(join(dir, fileName), 'utf8')
      return {
        name,
        context: JSON.parse(file('context.json')) as CaseContext,
        request: parseRequestFile(readFileSync(join(dir, 'request.txt'))),
        file,
        signedRequest: (form) =>
          parseRequestFile(readFileSync(join(dir, `${form}-signed-request.txt`))),
      }
    })
