// The server's check of a parsed signature in two steps: the precheck (time window, presigned
// expiry, host signed, credential scope) needs no secret and yields a PrecheckedSignature, which is
// the only thing verification takes (payload hash, then the signature, in constant time).

import { AwsError } from '../core/errors.js'
import { amzDay, formatAmzDate } from './amz-date.js'
import type { CanonicalUriOptions } from './canonical-uri.js'
import { computeSignature } from './compute-signature.js'
import type { ComputedSignature } from './compute-signature.js'
import { constantTimeEqual } from './constant-time.js'
import type { Sigv4Crypto } from './crypto.js'
import type { ParsedSignature } from './parse-signature.js'
import { payloadHash } from './payload-hash.js'
import { SCOPE_TERMINATOR, UNSIGNED_PAYLOAD, firstHeader } from './request.js'
import type { SignableRequest } from './request.js'
import type { SigningKeyCache } from './signing-key.js'
import { parseQuery } from './canonical-query.js'

export interface PrecheckOptions {
  /** Services the credential scope may name, e.g. ['iam', 'sts']; the first is named in errors. */
  services: readonly string[]
  /** Regions the scope may name; any non-empty region when omitted. */
  regions?: readonly string[]
  /** Allowed difference between the request time and ours; AWS uses 15 minutes. */
  maxClockSkewSeconds?: number
}

export interface VerifyOptions extends CanonicalUriOptions {
  crypto: Sigv4Crypto
  /** Accept `x-amz-content-sha256: UNSIGNED-PAYLOAD` (an S3 feature; off for IAM and STS). */
  allowUnsignedPayload?: boolean
  /** The caller's signing keys, kept across requests; without it each key is derived anew. */
  keyCache?: SigningKeyCache
}

/** Both steps at once (checkSignature). */
export interface CheckOptions extends PrecheckOptions, VerifyOptions {}

/** A parsed signature that passed precheckSignature: what verifySignature takes. */
export interface PrecheckedSignature {
  readonly parsed: ParsedSignature
}

export type VerifyResult =
  | {
      ok: true
      /** Whether X-Amz-Security-Token (if sent) is covered by the signature. */
      sessionTokenSigned: boolean
      canonicalRequest: string
      stringToSign: string
    }
  | {
      ok: false
      /** What the client is told: code and AWS's message, never the strings below. */
      error: AwsError
      /** For the server log only. */
      canonicalRequest?: string
      stringToSign?: string
    }

export const SIGNATURE_MISMATCH_MESSAGE =
  'The request signature we calculated does not match the signature you provided. Check your AWS' +
  ' Secret Access Key and signing method. Consult the service documentation for details.'

const DEFAULT_SKEW_SECONDS = 15 * 60

const mismatch = (message: string) => new AwsError('SignatureDoesNotMatch', message)

const describeSkew = (seconds: number): string =>
  seconds % 60 === 0 ? `${seconds / 60} min` : `${seconds} sec`

const checkTime = (parsed: ParsedSignature, now: Date, skewSeconds: number): void => {
  const skewMs = skewSeconds * 1000
  const requestMs = parsed.requestTime.getTime()
  const nowMs = now.getTime()
  const presigned = parsed.form === 'query' && parsed.expiresSeconds !== undefined
  if (presigned) {
    // A presigned URL lives X-Amz-Expires seconds from its X-Amz-Date, however old that is.
    if (nowMs > requestMs + parsed.expiresSeconds! * 1000) {
      throw new AwsError('AccessDenied', 'Request has expired')
    }
  } else if (requestMs < nowMs - skewMs) {
    throw mismatch(
      `Signature expired: ${parsed.amzDate} is now earlier than ` +
        `${formatAmzDate(new Date(nowMs - skewMs))} (${formatAmzDate(now)} - ${describeSkew(skewSeconds)}.)`,
    )
  }
  if (requestMs > nowMs + skewMs) {
    throw mismatch(
      `Signature not yet current: ${parsed.amzDate} is still later than ` +
        `${formatAmzDate(new Date(nowMs + skewMs))} (${formatAmzDate(now)} + ${describeSkew(skewSeconds)}.)`,
    )
  }
}

const checkScope = (parsed: ParsedSignature, options: PrecheckOptions): void => {
  const { date, region, service, terminator } = parsed.scope
  const problems: string[] = []
  if (region === '' || (options.regions !== undefined && !options.regions.includes(region))) {
    problems.push(`Credential should be scoped to a valid region, not '${region}'.`)
  }
  if (!options.services.includes(service)) {
    problems.push(`Credential should be scoped to correct service: '${options.services[0] ?? ''}'.`)
  }
  if (terminator !== SCOPE_TERMINATOR) {
    problems.push(
      `Credential should be scoped with a valid terminator: '${SCOPE_TERMINATOR}', not '${terminator}'.`,
    )
  }
  const expectedDay = amzDay(parsed.requestTime)
  if (date !== expectedDay) {
    problems.push(
      'Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP:' +
        ` '${date}' != '${expectedDay}', from '${parsed.amzDate}'.`,
    )
  }
  if (problems.length > 0) throw mismatch(problems.join(' '))
}

/**
 * The checks that need no secret, in AWS's order: time window (or presigned expiry), host signed,
 * credential scope. Call it before looking the access key up, so a stale or misdirected request is
 * refused the way AWS refuses it. Throws AwsError; what it returns is what verifySignature takes.
 */
export const precheckSignature = (
  parsed: ParsedSignature,
  now: Date,
  options: PrecheckOptions,
): PrecheckedSignature => {
  checkTime(parsed, now, options.maxClockSkewSeconds ?? DEFAULT_SKEW_SECONDS)
  if (!parsed.signedHeaders.some((name) => name.toLowerCase() === 'host')) {
    throw mismatch("'Host' must be a 'SignedHeader' in the AWS Authorization.")
  }
  checkScope(parsed, options)
  return { parsed }
}

/** The payload hash to sign with: the body's, after checking any hash the client claims. */
const resolvePayloadHash = (
  request: SignableRequest,
  parsed: ParsedSignature,
  options: VerifyOptions,
): string => {
  const claimed =
    firstHeader(request, 'x-amz-content-sha256')?.trim() ??
    (parsed.form === 'query'
      ? parseQuery(request.query).find((p) => p.name === 'X-Amz-Content-Sha256')?.value
      : undefined)
  const actual = payloadHash(options.crypto, request.body)
  if (claimed === undefined) return actual
  if (claimed === UNSIGNED_PAYLOAD && options.allowUnsignedPayload) return UNSIGNED_PAYLOAD
  if (claimed.toLowerCase() !== actual) {
    // S3's wording; AWS has no other for this.
    throw mismatch("The provided 'x-amz-content-sha256' header does not match what was computed.")
  }
  return claimed
}

/**
 * Recomputes the signature with the caller's secret for `parsed.accessKeyId` and compares it in
 * constant time. Never throws for a bad request: the result says why, with debugging strings that
 * belong in the server log only.
 */
export const verifySignature = (
  request: SignableRequest,
  prechecked: PrecheckedSignature,
  secretAccessKey: string,
  options: VerifyOptions,
): VerifyResult => {
  const { parsed } = prechecked
  let hash: string
  try {
    hash = resolvePayloadHash(request, parsed, options)
  } catch (error) {
    if (error instanceof AwsError) return { ok: false, error }
    throw error
  }

  const tokenSent = parsed.sessionToken !== undefined
  if (parsed.form === 'header') {
    const computed = compute(request, parsed, secretAccessKey, hash, NO_EXCLUSIONS, options)
    if (constantTimeEqual(computed.signature, parsed.signature)) {
      const tokenSigned = parsed.signedHeaders.some(
        (name) => name.toLowerCase() === 'x-amz-security-token',
      )
      return accepted(tokenSent && tokenSigned, computed)
    }
    return refused(computed)
  }

  const computed = compute(request, parsed, secretAccessKey, hash, PRESIGNED_EXCLUSIONS, options)
  if (constantTimeEqual(computed.signature, parsed.signature)) return accepted(tokenSent, computed)
  if (tokenSent) {
    // Some signers append X-Amz-Security-Token to a presigned URL after signing (AWS IoT asks for
    // exactly that); the caller still ties the token to the access key when it resolves it.
    const withoutToken = compute(request, parsed, secretAccessKey, hash, UNSIGNED_TOKEN, options)
    if (constantTimeEqual(withoutToken.signature, parsed.signature)) {
      return accepted(false, withoutToken)
    }
  }
  return refused(computed)
}

/** Both steps for one request: a precheck refusal comes back as a result, as a mismatch does. */
export const checkSignature = (
  request: SignableRequest,
  parsed: ParsedSignature,
  secretAccessKey: string,
  now: Date,
  options: CheckOptions,
): VerifyResult => {
  let prechecked: PrecheckedSignature
  try {
    prechecked = precheckSignature(parsed, now, options)
  } catch (error) {
    if (error instanceof AwsError) return { ok: false, error }
    throw error
  }
  return verifySignature(request, prechecked, secretAccessKey, options)
}

const NO_EXCLUSIONS: readonly string[] = []
const PRESIGNED_EXCLUSIONS: readonly string[] = ['X-Amz-Signature']
const UNSIGNED_TOKEN: readonly string[] = ['X-Amz-Signature', 'X-Amz-Security-Token']

const compute = (
  request: SignableRequest,
  parsed: ParsedSignature,
  secretAccessKey: string,
  hash: string,
  excludeQuery: readonly string[],
  options: VerifyOptions,
): ComputedSignature =>
  computeSignature(
    options.crypto,
    secretAccessKey,
    {
      request,
      signedHeaders: parsed.signedHeaders,
      excludeQuery,
      payloadHash: hash,
      amzDate: parsed.amzDate,
      scope: parsed.scope,
      uri: options,
    },
    options.keyCache,
  )

const accepted = (sessionTokenSigned: boolean, computed: ComputedSignature): VerifyResult => ({
  ok: true,
  sessionTokenSigned,
  canonicalRequest: computed.canonicalRequest,
  stringToSign: computed.stringToSign,
})

const refused = (computed: ComputedSignature): VerifyResult => ({
  ok: false,
  error: mismatch(SIGNATURE_MISMATCH_MESSAGE),
  canonicalRequest: computed.canonicalRequest,
  stringToSign: computed.stringToSign,
})
