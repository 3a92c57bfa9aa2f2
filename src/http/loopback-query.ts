// rolegate's own components calling its AWS API as any client would (the built-in IdP's app
// listing roles through IAM): a Query form POST signed with SigV4 by the key given, handed to the
// socket-free app, so it is authenticated, authorised, logged and answered exactly as one that
// came over a socket, without the server reaching out to its own public URL.
import { nodeCrypto } from '../core/node-crypto.js'
import type { Clock } from '../core/clock.js'
import { signRequest } from '../sigv4/sign.js'
import type { Credentials } from '../sigv4/sign.js'
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

const formEncode = (params: Record<string, string>) =>
  Object.entries(params)
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`)
    .join('&')

/** Calls one IAM or STS action signed with `key`; answers the status and XML body as sent. */
export function loopbackQuery(options: LoopbackOptions) {
  return async (
    key: Credentials,
    service: keyof typeof LOOPBACK_VERSIONS,
    action: string,
    params: Record<string, string>,
  ): Promise<{ status: number; body: string }> => {
    const body = new TextEncoder().encode(
      formEncode({ Action: action, Version: LOOPBACK_VERSIONS[service], ...params }),
    )
    const signed = signRequest(
      {
        method: 'POST',
        path: '/',
        query: '',
        headers: [
          ['Host', options.host()],
          ['Content-Type', 'application/x-www-form-urlencoded; charset=utf-8'],
          ['User-Agent', 'rolegate-idp'],
        ],
        body,
      },
      key,
      { crypto: nodeCrypto, region: options.region, service, date: options.clock.now() },
    )
    const response = await options.app().handle({
      method: 'POST',
      path: '/',
      query: '',
      headers: signed.request.headers,
      body,
      sourceIp: '127.0.0.1',
      secure: false,
    })
    return { status: response.status, body: response.body }
  }
}
