// Builds HttpRequests for the socket-free app, signed with SigV4 the way an AWS SDK signs a Query
// call, so tests can drive createApp().handle() without a socket.
import { nodeCrypto } from '../../src/core/node-crypto.js'
import type { HttpRequest } from '../../src/http/http-message.js'
import { presignRequest, signRequest } from '../../src/sigv4/sign.js'

export interface SigningKey {
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string
}

export interface QueryRequestOptions {
  method?: 'GET' | 'POST'
  host?: string
  headers?: Array<[string, string]>
  sourceIp?: string
}

const formEncode = (params: Record<string, string>) =>
  Object.entries(params)
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`)
    .join('&')

/** An unsigned AWS Query request: a form POST (or a GET with the parameters in the query). */
export function queryRequest(
  params: Record<string, string>,
  options: QueryRequestOptions = {},
): HttpRequest {
  const method = options.method ?? 'POST'
  const text = formEncode(params)
  const headers: Array<[string, string]> = [['Host', options.host ?? 'iam.amazonaws.com']]
  if (method === 'POST') {
    headers.push(['Content-Type', 'application/x-www-form-urlencoded; charset=utf-8'])
  }
  headers.push(...(options.headers ?? []))
  return {
    method,
    path: '/',
    query: method === 'GET' ? text : '',
    headers,
    body: method === 'POST' ? new TextEncoder().encode(text) : new Uint8Array(),
    sourceIp: options.sourceIp ?? '127.0.0.1',
    secure: false,
  }
}

export interface SignOptions {
  service?: string
  region?: string
  date?: Date
  /** Sign into the query string instead of the Authorization header. */
  presign?: boolean
}

export function signed(
  request: HttpRequest,
  key: SigningKey,
  options: SignOptions = {},
): HttpRequest {
  const common = {
    crypto: nodeCrypto,
    region: options.region ?? 'us-east-1',
    service: options.service ?? 'iam',
    date: options.date ?? new Date(),
  }
  const result = options.presign
    ? presignRequest(request, key, { ...common, expiresIn: 300 })
    : signRequest(request, key, common)
  return { ...request, ...result.request }
}

/** A signed IAM Query POST. */
export const signedQuery = (
  params: Record<string, string>,
  key: SigningKey,
  options: SignOptions & QueryRequestOptions = {},
): HttpRequest => signed(queryRequest(params, options), key, options)
