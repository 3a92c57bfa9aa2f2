// An OpenID Connect issuer we did not write: panva's `oidc-provider` on loopback HTTPS behind a
// throwaway self-signed certificate made with openssl. ID tokens come from a real authorization
// code flow (authorize -> interaction -> code -> token endpoint); the only shortcut is the login
// page, which this module answers itself by finishing the interaction for the requested account.
import { execFileSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { request as httpsRequest, createServer } from 'node:https'
import type { Server } from 'node:https'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { exportJWK, generateKeyPair } from 'jose'
import Provider from 'oidc-provider'

export interface ExternalIssuer {
  /** `https://127.0.0.1:PORT`, the `iss` of its tokens. */
  issuer: string
  /** The PEM of the self-signed certificate it serves (rolegate's CA bundle for it). */
  certificatePem: string
  /** SHA-1 of the served certificate (DER), lowercase hex: what an IAM thumbprint names. */
  thumbprint: string
  clientId: string
  /** Runs the authorization code flow as `subject` and returns the ID token. */
  idToken(subject: string): Promise<string>
  close(): Promise<void>
}

interface Answer {
  status: number
  headers: IncomingMessage['headers']
  body: string
}

const REDIRECT_URI = 'https://client.example.com/callback'

/** A self-signed P-256 certificate for 127.0.0.1 (SAN IP), valid for a day. */
function selfSignedCertificate(dir: string): { cert: string; key: string } {
  const certFile = join(dir, 'cert.pem')
  const keyFile = join(dir, 'key.pem')
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'pipe' },
  )
  return { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') }
}

const derOf = (pem: string) =>
  Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64')

/** One HTTPS request that trusts only `ca`; redirects are returned, not followed. */
function send(
  url: string,
  ca: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      url,
      { method: options.method ?? 'GET', headers: options.headers ?? {}, ca, agent: false },
      (res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => (body += chunk))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
        res.on('error', reject)
      },
    )
    req.on('error', reject)
    req.end(options.body)
  })
}

/** A cookie jar just big enough for one browser-less login: name=value pairs, no attributes. */
class CookieJar {
  private cookies = new Map<string, string>()
  take(answer: Answer): void {
    for (const line of answer.headers['set-cookie'] ?? []) {
      const pair = line.split(';')[0] ?? ''
      const at = pair.indexOf('=')
      if (at > 0) this.cookies.set(pair.slice(0, at), pair.slice(at + 1))
    }
  }
  header(): Record<string, string> {
    const value = [...this.cookies].map(([name, v]) => `${name}=${v}`).join('; ')
    return value === '' ? {} : { cookie: value }
  }
}

export async function startExternalIssuer(): Promise<ExternalIssuer> {
  const dir = mkdtempSync(join(tmpdir(), 'rolegate-oidc-provider-'))
  const { cert, key } = selfSignedCertificate(dir)
  const clientId = 'rolegate-e2e-client'
  const clientSecret = randomBytes(24).toString('hex')
  const { privateKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true })
  const signingJwk = {
    ...(await exportJWK(privateKey)),
    kid: 'e2e-rs256',
    alg: 'RS256',
    use: 'sig',
  }

  // The issuer URL carries the port, so listen first and hand requests to the provider once made.
  const route: { handler?: (req: IncomingMessage, res: ServerResponse) => void } = {}
  const server: Server = createServer({ cert, key }, (req, res) => {
    if (route.handler) route.handler(req, res)
    else res.writeHead(503).end()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const issuer = `https://127.0.0.1:${(server.address() as AddressInfo).port}`

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [REDIRECT_URI],
        response_types: ['code'],
        grant_types: ['authorization_code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    jwks: { keys: [signingJwk] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    features: { devInteractions: { enabled: false } },
    pkce: { required: () => false },
    // Explicit lifetimes (seconds), so the provider does not warn about its defaults.
    ttl: { Interaction: 600, Grant: 600, Session: 600, AccessToken: 600, IdToken: 3600 },
    findAccount: (_ctx, sub) => ({ accountId: sub, claims: () => ({ sub }) }),
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  })
  const callback = provider.callback()

  // The login page: the subject to log in arrives as the `login_hint` of the authorization request.
  route.handler = (req, res) => {
    if (!req.url?.startsWith('/interaction/')) {
      callback(req, res)
      return
    }
    void (async () => {
      const details = await provider.interactionDetails(req, res)
      const accountId = String(details.params['login_hint'])
      const grant = new provider.Grant({ accountId, clientId })
      grant.addOIDCScope('openid')
      const grantId = await grant.save()
      await provider.interactionFinished(
        req,
        res,
        { login: { accountId }, consent: { grantId } },
        { mergeWithLastSubmission: false },
      )
    })().catch((error: unknown) => {
      res.writeHead(500).end(String(error))
    })
  }

  async function idToken(subject: string): Promise<string> {
    const jar = new CookieJar()
    const authorize = new URL(`${issuer}/auth`)
    authorize.search = new URLSearchParams({
      client_id: clientId,
      redirect_uri: REDIRECT_URI,
      response_type: 'code',
      scope: 'openid',
      nonce: randomBytes(8).toString('hex'),
      state: randomBytes(8).toString('hex'),
      login_hint: subject,
    }).toString()
    // authorize -> interaction -> resume -> (maybe more hops) -> the client's redirect_uri.
    let location = authorize.toString()
    for (let hop = 0; hop < 8 && !location.startsWith(REDIRECT_URI); hop++) {
      const answer = await send(location, cert, { headers: jar.header() })
      jar.take(answer)
      const next = answer.headers.location
      if (answer.status < 300 || answer.status >= 400 || next === undefined) {
        throw new Error(`oidc-provider answered ${answer.status} at ${location}: ${answer.body}`)
      }
      location = new URL(next, location).toString()
    }
    const code = new URL(location).searchParams.get('code')
    if (code === null) throw new Error(`no authorization code in ${location}`)
    const answer = await send(`${issuer}/token`, cert, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
      },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT_URI,
      }).toString(),
    })
    const tokens = JSON.parse(answer.body) as { id_token?: string }
    if (answer.status !== 200 || tokens.id_token === undefined) {
      throw new Error(`token endpoint answered ${answer.status}: ${answer.body}`)
    }
    return tokens.id_token
  }

  return {
    issuer,
    certificatePem: cert,
    thumbprint: createHash('sha1').update(derOf(cert)).digest('hex'),
    clientId,
    idToken,
    async close() {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
