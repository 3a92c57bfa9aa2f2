// The self-signed X.509 certificate an IdP signing key is published as (SAML metadata carries keys
// as certificates): RSA-2048 with SHA-256, made with @peculiar/x509 over node's WebCrypto.
// @peculiar/x509 resolves its helpers through tsyringe, which needs the Reflect metadata API first.
import 'reflect-metadata'
import * as x509 from '@peculiar/x509'
import { KeyObject, webcrypto } from 'node:crypto'

x509.cryptoProvider.set(webcrypto)

const KEY_ALGORITHM = {
  name: 'RSASSA-PKCS1-v1_5',
  modulusLength: 2048,
  publicExponent: new Uint8Array([1, 0, 1]),
  hash: 'SHA-256',
} as const

/** SAML verifiers do not chain an IdP's certificate to anything, and AWS ignores its dates. */
const VALIDITY_DAYS = 3650
const DAY_MS = 24 * 60 * 60 * 1000
const BACKDATE_MS = 5 * 60 * 1000

export interface CertifiedKey {
  /** PKCS#8 PEM. */
  privateKey: string
  /** PEM `CERTIFICATE`. */
  certificate: string
}

export async function createSigningCertificate(
  commonName: string,
  serial: Uint8Array,
  now: Date,
): Promise<CertifiedKey> {
  const keys = await webcrypto.subtle.generateKey(KEY_ALGORITHM, true, ['sign', 'verify'])
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: Buffer.from(serial).toString('hex'),
    name: [{ O: ['rolegate'] }, { CN: [commonName] }],
    keys,
    signingAlgorithm: KEY_ALGORITHM,
    notBefore: new Date(now.getTime() - BACKDATE_MS),
    notAfter: new Date(now.getTime() + VALIDITY_DAYS * DAY_MS),
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  })
  return {
    privateKey: KeyObject.from(keys.privateKey).export({ type: 'pkcs8', format: 'pem' }).toString(),
    certificate: certificate.toString('pem'),
  }
}
