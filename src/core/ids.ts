// Identifiers in AWS's shapes. Randomness comes from an injectable IdSource so tests can pin it.
import { randomBytes, randomUUID } from 'node:crypto'

/** Unique-id prefixes AWS uses, by entity kind. */
export const idPrefix = {
  user: 'AIDA',
  role: 'AROA',
  group: 'AGPA',
  policy: 'ANPA',
  accessKey: 'AKIA',
  temporaryKey: 'ASIA',
  instanceProfile: 'AIPA',
  serverCertificate: 'ASCA',
} as const

export type IdKind = keyof typeof idPrefix

export interface IdSource {
  /** A unique id such as `AROA` + 17 characters (access keys: `AKIA` + 16). */
  uniqueId(kind: IdKind): string
  /** A 40-character secret access key. */
  secretKey(): string
  /** A request id in AWS's UUID form. */
  requestId(): string
  /** `size` fresh bytes: the random part of temporary access key ids, AES-GCM nonces. */
  randomBytes(size: number): Buffer
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'

function base32(length: number): string {
  const bytes = randomBytes(length)
  let out = ''
  for (const byte of bytes) out += BASE32[byte & 31]
  return out
}

export const randomIds: IdSource = {
  uniqueId: (kind) => {
    const prefix = idPrefix[kind]
    const rest = kind === 'accessKey' || kind === 'temporaryKey' ? 16 : 17
    return prefix + base32(rest)
  },
  secretKey: () =>
    randomBytes(30).toString('base64').replaceAll('+', 'X').replaceAll('/', 'Y').slice(0, 40),
  requestId: () => randomUUID(),
  randomBytes: (size) => randomBytes(size),
}
