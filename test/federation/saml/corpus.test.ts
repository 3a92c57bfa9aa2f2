// Every file of ../shared/corpora/saml gets the verdict its expectations.json gives, run through
// rolegate's verifier: node-saml's signed responses (whole-response validation), xml-crypto's
// XML-DSig cases (the signature step alone) and ruby-saml's responses that each break one rule.
// Besides the verdict, each refusal must come from the rule the file was built to break (the
// refusal's `rule`), so a file cannot pass by failing for an unrelated reason. The corpora are old
// and mostly SHA-1: SHA-1 is allowed here; the last tests show the default refuses it.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { inflateRawSync } from 'node:zlib'
import { describe, test } from 'node:test'
import { SamlRefusal } from '../../../src/federation/saml/aws-messages.js'
import type { SamlRule } from '../../../src/federation/saml/aws-messages.js'
import { checkSignature } from '../../../src/federation/saml/check-signature.js'
import { parseSamlResponse } from '../../../src/federation/saml/parse-response.js'
import { readAssertion } from '../../../src/federation/saml/read-assertion.js'
import {
  XMLDSIG_NS,
  descendants,
  isElement,
  parseXml,
} from '../../../src/federation/saml/saml-xml.js'
import type { XmlElement } from '../../../src/federation/saml/saml-xml.js'
import { verifySamlResponse } from '../../../src/federation/saml/verify-saml-response.js'
import type { SamlVerificationOptions } from '../../../src/federation/saml/verify-saml-response.js'
import { corpus } from '../../support/requirements.js'

const root = corpus('saml')
const read = (relative: string) => readFileSync(join(root.path, relative), 'utf8')
const json = <T>(relative: string) => JSON.parse(read(relative)) as T

/** Runs `fn` and returns the rule that refused it, or 'accepted'. */
function verdict(fn: () => unknown): SamlRule | 'accepted' {
  try {
    fn()
    return 'accepted'
  } catch (error) {
    if (error instanceof SamlRefusal) return error.rule
    throw error
  }
}

function refusal(fn: () => unknown): SamlRefusal {
  try {
    fn()
  } catch (error) {
    if (error instanceof SamlRefusal) return error
    throw error
  }
  assert.fail('expected a refusal')
}

// What a response says of itself, for the settings under which only the rule under test fails
// (the corpus README: ACS URL = Destination, audience = the document's, IdP = the Issuer).
const first = (xml: string, pattern: RegExp) => pattern.exec(xml)?.[1]?.trim()
const destinationOf = (xml: string) =>
  first(xml, /<(?:\w+:)?Response\b[^>]*\sDestination="([^"]*)"/)
const audiencesOf = (xml: string) =>
  [...xml.matchAll(/<(?:\w+:)?Audience>([^<]*)</g)].map((m) => m[1]!.trim())
const assertionPart = (xml: string) => xml.slice(xml.search(/<(?:\w+:)?Assertion[\s>]/))
const issuerOf = (xml: string) =>
  first(assertionPart(xml), /<(?:\w+:)?Issuer[^>]*>([^<]*)</) ??
  first(xml, /<(?:\w+:)?Issuer[^>]*>([^<]*)</)
const issueInstantOf = (xml: string) =>
  new Date(first(assertionPart(xml), /\sIssueInstant="([^"]*)"/) ?? Date.now())

const base64 = (xml: string) => Buffer.from(xml, 'utf8').toString('base64')

describe(
  'node-saml: signed responses, root and assertion signatures, Advice',
  {
    skip: root.skip,
  },
  () => {
    interface NodeSamlCase {
      name: string
      file: string
      options: {
        wantAuthnResponseSigned?: boolean
        wantAssertionsSigned?: boolean
        idpCert?: string
        transform?: string
        decryptionPvk?: string
      }
      clock: string | null
      expect: 'ok' | 'error'
      errorMessage: string | null
    }
    const { cases } = root.skip
      ? { cases: [] }
      : json<{ cases: NodeSamlCase[] }>('node-saml/expectations.json')
    const certificate = root.skip ? '' : read('node-saml/cert.pem')
    const publicKey = root.skip ? '' : read('node-saml/pub.pem')

    for (const c of cases) {
      test(`${c.name}: ${c.expect === 'ok' ? 'accepted' : `refused (${c.errorMessage})`}`, () => {
        let xml = read(join('node-saml', c.file))
        if (c.options.transform?.includes('\\r\\n')) xml = xml.replace(/\n/g, '\r\n')
        else if (c.options.transform?.includes('\\r')) xml = xml.replace(/\n/g, '\r')
        const options: SamlVerificationOptions = {
          certificates: [c.options.idpCert?.startsWith('pub.pem') ? publicKey : certificate],
          entityId: issuerOf(xml) ?? '',
          recipients: [destinationOf(xml) ?? ''],
          audiences: [],
          // node-saml's harness checks no audience (`audience: false`), and its files carry none.
          checkAudience: false,
          now: new Date(c.clock ?? Date.now()),
          clockSkewSeconds: 0,
          allowSha1: true,
          requireSignedResponse: c.options.wantAuthnResponseSigned ?? true,
          requireSignedAssertion: c.options.wantAssertionsSigned ?? true,
        }
        if (c.expect === 'ok') {
          assert.equal(
            verdict(() => verifySamlResponse(base64(xml), options)),
            'accepted',
          )
          return
        }
        // The reason's class: malformed XML, encryption (rolegate holds no SP key), too many
        // transforms, or a signature that does not verify, is missing, or stands where none may
        // (several of these files add theirs after the assertion, where the schema has no place).
        const { rule, detail } = refusal(() => verifySamlResponse(base64(xml), options))
        if (c.errorMessage?.startsWith('[xmldom error]')) {
          assert.equal(rule, 'xml')
        } else if (c.options.decryptionPvk !== undefined) {
          assert.deepEqual([rule, detail], ['structure', 'encrypted assertions are not accepted'])
        } else if (c.errorMessage?.includes('too many transforms')) {
          assert.deepEqual([rule, detail], ['signature', 'too many transforms'])
        } else {
          assert.ok(
            rule === 'signature' || (rule === 'structure' && /signature/.test(detail)),
            `${rule}: ${detail}`,
          )
        }
      })
    }
  },
)

describe('xml-crypto: XML-DSig verification alone', { skip: root.skip }, () => {
  interface XmlCryptoCase {
    file: string
    cert: string
    signature: string
    idMode?: string
    expect: 'valid' | 'invalid' | 'throws' | 'throws on load'
    test: string
  }
  const { cases } = root.skip
    ? { cases: [] }
    : json<{ cases: XmlCryptoCase[] }>('xml-crypto/expectations.json')

  /** The signature each case names by an XPath, found by walking the document. */
  function locate(document: XmlElement, where: string): XmlElement {
    const signatures = (from: XmlElement) =>
      descendants(from).filter((e) => isElement(e, XMLDSIG_NS, 'Signature'))
    if (where.startsWith('/*/*')) {
      return signatures(document).find((s) => s.parentNode === document)!
    }
    if (where.startsWith('//*//*')) {
      return signatures(document).find((s) => s.parentNode !== document.ownerDocument)!
    }
    if (where.includes('inside the first saml:Assertion') || where.includes("'Assertion'][1]")) {
      const assertion = descendants(document).find((e) => e.localName === 'Assertion')!
      return signatures(assertion)[0]!
    }
    return (
      (isElement(document, XMLDSIG_NS, 'Signature') ? document : undefined) ??
      signatures(document)[0]!
    )
  }

  for (const c of cases) {
    test(`${c.file}: ${c.expect} (${c.test})`, () => {
      const xml = read(join('xml-crypto', c.file))
      const document = parseXml(xml, { maxDepth: 64 }).documentElement!
      const signature = locate(document, c.signature)
      assert.ok(signature, 'the case names a signature')
      const rule = verdict(() =>
        checkSignature(xml, signature, undefined, [read(join('xml-crypto', c.cert))], {
          allowSha1: true,
          // xml-crypto's own ID attributes, and WS-Security ids where the case asks for them.
          idAttributes: ['Id', 'ID', 'id'],
          ...(c.idMode === 'wssecurity' ? { idMode: 'wssecurity' as const } : {}),
        }),
      )
      assert.equal(rule, c.expect === 'valid' ? 'accepted' : 'signature')
    })
  }
})

describe('ruby-saml: responses that each break one rule', { skip: root.skip }, () => {
  interface RubyCase {
    file: string
    encoding: string
    signedBy: { certFile: string } | null
    expectedError: string | string[]
    settingsInTest?: Record<string, unknown>
    acceptedWhen?: string
  }
  const { cases } = root.skip
    ? { cases: [] }
    : json<{ cases: RubyCase[] }>('ruby-saml/expectations.json')

  /**
   * The rule each file must be refused by. A file that carries no valid signature (unsigned, or
   * edited after signing) is refused by the signature step, before the rule it was built for: its
   * intended defect is unreachable without a signature, which is the point.
   */
  const expectations: Record<
    string,
    {
      rule: SamlRule | 'accepted'
      /** Accept the Recipient as well as the Destination (the file's Recipient is not its defect). */
      recipient?: boolean
      /** The NameID's SPNameQualifier is the defect, so it is no audience of ours. */
      spNameQualifierIsTheDefect?: boolean
      audiences?: string[]
      /** Settings under which the same file is accepted, proving the rule was the reason. */
      acceptedWith?: Partial<SamlVerificationOptions>
    }
  > = {
    'invalids/duplicated_attributes.xml.base64': { rule: 'attributes' },
    'invalids/empty_destination.xml.base64': { rule: 'destination' },
    'invalids/empty_nameid.xml.base64': { rule: 'name-id' },
    'invalids/encrypted_new_attack.xml.base64': { rule: 'structure' },
    'invalids/invalid_audience.xml.base64': {
      rule: 'audience',
      audiences: ['https://invalid.example.com/audience'],
      acceptedWith: { audiences: ['http://invalid.audience.com'] },
    },
    'invalids/invalid_issuer_assertion.xml.base64': { rule: 'issuer' },
    'invalids/invalid_issuer_message.xml.base64': { rule: 'issuer' },
    // No schema validation here: the signature after the Assertion is no fault of the signature,
    // and the file's Recipient ('recipient') is not its Destination.
    'invalids/invalid_signature_position.xml.base64': { rule: 'recipient' },
    'invalids/invalid_subjectconfirmation_inresponse.xml.base64': { rule: 'in-response-to' },
    'invalids/invalid_subjectconfirmation_nb.xml.base64': {
      rule: 'not-yet-valid',
      recipient: true,
    },
    'invalids/invalid_subjectconfirmation_noa.xml.base64': { rule: 'expired', recipient: true },
    'invalids/invalid_subjectconfirmation_recipient.xml.base64': {
      rule: 'recipient',
      acceptedWith: { recipients: ['http://invalid.recipent.example.com'] },
    },
    'invalids/multiple_assertions.xml.base64': { rule: 'structure' },
    'invalids/multiple_signed.xml.base64': { rule: 'structure' },
    'invalids/no_authnstatement.xml.base64': { rule: 'authn-statement' },
    'invalids/no_conditions.xml.base64': { rule: 'audience' },
    'invalids/no_id.xml.base64': { rule: 'id' },
    'invalids/no_issuer_assertion.xml.base64': { rule: 'issuer' },
    'invalids/no_issuer_response.xml.base64': { rule: 'issuer' },
    'invalids/no_nameid.xml.base64': { rule: 'signature' },
    'invalids/no_saml2.xml.base64': { rule: 'structure' },
    'invalids/no_signature.xml.base64': { rule: 'signature' },
    // Edited after signing, and without a Response Issuer, which is refused first.
    'invalids/no_status.xml.base64': { rule: 'issuer' },
    'invalids/no_status_code.xml.base64': { rule: 'issuer' },
    'invalids/no_subjectconfirmation_data.xml.base64': { rule: 'subject-confirmation' },
    'invalids/no_subjectconfirmation_method.xml.base64': { rule: 'subject-confirmation' },
    'invalids/response_invalid_signed_element.xml.base64': { rule: 'structure' },
    'invalids/response_with_concealed_signed_assertion.xml': { rule: 'structure' },
    'invalids/response_with_doubled_signed_assertion.xml': { rule: 'structure' },
    'invalids/signature_wrapping_attack.xml.base64': { rule: 'id' },
    'invalids/status_code_responder.xml.base64': { rule: 'status' },
    'invalids/status_code_responer_and_msg.xml.base64': { rule: 'status' },
    'invalids/wrong_spnamequalifier.xml.base64': {
      rule: 'name-id',
      spNameQualifierIsTheDefect: true,
      acceptedWith: { audiences: ['wrong-sp-entityid'] },
    },
    // Unsigned, with a garbage certificate and no Response Issuer: refused; its text is checked
    // below.
    'response_node_text_attack.xml.base64': { rule: 'issuer' },
    'response_node_text_attack2.xml.base64': { rule: 'accepted', recipient: true },
    'response_node_text_attack3.xml.base64': { rule: 'signature' },
  }

  function decode(c: RubyCase): string {
    const raw = read(join('ruby-saml', c.file))
    if (c.encoding.startsWith('xml')) return raw
    const bytes = Buffer.from(raw.replace(/\s+/g, ''), 'base64')
    // HTTP-Redirect style (ruby-saml inflates what is not XML); AWS takes only the POST form.
    return (c.encoding.includes('DEFLATE') ? inflateRawSync(bytes) : bytes).toString('utf8')
  }

  function optionsFor(c: RubyCase, xml: string): SamlVerificationOptions {
    const expected = expectations[c.file]!
    const entityId = c.settingsInTest?.['settings.idp_entity_id']
    const destination = destinationOf(xml) ?? ''
    const recipient = first(xml, /\sRecipient="([^"]*)"/)
    // ruby-saml compares SPNameQualifier only with an SP entity id it is given; this verifier
    // always does, so the document's own is one of ours unless it is the file's defect.
    const spNameQualifiers = expected.spNameQualifierIsTheDefect
      ? []
      : [...xml.matchAll(/\sSPNameQualifier="([^"]*)"/g)].map((m) => m[1]!)
    return {
      certificates: [
        read(join('ruby-saml', c.signedBy?.certFile ?? 'certificates/embedded-afe71c28.pem')),
      ],
      entityId: typeof entityId === 'string' ? entityId : (issuerOf(xml) ?? ''),
      // An empty Destination is the defect of one file: its Recipient is then the ACS URL.
      recipients: [
        destination === '' ? (recipient ?? '') : destination,
        ...(expected.recipient && recipient ? [recipient] : []),
      ],
      audiences: [...(expected.audiences ?? audiencesOf(xml)), ...spNameQualifiers],
      // ruby-saml does not freeze its clock; this does, just after the IssueInstant.
      now: new Date(issueInstantOf(xml).getTime() + 30_000),
      allowSha1: true,
    }
  }

  test('every file of the corpus has its expected rule here', () => {
    assert.deepEqual(cases.map((c) => c.file).sort(), Object.keys(expectations).sort())
  })

  for (const c of cases) {
    const expected = expectations[c.file]
    test(`${c.file}: ${expected?.rule === 'accepted' ? 'accepted' : `refused by ${expected?.rule}`}`, () => {
      assert.ok(expected, 'the file has an expectation')
      const xml = decode(c)
      const options = optionsFor(c, xml)
      assert.equal(
        verdict(() => verifySamlResponse(base64(xml), options)),
        expected.rule,
      )
      if (expected.acceptedWith) {
        const relaxed = {
          ...options,
          ...expected.acceptedWith,
          audiences: [...options.audiences, ...(expected.acceptedWith.audiences ?? [])],
          recipients: [...options.recipients, ...(expected.acceptedWith.recipients ?? [])],
        }
        assert.equal(
          verdict(() => verifySamlResponse(base64(xml), relaxed)),
          'accepted',
        )
      }
    })
  }

  test('comment injection: the whole text is read, never the part before a comment', () => {
    const attack = decode(cases.find((c) => c.file === 'response_node_text_attack.xml.base64')!)
    const facts = readAssertion(parseSamlResponse(attack).assertion)
    assert.equal(facts.nameId?.value, 'support@onelogin.com')
    const surname = facts.attributes.find((a) => /surname/i.test(a.name))
    assert.deepEqual(surname?.values, ['smith'])

    const signed = cases.find((c) => c.file === 'response_node_text_attack2.xml.base64')!
    const xml = decode(signed)
    const verified = verifySamlResponse(base64(xml), optionsFor(signed, xml))
    assert.equal(verified.subject, 'test@onelogin.com')
  })

  test('the default policy refuses these SHA-1 signatures', () => {
    const signed = cases.find((c) => c.file === 'response_node_text_attack2.xml.base64')!
    const xml = decode(signed)
    const refused = refusal(() =>
      verifySamlResponse(base64(xml), { ...optionsFor(signed, xml), allowSha1: false }),
    )
    assert.equal(refused.rule, 'algorithm')
    assert.equal(refused.message, 'Response signature invalid')
  })
})
