// Issues X.509 v3 certificates (RFC 5280) with @peculiar/x509 over node's WebCrypto: a local CA
// and the server certificates it signs, ECDSA P-256 with SHA-256 and the extensions strict
// verifiers want (critical basicConstraints and keyUsage, key identifiers, serverAuth, SANs).
// @peculiar/x509 resolves its helpers through tsyringe, which needs the Reflect metadata API first.
import 'reflect-metadata'
import * as x509 from '@peculiar/x509'
import { KeyObject, randomBytes, webcrypto } from 'node:crypto'
import { isIP } from 'node:net'

// The library finds WebCrypto through its provider; node's own, set where certificates are made.
x509.cryptoProvider.set(webcrypto)

const KEY_ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' } as const
const SIGNING_ALGORITHM = { name: 'ECDSA', hash: 'SHA-256' } as const

export interface KeyPair {
  privateKey: KeyObject
  publicKey: KeyObject
}

export interface IssuedCertificate {
  /** PEM `CERTIFICATE`. */
  pem: string
  keys: KeyPair
}

interface WebKeys {
  privateKey: webcrypto.CryptoKey
  publicKey: webcrypto.CryptoKey
}

async function generateKeys(): Promise<{ web: WebKeys; keys: KeyPair }> {
  const web = await webcrypto.subtle.generateKey(KEY_ALGORITHM, true, ['sign', 'verify'])
  return {
    web,
    keys: { privateKey: KeyObject.from(web.privateKey), publicKey: KeyObject.from(web.publicKey) },
  }
}

/** The CA's key as WebCrypto wants it; keys live on disk as node's PKCS#8 PEM. */
const signingKey = (key: KeyObject): Promise<webcrypto.CryptoKey> =>
  webcrypto.subtle.importKey(
    'pkcs8',
    key.export({ type: 'pkcs8', format: 'der' }),
    KEY_ALGORITHM,
    false,
    ['sign'],
  )

/**
 * An iPAddress SAN value as the library's parser reads it. RFC 5280 4.2.1.6 wants exactly four
 * octets for IPv4 and sixteen for IPv6; `::ffff:127.0.0.1` is an IPv6 (IPv4-mapped) address, so
 * sixteen. The library reads each IPv6 group as hex and misreads an embedded dotted quad, so IPv6
 * goes through the WHATWG URL serialiser first, which writes it as hex groups only.
 */
function ipAddressValue(address: string): string {
  if (isIP(address) === 4) return address
  let host: string
  try {
    host = new URL(`http://[${address}]/`).hostname
  } catch {
    throw new Error(`'${address}' cannot be a certificate's IP address`)
  }
  return host.slice(1, -1)
}

const subjectAltName = (name: string): x509.JsonGeneralName =>
  isIP(name) === 0 ? { type: 'dns', value: name } : { type: 'ip', value: ipAddressValue(name) }

export interface CaOptions {
  commonName?: string
  now: Date
  /** Default 10 years. */
  days?: number
}

const DAY_MS = 24 * 60 * 60 * 1000
/** Certificates start a little in the past, so a client whose clock lags still accepts them. */
const BACKDATE_MS = 5 * 60 * 1000

const validity = (now: Date, days: number) => ({
  notBefore: new Date(now.getTime() - BACKDATE_MS),
  notAfter: new Date(now.getTime() + days * DAY_MS),
})

/** A self-signed CA that may sign server certificates (path length 0). */
export async function createCertificateAuthority(options: CaOptions): Promise<IssuedCertificate> {
  const { web, keys } = await generateKeys()
  // A name of its own, so CAs of several rolegate installations are told apart by name too.
  const commonName = options.commonName ?? `rolegate local CA ${randomBytes(4).toString('hex')}`
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    name: [{ O: ['rolegate'] }, { CN: [commonName] }],
    keys: web,
    signingAlgorithm: SIGNING_ALGORITHM,
    ...validity(options.now, options.days ?? 3650),
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.digitalSignature |
          x509.KeyUsageFlags.keyCertSign |
          x509.KeyUsageFlags.cRLSign,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(web.publicKey),
    ],
  })
  return { pem: certificate.toString('pem'), keys }
}

export interface ServerCertificateOptions {
  /** The CA's certificate (PEM) and keys. */
  ca: { pem: string; keys: KeyPair }
  /** DNS names and IP addresses; the first is the common name. */
  names: readonly string[]
  now: Date
  /** Default 365 days. */
  days?: number
}

/** A server certificate for `names`, signed by the CA. */
export async function createServerCertificate(
  options: ServerCertificateOptions,
): Promise<IssuedCertificate> {
  const [first] = options.names
  if (first === undefined) throw new Error('a server certificate needs at least one name')
  const ca = new x509.X509Certificate(options.ca.pem)
  // The authority key identifier repeats the CA's own subject key identifier, however made.
  const caKeyId =
    ca.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId ??
    (await x509.SubjectKeyIdentifierExtension.create(ca.publicKey)).keyId
  const { web, keys } = await generateKeys()
  const certificate = await x509.X509CertificateGenerator.create({
    subject: [{ O: ['rolegate'] }, { CN: [first] }],
    issuer: ca.subjectName,
    publicKey: web.publicKey,
    signingKey: await signingKey(options.ca.keys.privateKey),
    signingAlgorithm: SIGNING_ALGORITHM,
    ...validity(options.now, options.days ?? 365),
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(options.names.map(subjectAltName)),
      await x509.SubjectKeyIdentifierExtension.create(web.publicKey),
      new x509.AuthorityKeyIdentifierExtension(caKeyId),
    ],
  })
  return { pem: certificate.toString('pem'), keys }
}
