// The verification half of AssumeRoleWithSAML: find the IAM SAML provider PrincipalArn names, verify
// the response against its metadata (verify-saml-response), then read what AWS reads (attributes,
// condition keys, NameQualifier). The Role pair, the issuance window, the trust policy, the replay
// record and credentials come after, in the STS operation.
import {
  PROVIDER_DOES_NOT_EXIST,
  PROVIDER_EXPIRED,
  REDEEM_WITHIN_FIVE_MINUTES,
  SamlRefusal,
  invalidToken,
} from './aws-messages.js'
import { readAwsAttributes } from './aws-attributes.js'
import type { AwsSamlAttributes } from './aws-attributes.js'
import { deriveConditionKeys, nameQualifier, subjectType } from './derive-condition-keys.js'
import type { SamlContextValue } from './derive-condition-keys.js'
import { verifySamlResponse } from './verify-saml-response.js'

/** An IAM SAML provider as verification needs it. */
export interface SamlProvider {
  arn: string
  accountId: string
  name: string
  entityId: string
  /** Signing certificates from the stored metadata, PEM. */
  certificates: readonly string[]
  validUntil: Date
}

/** The provider an ARN names (exactly as stored, or its name without regard to case). */
export type LookupSamlProvider = (arn: string) => Promise<SamlProvider | undefined>

/** AWS redeems an assertion only within five minutes of its IssueInstant. */
export const REDEEM_WITHIN_SECONDS = 300

export interface VerifySamlAssertionOptions {
  principalArn: string
  lookupProvider: LookupSamlProvider
  now: Date
  /** SAML endpoints of this server (Destination, Recipient). */
  recipients: readonly string[]
  audiences: readonly string[]
  allowSha1: boolean
  clockSkewSeconds?: number
  requestId: string
}

/** The provider, the response's subject and keys, and what AWS reads from its attributes. */
export interface VerifiedSamlIdentity extends AwsSamlAttributes {
  provider: SamlProvider
  issuer: string
  subject: string
  /** saml:sub_type: `persistent`, `transient` or the NameID Format. */
  subjectType: string
  /** The Recipient (AWS's Audience answer and saml:aud). */
  audience: string
  nameQualifier: string
  assertionId: string
  /** Until when the assertion could be accepted: how long its replay record must last. */
  acceptedUntil: Date
  conditionKeys: Record<string, SamlContextValue>
}

export async function verifySamlAssertion(
  samlAssertion: string,
  options: VerifySamlAssertionOptions,
): Promise<VerifiedSamlIdentity> {
  const provider = await options.lookupProvider(options.principalArn)
  if (provider === undefined) throw invalidToken(PROVIDER_DOES_NOT_EXIST, 'provider')
  if (provider.validUntil.getTime() <= options.now.getTime()) {
    throw invalidToken(PROVIDER_EXPIRED, 'provider')
  }
  const verified = verifySamlResponse(samlAssertion, {
    certificates: provider.certificates,
    entityId: provider.entityId,
    recipients: options.recipients,
    audiences: options.audiences,
    now: options.now,
    allowSha1: options.allowSha1,
    requestId: options.requestId,
    ...(options.clockSkewSeconds === undefined
      ? {}
      : { clockSkewSeconds: options.clockSkewSeconds }),
  })
  const skewMs = (options.clockSkewSeconds ?? 60) * 1000
  const redeemBy = verified.issueInstant.getTime() + REDEEM_WITHIN_SECONDS * 1000 + skewMs
  if (options.now.getTime() > redeemBy) {
    throw new SamlRefusal('ExpiredTokenException', REDEEM_WITHIN_FIVE_MINUTES, 'expired')
  }
  const attributes = readAwsAttributes(verified.attributes)
  return {
    provider,
    issuer: verified.issuer,
    subject: verified.subject,
    subjectType: subjectType(verified.subjectFormat),
    audience: verified.recipient,
    nameQualifier: nameQualifier(verified.issuer, provider.accountId, provider.name),
    assertionId: verified.assertionId,
    acceptedUntil: new Date(Math.min(verified.acceptedUntil.getTime(), redeemBy)),
    ...attributes,
    conditionKeys: deriveConditionKeys({
      issuer: verified.issuer,
      subject: verified.subject,
      subjectFormat: verified.subjectFormat,
      recipient: verified.recipient,
      accountId: provider.accountId,
      providerName: provider.name,
      attributes: verified.attributes,
    }),
  }
}
