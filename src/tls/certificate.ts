// Writes X.509 v3 certificates (RFC 5280) with node:crypto keys and signatures: a local CA and
// server certificates it signs. ECDSA P-256 with SHA-256, extensions as strict verifiers want
// them (critical basicConstraints and keyUsage, key identifiers, serverAuth, SANs).
import { Buffer } from 'node:buffer'
import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto'
import type { KeyObject } from 'node:crypto'
import { isIP } from 'node:net'
import {
  bitString,
  boolean,
  explicit,
  implicitPrimitive,
  integer,
  namedBits,
  octetString,
  oid,
  sequence,
  set,
  time,
  utf8String,
} from './der.js'

const OID = {
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
} as const

/** KeyUsage bit numbers. */
const KEY_USAGE = { digitalSignature: 0, keyCertSign: 5, cRLSign: 6 } as const

export interface KeyPair {
  privateKey: KeyObject
  publicKey: KeyObject
}

export interface CertificateSubject {
  commonName: string
  organization?: string
}

export interface IssuedCertificate {
  /** PEM `CERTIFICATE`. */
  pem: string
  der: Buffer
  keys: KeyPair
  subject: CertificateSubject
}

export const generateCertificateKey = (): KeyPair =>
  generateKeyPairSync('ec', { namedCurve: 'P-256' })

function name(subject: CertificateSubject): Buffer {
  const rdn = (type: string, value: string) => set(sequence(oid(type), utf8String(value)))
  return sequence(
    ...(subject.organization === undefined ? [] : [rdn(OID.organization, subject.organization)]),
    rdn(OID.commonName, subject.commonName),
  )
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return sequence(oid(id), ...(critical ? [boolean(true)] : []), octetString(value))
}

/** RFC 5280 4.2.1.2 method 1: SHA-1 of the subjectPublicKey bits. */
function keyIdentifier(publicKey: KeyObject): Buffer {
  const spki = publicKey.export({ type: 'spki', format: 'der' })
  // The key bits are the SPKI's trailing BIT STRING; for P-256 the uncompressed point is 65 bytes.
  return createHash('sha1')
    .update(spki.subarray(spki.length - 65))
    .digest()
}

function ipBytes(address: string): Buffer {
  if (isIP(address) === 4) return Buffer.from(address.split('.').map(Number))
  // Expand IPv6 (with `::`) to 16 bytes.
  const [head = '', tail = ''] = address.split('::')
  const parts = (text: string) => (text === '' ? [] : text.split(':'))
  const left = parts(head)
  const right = address.includes('::') ? parts(tail) : []
  const groups = [...left, ...Array(8 - left.length - right.length).fill('0'), ...right]
  return Buffer.concat(groups.map((group) => Buffer.from(group.padStart(4, '0'), 'hex')))
}

function subjectAltNames(names: readonly string[]): Buffer {
  return sequence(
    ...names.map((entry) =>
      isIP(entry)
        ? implicitPrimitive(7, ipBytes(entry))
        : implicitPrimitive(2, Buffer.from(entry, 'ascii')),
    ),
  )
}

const pem = (der: Buffer) =>
  `-----BEGIN CERTIFICATE-----\n${der
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`

interface CertificateRequest {
  subject: CertificateSubject
  issuer: CertificateSubject
  subjectKey: KeyObject
  /** The key that signs: the issuer's (the subject's own for a self-signed CA). */
  signingKey: KeyObject
  notBefore: Date
  notAfter: Date
  extensions: Buffer[]
}

function writeCertificate(request: CertificateRequest): Buffer {
  const algorithm = sequence(oid(OID.ecdsaWithSha256))
  // A positive 127-bit serial: random enough that no two certificates of this CA share one.
  const serial = randomBytes(16)
  serial[0] = (serial[0] ?? 0) & 0x7f
  const tbs = sequence(
    explicit(0, integer(2)),
    integer(serial),
    algorithm,
    name(request.issuer),
    sequence(time(request.notBefore), time(request.notAfter)),
    name(request.subject),
    request.subjectKey.export({ type: 'spki', format: 'der' }),
    explicit(3, sequence(...request.extensions)),
  )
  const signature = sign('sha256', tbs, request.signingKey)
  return sequence(tbs, algorithm, bitString(signature))
}

export interface CaOptions {
  commonName?: string
  now: Date
  /** Default 10 years. */
  days?: number
}

const DAY_MS = 24 * 60 * 60 * 1000
/** Certificates start a little in the past, so a client whose clock lags still accepts them. */
const BACKDATE_MS = 5 * 60 * 1000

/** A self-signed CA that may sign server certificates (path length 0). */
export function createCertificateAuthority(options: CaOptions): IssuedCertificate {
  const keys = generateCertificateKey()
  // A name of its own, so CAs of several rolegate installations are told apart by name too.
  const subject = {
    organization: 'rolegate',
    commonName: options.commonName ?? `rolegate local CA ${randomBytes(4).toString('hex')}`,
  }
  const id = keyIdentifier(keys.publicKey)
  const der = writeCertificate({
    subject,
    issuer: subject,
    subjectKey: keys.publicKey,
    signingKey: keys.privateKey,
    notBefore: new Date(options.now.getTime() - BACKDATE_MS),
    notAfter: new Date(options.now.getTime() + (options.days ?? 3650) * DAY_MS),
    extensions: [
      extension(OID.basicConstraints, true, sequence(boolean(true), integer(0))),
      extension(
        OID.keyUsage,
        true,
        namedBits([KEY_USAGE.digitalSignature, KEY_USAGE.keyCertSign, KEY_USAGE.cRLSign]),
      ),
      extension(OID.subjectKeyIdentifier, false, octetString(id)),
    ],
  })
  return { pem: pem(der), der, keys, subject }
}

export interface ServerCertificateOptions {
  ca: { subject: CertificateSubject; keys: KeyPair }
  /** DNS names and IP addresses; the first is the common name. */
  names: readonly string[]
  now: Date
  /** Default 365 days. */
  days?: number
}

/** A server certificate for `names`, signed by the CA. */
export function createServerCertificate(options: ServerCertificateOptions): IssuedCertificate {
  const [first] = options.names
  if (first === undefined) throw new Error('a server certificate needs at least one name')
  const keys = generateCertificateKey()
  const subject = { organization: 'rolegate', commonName: first }
  const der = writeCertificate({
    subject,
    issuer: options.ca.subject,
    subjectKey: keys.publicKey,
    signingKey: options.ca.keys.privateKey,
    notBefore: new Date(options.now.getTime() - BACKDATE_MS),
    notAfter: new Date(options.now.getTime() + (options.days ?? 365) * DAY_MS),
    extensions: [
      extension(OID.basicConstraints, true, sequence()),
      extension(OID.keyUsage, true, namedBits([KEY_USAGE.digitalSignature])),
      extension(OID.extKeyUsage, false, sequence(oid(OID.serverAuth))),
      extension(OID.subjectAltName, false, subjectAltNames(options.names)),
      extension(OID.subjectKeyIdentifier, false, octetString(keyIdentifier(keys.publicKey))),
      extension(
        OID.authorityKeyIdentifier,
        false,
        sequence(implicitPrimitive(0, keyIdentifier(options.ca.keys.publicKey))),
      ),
    ],
  })
  return { pem: pem(der), der, keys, subject }
}
