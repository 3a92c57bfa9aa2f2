// Interop with the real AWS SDK for JavaScript: requests signed by @smithy/signature-v4, directly
// and through STSClient/IAMClient over a real socket, must pass our verifier.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createHash, createHmac } from 'node:crypto'
import type { Hash, Hmac } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { SignatureV4 } from '@smithy/signature-v4'
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts'
import { IAMClient, ListUsersCommand } from '@aws-sdk/client-iam'
import { nodeCrypto } from '../../src/core/node-crypto.js'
import { parseSignature, checkSignature } from '../../src/sigv4/index.js'
import type { SignableRequest, VerifyResult } from '../../src/sigv4/index.js'

const credentials = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
}

/** The SDK's hash interface (new (secret?) => { update, digest, reset }) over node:crypto. */
class NodeSha256 {
  private hash: Hash | Hmac
  constructor(private readonly secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = this.fresh()
  }
  private fresh(): Hash | Hmac {
    if (this.secret === undefined) return createHash('sha256')
    const key =
      typeof this.secret === 'string'
        ? this.secret
        : this.secret instanceof ArrayBuffer
          ? new Uint8Array(this.secret)
          : new Uint8Array(this.secret.buffer, this.secret.byteOffset, this.secret.byteLength)
    return createHmac('sha256', key)
  }
  update(data: Uint8Array): void {
    this.hash.update(data)
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest())
  }
  reset(): void {
    this.hash = this.fresh()
  }
}

// What the SDK's HTTP handler puts on the wire for a query object (RFC 3986, like escapeUri).
const wireEncode = (text: string): string =>
  encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  )

const wireQuery = (query: Record<string, string | string[] | null>): string =>
  Object.entries(query)
    .flatMap(([name, value]) =>
      (Array.isArray(value) ? value : [value ?? '']).map(
        (v) => `${wireEncode(name)}=${wireEncode(v)}`,
      ),
    )
    .join('&')

interface SmithyRequest {
  method: string
  path: string
  query?: Record<string, string | string[] | null>
  headers: Record<string, string>
  body?: string
}

const toSignable = (request: SmithyRequest): SignableRequest => ({
  method: request.method,
  path: request.path,
  query: wireQuery(request.query ?? {}),
  headers: Object.entries(request.headers),
  body: new TextEncoder().encode(request.body ?? ''),
})

const verifyAt = (request: SignableRequest, now: Date, services = ['sts']): VerifyResult => {
  const parsed = parseSignature(request)
  assert.ok(parsed)
  return checkSignature(request, parsed, credentials.secretAccessKey, now, {
    crypto: nodeCrypto,
    services,
  })
}

const signingDate = new Date('2024-03-01T10:00:00Z')

const unsignedPost = (): SmithyRequest => ({
  method: 'POST',
  path: '/',
  headers: {
    host: 'sts.amazonaws.com',
    'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
  },
  body: 'Action=GetCallerIdentity&Version=2011-06-15',
})

test('a request signed by @smithy/signature-v4 (header form) verifies', async () => {
  const signer = new SignatureV4({
    credentials,
    region: 'eu-west-1',
    service: 'sts',
    sha256: NodeSha256,
  })
  const signed = (await signer.sign(unsignedPost() as never, {
    signingDate,
  })) as unknown as SmithyRequest
  assert.match(signed.headers['authorization'] ?? '', /^AWS4-HMAC-SHA256 Credential=/)
  const request = toSignable(signed)
  assert.deepEqual(verifyAt(request, signingDate).ok, true)

  const tampered = {
    ...request,
    body: new TextEncoder().encode('Action=GetCallerIdentity&Version=2011-06-16'),
  }
  const result = verifyAt(tampered, signingDate)
  assert.equal(result.ok, false)
})

test('a session-token request signed by the SDK verifies and surfaces the token', async () => {
  const signer = new SignatureV4({
    credentials: { ...credentials, sessionToken: 'FwoGZXIvYXdzEXAMPLE//token+value=' },
    region: 'us-east-1',
    service: 'sts',
    sha256: NodeSha256,
  })
  const signed = (await signer.sign(unsignedPost() as never, {
    signingDate,
  })) as unknown as SmithyRequest
  const request = toSignable(signed)
  const parsed = parseSignature(request)
  assert.equal(parsed?.sessionToken, 'FwoGZXIvYXdzEXAMPLE//token+value=')
  const result = verifyAt(request, signingDate)
  assert.equal(result.ok && result.sessionTokenSigned, true)
})

test('a URL presigned by the SDK verifies until X-Amz-Expires, then is refused', async () => {
  const signer = new SignatureV4({
    credentials: { ...credentials, sessionToken: 'session/token+with=chars' },
    region: 'us-east-1',
    service: 'sts',
    sha256: NodeSha256,
  })
  const presigned = (await signer.presign(
    {
      method: 'GET',
      protocol: 'https:',
      hostname: 'sts.amazonaws.com',
      path: '/',
      query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
      headers: { host: 'sts.amazonaws.com', 'x-k8s-aws-id': 'my-cluster' },
    } as never,
    { signingDate, expiresIn: 60 },
  )) as SmithyRequest
  const request = toSignable(presigned)
  assert.match(request.query, /X-Amz-Security-Token=session%2Ftoken%2Bwith%3Dchars/)
  const parsed = parseSignature(request)
  assert.equal(parsed?.form, 'query')
  assert.equal(parsed?.expiresSeconds, 60)
  assert.equal(parsed?.sessionToken, 'session/token+with=chars')

  assert.equal(verifyAt(request, new Date(signingDate.getTime() + 60_000)).ok, true)
  const late = verifyAt(request, new Date(signingDate.getTime() + 61_000))
  assert.equal(late.ok, false)
  if (!late.ok) {
    assert.equal(late.error.code, 'AccessDenied')
    assert.equal(late.error.message, 'Request has expired')
  }
})

/** A loopback server that verifies every request with our verifier and answers like STS/IAM. */
const startServer = async (services: string[]) => {
  const seen: VerifyResult[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const url = req.url ?? '/'
      const question = url.indexOf('?')
      const headers: [string, string][] = []
      for (let i = 0; i < req.rawHeaders.length; i += 2) {
        headers.push([req.rawHeaders[i]!, req.rawHeaders[i + 1]!])
      }
      const request: SignableRequest = {
        method: req.method ?? 'GET',
        path: question < 0 ? url : url.slice(0, question),
        query: question < 0 ? '' : url.slice(question + 1),
        headers,
        body: new Uint8Array(Buffer.concat(chunks)),
      }
      const parsed = parseSignature(request)
      const result = parsed
        ? checkSignature(request, parsed, credentials.secretAccessKey, new Date(), {
            crypto: nodeCrypto,
            services,
          })
        : undefined
      if (result) seen.push(result)
      res.setHeader('content-type', 'text/xml')
      if (!result?.ok) {
        res.statusCode = 403
        res.end(
          `<ErrorResponse><Error><Type>Sender</Type><Code>SignatureDoesNotMatch</Code>` +
            `<Message>rejected</Message></Error><RequestId>r</RequestId></ErrorResponse>`,
        )
        return
      }
      res.end(
        services[0] === 'sts'
          ? `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">` +
              `<GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/alice</Arn>` +
              `<UserId>AIDAEXAMPLE</UserId><Account>123456789012</Account></GetCallerIdentityResult>` +
              `<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetCallerIdentityResponse>`
          : `<ListUsersResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ListUsersResult>` +
              `<Users/><IsTruncated>false</IsTruncated></ListUsersResult>` +
              `<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></ListUsersResponse>`,
      )
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return { endpoint: `http://127.0.0.1:${port}`, seen, close: () => server.close() }
}

test('STSClient over a real socket: GetCallerIdentity passes our verifier', async () => {
  const server = await startServer(['sts'])
  try {
    const client = new STSClient({ region: 'us-east-1', endpoint: server.endpoint, credentials })
    const answer = await client.send(new GetCallerIdentityCommand({}))
    assert.equal(answer.Account, '123456789012')
    assert.equal(server.seen.length, 1)
    assert.equal(server.seen[0]?.ok, true)
  } finally {
    server.close()
  }
})

test('IAMClient over a real socket with a session token passes; a wrong secret does not', async () => {
  const server = await startServer(['iam'])
  try {
    const client = new IAMClient({
      region: 'us-east-1',
      endpoint: server.endpoint,
      credentials: { ...credentials, sessionToken: 'token-1' },
    })
    const answer = await client.send(new ListUsersCommand({}))
    assert.deepEqual(answer.Users ?? [], [])
    assert.equal(server.seen[0]?.ok, true)

    const wrong = new IAMClient({
      region: 'us-east-1',
      endpoint: server.endpoint,
      credentials: { ...credentials, secretAccessKey: 'not-the-secret' },
      maxAttempts: 1,
    })
    await assert.rejects(wrong.send(new ListUsersCommand({})), { name: 'SignatureDoesNotMatch' })
    assert.equal(server.seen[1]?.ok, false)
  } finally {
    server.close()
  }
})
