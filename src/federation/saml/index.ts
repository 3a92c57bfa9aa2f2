// The public surface of SAML verification, for sts/, iam/ and the composition root.
export { parseSamlMetadata, SamlMetadataError } from './metadata.js'
export type { SamlEndpoint, SamlMetadata } from './metadata.js'
export { SamlRefusal } from './aws-messages.js'
export type { SamlRule } from './aws-messages.js'
export * as samlMessages from './aws-messages.js'
export { verifySamlAssertion, REDEEM_WITHIN_SECONDS } from './verify-saml-assertion.js'
export type {
  LookupSamlProvider,
  SamlProvider,
  VerifiedSamlIdentity,
  VerifySamlAssertionOptions,
} from './verify-saml-assertion.js'
export { verifySamlResponse, MAX_CLOCK_SKEW_SECONDS } from './verify-saml-response.js'
export type { SamlVerificationOptions, VerifiedSamlResponse } from './verify-saml-response.js'
export { checkSignature } from './check-signature.js'
export type { SignaturePolicy } from './check-signature.js'
export { readAwsAttributes, readRolePair } from './aws-attributes.js'
export type { AwsSamlAttributes, RolePair } from './aws-attributes.js'
export { deriveConditionKeys, nameQualifier, subjectType } from './derive-condition-keys.js'
export type { SamlContextValue } from './derive-condition-keys.js'
export { MAX_SAML_ASSERTION_CHARS } from './parse-response.js'
export { namedRolePairs } from './named-role-pairs.js'
