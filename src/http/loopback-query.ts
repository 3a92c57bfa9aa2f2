// rolegate's own components calling its AWS API as any client would (the built-in IdP's app
// listing roles through IAM, the /saml page calling STS): a Query form POST, signed with SigV4 by
// the key given or unsigned (AssumeRoleWithSAML), handed to the socket-free app, so it is
// authenticated, authorised, logged and answered exactly as one that came over a socket, without
// the server reaching out to its own public URL.
import { nodeCrypto } from '../core/node-crypto.js'
import type { Clock } from '../core/clock.js'
import { signRequest } from '../sigv4/sign.js'
import type { Credentials } from '../sigv4/sign.js'
import type { SignableRequest } from '../sigv4/request.js'
import type { App } from './app.js'

/** The Query versions of the services a loopback call may reach. */
export const LOOPBACK_VERSIONS = { iam: '2010-05-08', sts: '2011-06-15' } as const

export interface LoopbackOptions {
  /** The app to call; a function, because the app is made after the services that call it. */
  app: () => App
  clock: Clock
  region: string
  /** The Host header: the server's public host, as a client would send it. */
  host: () => string
}

/**
 * Who the call is made for, when it is a person's (a browser's sign-in): their address, transport
 * and user agent reach the policy context (aws:SourceIp, aws:SecureTransport, aws:UserAgent) as
 * they would on a call of their own. Calls the server makes for itself come from loopback.
 */
export interface LoopbackOrigin {
  sourceIp: string
  secure: boolean
  userAgent: string
}

const SELF: LoopbackOrigin = { sourceIp: '127.0.0.1', secure: false, userAgent: 'rolegate-idp' }

const formEncode = (params: Record<string, string>) =>
  Object.entries(params)
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`)
    .join('&')

/**
 * Calls one IAM or STS action signed with `key` (unsigned when there is none); answers the status
 * and XML body as sent.
 */
export function loopbackQuery(options: LoopbackOptions) {
  return async (
    key: Credentials | undefined,
    service: keyof typeof LOOPBACK_VERSIONS,
    action: string,
    params: Record<string, string>,
    origin: LoopbackOrigin = SELF,
  ): Promise<{ status: number; body: string }> => {
    const body = new TextEncoder().encode(
      formEncode({ Action: action, Version: LOOPBACK_VERSIONS[service], ...params }),
    )
    const request: SignableRequest = {
      method: 'POST',
      path: '/',
      query: '',
      headers: [
        ['Host', options.host()],
        ['Content-Type', 'application/x-www-form-urlencoded; charset=utf-8'],
        ['User-Agent', origin.userAgent],
      ],
      body,
    }
    const headers =
      key === undefined
        ? request.headers
        : signRequest(request, key, {
            crypto: nodeCrypto,
            region: options.region,
            service,
            date: options.clock.now(),
          }).request.headers
    const response = await options.app().handle({
      method: 'POST',
      path: '/',
      query: '',
      headers,
      body,
      sourceIp: origin.sourceIp,
      secure: origin.secure,
    })
    return { status: response.status, body: response.body }
  }
}
