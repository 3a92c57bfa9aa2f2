// Step 3: an enveloped XML signature checked by xml-crypto against trusted certificates only. The
// signature's algorithms are held to an allowlist first (exclusive C14N, RSA with SHA-256 or more;
// SHA-1 only when the server allows it), its one Reference must name the element it sits in, and
// a certificate in its KeyInfo is never used: xml-crypto is told to read none. What this returns
// is the canonical XML xml-crypto verified, the only text later steps read values from.
import { SignedXml } from 'xml-crypto'
import { SIGNATURE_INVALID, SamlRefusal, invalidToken } from './aws-messages.js'
import { XMLDSIG_NS, attribute, childElements, descendants, isElement } from './saml-xml.js'
import type { XmlElement } from './saml-xml.js'

const DSIG = 'http://www.w3.org/2000/09/xmldsig#'
const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#'
const EXC_C14N_COMMENTS = 'http://www.w3.org/2001/10/xml-exc-c14n#WithComments'
const ENVELOPED = `${DSIG}enveloped-signature`
const RSA_SHA1 = `${DSIG}rsa-sha1`
const SHA1 = `${DSIG}sha1`

/** Signature methods accepted; RSA-SHA1 only with allowSha1. */
const SIGNATURE_METHODS = new Set([
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512',
  'http://www.w3.org/2007/05/xmldsig-more#sha256-rsa-MGF1',
])
const DIGEST_METHODS = new Set([
  'http://www.w3.org/2001/04/xmlenc#sha256',
  'http://www.w3.org/2001/04/xmlenc#sha512',
])
const CANONICALIZATIONS = new Set([EXC_C14N, EXC_C14N_COMMENTS])
const TRANSFORMS = new Set([ENVELOPED, EXC_C14N, EXC_C14N_COMMENTS])

/** More transforms than enveloped-signature and one canonicalisation is a sign of tampering. */
export const MAX_TRANSFORMS = 2

export interface SignaturePolicy {
  /** Accept RSA-SHA1 signatures and SHA-1 digests (`--allow-saml-sha1`). */
  allowSha1: boolean
  /** WS-Security ids (`wsu:Id`), for the XML-DSig conformance corpus; SAML never uses them. */
  idMode?: 'wssecurity'
  /**
   * The attributes a Reference URI may name. SAML's is `ID` (saml-core 1.3.4), the default;
   * xml-crypto looks for each in a pass over the document. Duplicates of `Id` and `id` are refused
   * before (parse-response.ts).
   */
  idAttributes?: readonly string[]
}

const refuse = (detail: string) => invalidToken(SIGNATURE_INVALID, 'signature', detail)
const refuseAlgorithm = (detail: string) => invalidToken(SIGNATURE_INVALID, 'algorithm', detail)

const algorithmOf = (element: XmlElement) => attribute(element, 'Algorithm') ?? ''

/**
 * Holds every algorithm named anywhere in the signature to the allowlist, so whichever element
 * xml-crypto reads (it takes the first of each kind below the Signature) is an allowed one.
 */
function checkAlgorithms(signature: XmlElement, policy: SignaturePolicy): void {
  const methods = new Set(SIGNATURE_METHODS)
  const digests = new Set(DIGEST_METHODS)
  if (policy.allowSha1) {
    methods.add(RSA_SHA1)
    digests.add(SHA1)
  }
  for (const element of descendants(signature)) {
    if (element.namespaceURI !== XMLDSIG_NS) continue
    const algorithm = algorithmOf(element)
    switch (element.localName) {
      case 'CanonicalizationMethod':
        if (!CANONICALIZATIONS.has(algorithm)) {
          throw refuseAlgorithm(`canonicalization ${algorithm} is not exclusive C14N`)
        }
        break
      case 'SignatureMethod':
        if (!methods.has(algorithm)) throw refuseAlgorithm(`signature method ${algorithm}`)
        break
      case 'DigestMethod':
        if (!digests.has(algorithm)) throw refuseAlgorithm(`digest method ${algorithm}`)
        break
      case 'Transform':
        if (!TRANSFORMS.has(algorithm)) throw refuseAlgorithm(`transform ${algorithm}`)
        break
      default:
        break
    }
  }
}

/**
 * With `expectedId`, the signature's one Reference, which must name it (the element the signature
 * sits in); without, any References (the XML-DSig corpus). At most MAX_TRANSFORMS transforms each.
 */
function checkReferences(signature: XmlElement, expectedId: string | undefined): void {
  const signedInfo = childElements(signature, XMLDSIG_NS, 'SignedInfo')
  if (signedInfo.length !== 1) throw refuse('a signature needs exactly one SignedInfo')
  const references = childElements(signedInfo[0]!, XMLDSIG_NS, 'Reference')
  if (expectedId !== undefined) {
    if (references.length !== 1) throw refuse('a signature must hold exactly one Reference')
    if (attribute(references[0]!, 'URI') !== `#${expectedId}`) {
      throw refuse(`the signature does not reference the element it is in (#${expectedId})`)
    }
  }
  for (const reference of references) {
    const transforms = childElements(reference, XMLDSIG_NS, 'Transforms').flatMap((t) =>
      childElements(t, XMLDSIG_NS, 'Transform'),
    )
    if (transforms.length > MAX_TRANSFORMS) throw refuse('too many transforms')
  }
}

/** Certificates whose DER the signature's KeyInfo names first: a hint for the order, never trust. */
function hintedFirst(signature: XmlElement, certificates: readonly string[]): readonly string[] {
  if (certificates.length < 2) return certificates
  const named = new Set(
    descendants(signature)
      .filter((e) => isElement(e, XMLDSIG_NS, 'X509Certificate'))
      .map((e) => (e.textContent ?? '').replace(/\s+/g, '')),
  )
  const body = (pem: string) => pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '')
  return [
    ...certificates.filter((pem) => named.has(body(pem))),
    ...certificates.filter((pem) => !named.has(body(pem))),
  ]
}

function verifier(certificate: string, policy: SignaturePolicy): SignedXml {
  const signed = new SignedXml({
    publicCert: certificate,
    // Never a key from the document itself: only the provider's certificates verify.
    getCertFromKeyInfo: () => null,
    ...(policy.idMode === undefined ? {} : { idMode: policy.idMode }),
  })
  signed.idAttributes = [...(policy.idAttributes ?? ['ID'])]
  // The allowlist again, in xml-crypto's own tables: whatever it reads, it can use nothing else.
  const keep = <T>(table: Record<string, T>, allowed: (name: string) => boolean) =>
    Object.fromEntries(Object.entries(table).filter(([name]) => allowed(name))) as Record<string, T>
  signed.SignatureAlgorithms = keep(
    signed.SignatureAlgorithms,
    (name) => SIGNATURE_METHODS.has(name) || (policy.allowSha1 && name === RSA_SHA1),
  )
  signed.HashAlgorithms = keep(
    signed.HashAlgorithms,
    (name) => DIGEST_METHODS.has(name) || (policy.allowSha1 && name === SHA1),
  )
  return signed
}

/**
 * Verifies `signature` over the document `xml` with one of `certificates` (PEM) and returns the
 * canonical XML of what it covers, as xml-crypto computed and verified it: one element when
 * `expectedId` names the element the signature must cover (undefined: whatever its References
 * name, for the XML-DSig corpus). Throws SamlRefusal otherwise.
 */
export function checkSignature(
  xml: string,
  signature: XmlElement,
  expectedId: string | undefined,
  certificates: readonly string[],
  policy: SignaturePolicy,
): string[] {
  checkAlgorithms(signature, policy)
  checkReferences(signature, expectedId)
  let reason = 'no trusted certificate'
  for (const certificate of hintedFirst(signature, certificates)) {
    const signed = verifier(certificate, policy)
    try {
      signed.loadSignature(signature as unknown as Parameters<SignedXml['loadSignature']>[0])
      // A digest that does not match is the document's fault: no other key can mend it.
      if (!signed.checkSignature(xml)) throw refuse('a digest does not match')
    } catch (error) {
      if (error instanceof SamlRefusal) throw error
      reason = error instanceof Error ? error.message : String(error)
      // Only a wrong signature value may be another trusted key's: anything else is final.
      if (reason.startsWith('invalid signature: the signature value')) continue
      throw refuse(reason)
    }
    return signed.getSignedReferences()
  }
  throw refuse(reason)
}
