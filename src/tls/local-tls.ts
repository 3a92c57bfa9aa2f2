// `rolegate serve --tls` without a certificate of one's own: a local CA made once in the data
// directory (ca.pem; its key ca-key.pem readable by the owner only) and a server certificate it
// signs for the server's names, reissued when the names change or expiry nears.
import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto'
import type { KeyObject } from 'node:crypto'
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises'
import { isIP } from 'node:net'
import { join } from 'node:path'

export const CA_FILE = 'ca.pem'
export const CA_KEY_FILE = 'ca-key.pem'
export const SERVER_CERT_FILE = 'server.pem'
export const SERVER_KEY_FILE = 'server-key.pem'

/** A server certificate is reissued when it has less than this left. */
const RENEW_BEFORE_MS = 30 * 24 * 60 * 60 * 1000

export interface LocalTls {
  /** The CA certificate clients trust: AWS_CA_BUNDLE. */
  caFile: string
  certFile: string
  keyFile: string
  /** PEM, for the server. */
  cert: string
  key: string
  /** What this call created: nothing on a restart over a current certificate. */
  created: { ca: boolean; certificate: boolean }
}

/** The names every local certificate carries, then the host and public URL's host when specific. */
export function certificateNames(host: string, publicUrl?: string): string[] {
  const names = ['localhost', '127.0.0.1', '::1']
  const extra = [host, publicUrl === undefined ? '' : new URL(publicUrl).hostname]
  for (const raw of extra) {
    const name = raw.replace(/^\[(.*)\]$/, '$1').toLowerCase()
    if (name === '' || name === '0.0.0.0' || name === '::') continue
    if (!names.includes(name)) names.push(name)
  }
  return names
}

const readText = (file: string) => readFile(file, 'utf8').catch(() => undefined)

async function writePrivate(file: string, content: string): Promise<void> {
  await writeFile(file, content, { mode: 0o600 })
  // The mode applies only to a new file; an older one may be wider.
  await chmod(file, 0o600)
}

const privatePem = (key: KeyObject) => key.export({ type: 'pkcs8', format: 'pem' }).toString()

// The certificate writer and its library load only when a certificate must be made.
const issuer = () => import('./certificate.js')

function covers(certificate: X509Certificate, names: readonly string[]): boolean {
  return names.every((name) =>
    isIP(name)
      ? certificate.checkIP(name) !== undefined
      : certificate.checkHost(name) !== undefined,
  )
}

/** Makes (or reuses) the CA and a server certificate for `names` in `dir`. */
export async function ensureLocalTls(
  dir: string,
  names: readonly string[],
  now: Date,
): Promise<LocalTls> {
  await mkdir(dir, { recursive: true })
  const caFile = join(dir, CA_FILE)
  const caKeyFile = join(dir, CA_KEY_FILE)
  const certFile = join(dir, SERVER_CERT_FILE)
  const keyFile = join(dir, SERVER_KEY_FILE)
  const created = { ca: false, certificate: false }

  let caPem = await readText(caFile)
  let caKeyPem = await readText(caKeyFile)
  if (caPem === undefined || caKeyPem === undefined) {
    const ca = await (await issuer()).createCertificateAuthority({ now })
    caPem = ca.pem
    caKeyPem = privatePem(ca.keys.privateKey)
    // The key first: a CA certificate on disk without its key would be reused half-made.
    await writePrivate(caKeyFile, caKeyPem)
    await writeFile(caFile, caPem)
    created.ca = true
  }
  const caCertificate = new X509Certificate(caPem)

  let cert = await readText(certFile)
  let key = await readText(keyFile)
  const current = cert === undefined ? undefined : new X509Certificate(cert)
  const usable =
    current !== undefined &&
    key !== undefined &&
    !created.ca &&
    current.checkIssued(caCertificate) &&
    current.verify(caCertificate.publicKey) &&
    new Date(current.validTo).getTime() - now.getTime() > RENEW_BEFORE_MS &&
    covers(current, names)
  if (!usable || cert === undefined || key === undefined) {
    const ca = {
      pem: caPem,
      keys: { privateKey: createPrivateKey(caKeyPem), publicKey: createPublicKey(caPem) },
    }
    const issued = await (await issuer()).createServerCertificate({ ca, names, now })
    cert = issued.pem
    key = privatePem(issued.keys.privateKey)
    await writePrivate(keyFile, key)
    await writeFile(certFile, cert)
    created.certificate = true
  }
  return { caFile, certFile, keyFile, cert, key, created }
}
