// The browser's sign-in session, kept in the browser: a JWT encrypted with the account's app cookie
// key (jose, dir + A256GCM, so it is unreadable and unforgeable), naming the stage reached, the
// user, when they signed in and the form's CSRF token. Nothing is kept server-side, so any worker
// or replica with the store reads it. The cookie is HttpOnly, SameSite=Strict, Secure under TLS.
import { createHash } from 'node:crypto'
import { EncryptJWT, jwtDecrypt } from 'jose'
import type { WebRequest } from './web-message.js'

export type Stage = 'anonymous' | 'totp' | 'signed-in'

export interface Session {
  stage: Stage
  /** The token every form must echo (synchroniser token, bound to this session). */
  csrf: string
  userId?: string
  /** When the password was accepted, as a Date. */
  authnAt?: Date
  multiFactor?: boolean
  /** A digest of the password hash they signed in with: a new password ends the session. */
  passwordTag?: string
}

/** How long each stage lasts: a form may wait a while; a sign-in lasts an hour. */
export const STAGE_TTL_SECONDS: Record<Stage, number> = {
  anonymous: 30 * 60,
  totp: 5 * 60,
  'signed-in': 60 * 60,
}

/** What a session remembers of the password it began with (the cookie is sealed besides). */
export const passwordTag = (passwordHash: string): string =>
  createHash('sha256').update(passwordHash).digest('base64url').slice(0, 22)

export const cookieName = (accountId: string, secure: boolean) =>
  secure ? `__Host-rolegate-idp-${accountId}` : `rolegate-idp-${accountId}`

const keyBytes = (cookieKey: string) => new Uint8Array(Buffer.from(cookieKey, 'base64'))

export async function sealSession(
  session: Session,
  cookieKey: string,
  accountId: string,
  now: Date,
): Promise<string> {
  const claims: Record<string, string | number | boolean> = {
    stg: session.stage,
    csrf: session.csrf,
  }
  if (session.authnAt) claims['auth'] = session.authnAt.getTime()
  if (session.multiFactor !== undefined) claims['mfa'] = session.multiFactor
  if (session.passwordTag !== undefined) claims['pwt'] = session.passwordTag
  const seconds = Math.floor(now.getTime() / 1000)
  const jwt = new EncryptJWT(claims)
    .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
    .setAudience(`rolegate-idp/${accountId}`)
    .setIssuedAt(seconds)
    .setExpirationTime(seconds + STAGE_TTL_SECONDS[session.stage])
  if (session.userId !== undefined) jwt.setSubject(session.userId)
  return jwt.encrypt(keyBytes(cookieKey))
}

const STAGES: readonly string[] = ['anonymous', 'totp', 'signed-in']

/** The session the cookie holds; undefined when absent, expired, forged or another account's. */
export async function openSession(
  token: string | undefined,
  cookieKey: string,
  accountId: string,
  now: Date,
): Promise<Session | undefined> {
  if (token === undefined || token.length > 4096) return undefined
  try {
    const { payload } = await jwtDecrypt(token, keyBytes(cookieKey), {
      audience: `rolegate-idp/${accountId}`,
      currentDate: now,
      keyManagementAlgorithms: ['dir'],
      contentEncryptionAlgorithms: ['A256GCM'],
    })
    const stage = payload['stg']
    const csrf = payload['csrf']
    if (typeof stage !== 'string' || !STAGES.includes(stage) || typeof csrf !== 'string') {
      return undefined
    }
    const session: Session = { stage: stage as Stage, csrf }
    if (typeof payload.sub === 'string') session.userId = payload.sub
    if (typeof payload['auth'] === 'number') session.authnAt = new Date(payload['auth'])
    if (typeof payload['mfa'] === 'boolean') session.multiFactor = payload['mfa']
    if (typeof payload['pwt'] === 'string') session.passwordTag = payload['pwt']
    return session
  } catch {
    return undefined
  }
}

/** The value of one cookie the request carries. */
export function readCookie(request: WebRequest, name: string): string | undefined {
  const values = request.headers
    .filter(([key]) => key.toLowerCase() === 'cookie')
    .flatMap(([, value]) => value.split(';'))
  for (const pair of values) {
    const at = pair.indexOf('=')
    if (at > 0 && pair.slice(0, at).trim() === name) return pair.slice(at + 1).trim()
  }
  return undefined
}

export interface CookieOptions {
  name: string
  value: string
  /** Seconds; 0 deletes the cookie. */
  maxAge: number
  secure: boolean
  accountId: string
}

/** The Set-Cookie header: HttpOnly, SameSite=Strict, Secure under TLS (where __Host- needs /). */
export function setCookie(options: CookieOptions): string {
  const path = options.secure ? '/' : `/idp/${options.accountId}/`
  const parts = [
    `${options.name}=${options.value}`,
    `Path=${path}`,
    `Max-Age=${options.maxAge}`,
    'HttpOnly',
    'SameSite=Strict',
  ]
  if (options.secure) parts.push('Secure')
  return parts.join('; ')
}
