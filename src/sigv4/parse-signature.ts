// Reads a SigV4 signature out of a request, from the Authorization header or from a presigned query,
// and refuses malformed or incomplete ones with the codes and wording AWS uses.

import { AwsError } from '../core/errors.js'
import { parseAmzDate } from './amz-date.js'
import { parseQuery } from './canonical-query.js'
import type { QueryParameter } from './canonical-query.js'
import type { CredentialScope } from './credential-scope.js'
import { ALGORITHM, MAX_PRESIGN_EXPIRES_SECONDS, firstHeader } from './request.js'
import type { SignableRequest } from './request.js'
import { parseSignedHeaders } from './signed-headers.js'

export interface ParsedSignature {
  form: 'header' | 'query'
  accessKeyId: string
  /** The credential scope as sent; `terminator` is checked by precheckSignature, not here. */
  scope: CredentialScope & { terminator: string }
  /** The scope part of the credential (after the key id), exactly as it goes into the string to sign. */
  credentialScope: string
  /** Signed header names in the order sent. */
  signedHeaders: string[]
  signature: string
  /** The request time exactly as sent (X-Amz-Date, or Date), and parsed. */
  amzDate: string
  requestTime: Date
  /** X-Amz-Expires in seconds (presigned form; absent when the URL did not carry it). */
  expiresSeconds?: number
  /** X-Amz-Security-Token, for the caller to resolve temporary credentials. */
  sessionToken?: string
}

const incomplete = (message: string) => new AwsError('IncompleteSignature', message)

const checkDate = (text: string): Date => {
  const date = parseAmzDate(text)
  if (!date) {
    throw incomplete(
      `Date must be in ISO-8601 'basic format'. Got '${text}'. See http://en.wikipedia.org/wiki/ISO_8601`,
    )
  }
  return date
}

const checkAlgorithm = (algorithm: string): void => {
  if (algorithm !== ALGORITHM) {
    // AWS's text, trailing space included.
    throw incomplete(`Unsupported AWS 'algorithm': '${algorithm}' (only ${ALGORITHM} for now). `)
  }
}

interface SplitCredential {
  accessKeyId: string
  scope: CredentialScope & { terminator: string }
  credentialScope: string
}

const SLASH = 0x2f
const WHITESPACE = /\s/

const splitCredential = (credential: string): SplitCredential => {
  // AWS ignores trailing slashes here.
  let end = credential.length
  while (end > 0 && credential.charCodeAt(end - 1) === SLASH) end--
  const kept = credential.slice(0, end)
  const parts = kept.split('/')
  if (parts.length !== 5) {
    throw incomplete(
      'Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term,' +
        ` got '${credential}'`,
    )
  }
  const [accessKeyId, date, region, service, terminator] = parts as [
    string,
    string,
    string,
    string,
    string,
  ]
  return {
    accessKeyId,
    scope: { date, region, service, terminator },
    credentialScope: kept.slice(accessKeyId.length + 1),
  }
}

/** `authorization` is the header as sent (for messages), `trimmed` the same without outer spaces. */
const fromHeader = (
  request: SignableRequest,
  authorization: string,
  trimmed: string,
): ParsedSignature => {
  const space = trimmed.search(WHITESPACE)
  const algorithm = space < 0 ? trimmed : trimmed.slice(0, space)
  const rest = space < 0 ? '' : trimmed.slice(space + 1)

  const fields = new Map<string, string>()
  for (const piece of rest.split(',')) {
    const pair = piece.trim()
    if (pair === '') continue
    const equals = pair.indexOf('=')
    if (equals < 0) {
      throw incomplete(
        `'${pair}' not a valid key=value pair (missing equal-sign) in Authorization header: '${trimmed}'`,
      )
    }
    // A repeated key: the last one wins, as AWS does.
    fields.set(pair.slice(0, equals).trim(), pair.slice(equals + 1).trim())
  }

  const credential = fields.get('Credential')
  const signedHeaders = fields.get('SignedHeaders')
  const signatureValue = fields.get('Signature')
  const dateText = firstHeader(request, 'x-amz-date') ?? firstHeader(request, 'date')
  if (
    credential === undefined ||
    signatureValue === undefined ||
    signedHeaders === undefined ||
    dateText === undefined
  ) {
    const missing: string[] = []
    if (credential === undefined)
      missing.push("Authorization header requires 'Credential' parameter.")
    if (signatureValue === undefined)
      missing.push("Authorization header requires 'Signature' parameter.")
    if (signedHeaders === undefined) {
      missing.push("Authorization header requires 'SignedHeaders' parameter.")
    }
    if (dateText === undefined) {
      missing.push(
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
      )
    }
    throw incomplete(`${missing.join(' ')} Authorization=${authorization}`)
  }

  const amzDate = dateText.trim()
  const requestTime = checkDate(amzDate)
  checkAlgorithm(algorithm)
  const { accessKeyId, scope, credentialScope } = splitCredential(credential)
  const parsed: ParsedSignature = {
    form: 'header',
    accessKeyId,
    scope,
    credentialScope,
    signedHeaders: parseSignedHeaders(signedHeaders),
    signature: signatureValue,
    amzDate,
    requestTime,
  }
  const sessionToken = firstHeader(request, 'x-amz-security-token')
  if (sessionToken !== undefined) parsed.sessionToken = sessionToken.trim()
  return parsed
}

const requiredQuery = [
  'X-Amz-Algorithm',
  'X-Amz-Credential',
  'X-Amz-Signature',
  'X-Amz-SignedHeaders',
  'X-Amz-Date',
] as const

const checkExpires = (text: string): number => {
  // AWS (S3) wording; IAM and STS document no limit of their own.
  if (/^-\d+$/.test(text)) throw incomplete('X-Amz-Expires must be non-negative')
  if (!/^\d+$/.test(text)) throw incomplete('X-Amz-Expires should be a number')
  const seconds = Number(text)
  if (seconds > MAX_PRESIGN_EXPIRES_SECONDS) {
    throw incomplete(
      'X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must' +
        ` be less than ${MAX_PRESIGN_EXPIRES_SECONDS} seconds`,
    )
  }
  return seconds
}

const fromQuery = (parameters: readonly QueryParameter[]): ParsedSignature => {
  // The first occurrence of each parameter counts, as AWS does.
  const first = (name: string): string | undefined =>
    parameters.find((parameter) => parameter.name === name)?.value
  const missing = requiredQuery.filter((name) => !first(name))
  if (missing.length > 0) {
    const messages = missing.map((name) => `AWS query-string parameters must include '${name}'.`)
    throw incomplete(`${messages.join(' ')} Re-examine the query-string parameters.`)
  }
  const value = (name: (typeof requiredQuery)[number]): string => first(name) ?? ''

  const amzDate = value('X-Amz-Date')
  const requestTime = checkDate(amzDate)
  const expiresText = first('X-Amz-Expires')
  const expiresSeconds = expiresText === undefined ? undefined : checkExpires(expiresText)
  checkAlgorithm(value('X-Amz-Algorithm'))
  const sessionToken = first('X-Amz-Security-Token')
  return {
    form: 'query',
    ...splitCredential(value('X-Amz-Credential')),
    signedHeaders: parseSignedHeaders(value('X-Amz-SignedHeaders')),
    signature: value('X-Amz-Signature'),
    amzDate,
    requestTime,
    ...(expiresSeconds === undefined ? {} : { expiresSeconds }),
    ...(sessionToken === undefined ? {} : { sessionToken }),
  }
}

/**
 * The request's SigV4 signature, or undefined when it carries none (no Authorization header
 * starting with "AWS4-" and no X-Amz-Algorithm query parameter): the caller then answers
 * MissingAuthenticationToken or tries another scheme. Throws AwsError for a malformed signature.
 */
export const parseSignature = (request: SignableRequest): ParsedSignature | undefined => {
  const authorization = firstHeader(request, 'authorization')
  const parameters = parseQuery(request.query)
  const inQuery = parameters.some((parameter) => parameter.name === 'X-Amz-Algorithm')
  if (authorization !== undefined && inQuery) {
    throw new AwsError(
      'SignatureDoesNotMatch',
      "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.",
    )
  }
  if (inQuery) return fromQuery(parameters)
  if (authorization === undefined) return undefined
  const trimmed = authorization.trim()
  return trimmed.startsWith('AWS4-') ? fromHeader(request, authorization, trimmed) : undefined
}
