// Who is calling: reads the SigV4 signature, checks what needs no secret (time, scope), resolves
// the access key through the credential resolvers, then verifies the signature with its secret.
import type { Logger } from 'pino'
import type { Caller } from '../core/caller.js'
import { AwsError } from '../core/errors.js'
import { resolveCredential } from '../credentials/credential-resolver.js'
import type { CredentialResolver } from '../credentials/credential-resolver.js'
import { noteCallerUse } from '../credentials/usage-recorder.js'
import type { UsageNotes } from '../credentials/usage-recorder.js'
import type { Sigv4Crypto } from '../sigv4/crypto.js'
import { parseSignature } from '../sigv4/parse-signature.js'
import type { SigningKeyCache } from '../sigv4/signing-key.js'
import { precheckSignature, verifySignature } from '../sigv4/verify-signature.js'
import type { PrecheckedSignature } from '../sigv4/verify-signature.js'
import type { HttpRequest } from './http-message.js'

/** The services a credential scope may name (`rolegate`: its own API); AWS's errors name IAM. */
export const SIGNING_SERVICES = ['iam', 'sts', 'rolegate'] as const

export interface AuthenticationDeps {
  credentials: readonly CredentialResolver[]
  crypto: Sigv4Crypto
  keyCache: SigningKeyCache
  logger: Logger
  /** Where the key or role behind each authenticated request is noted as used. */
  usage?: UsageNotes | undefined
}

export interface Authenticated {
  caller: Caller
  /** The region the request was signed for. */
  region: string
  /** The service the request was signed for: `iam` or `sts`. */
  service: string
}

export const missingAuthenticationToken = () =>
  new AwsError('MissingAuthenticationToken', 'Request is missing Authentication Token')

/**
 * The request's signature after the checks that need no secret, in AWS's order, or undefined
 * when it is not signed at all. Throws IncompleteSignature / SignatureDoesNotMatch.
 */
export function readSignature(request: HttpRequest, now: Date): PrecheckedSignature | undefined {
  const parsed = parseSignature(request)
  return parsed && precheckSignature(parsed, now, { services: SIGNING_SERVICES })
}

/** The caller behind a signed request, or AWS's refusal. */
export async function authenticate(
  request: HttpRequest,
  prechecked: PrecheckedSignature | undefined,
  now: Date,
  deps: AuthenticationDeps,
): Promise<Authenticated> {
  if (!prechecked) throw missingAuthenticationToken()
  const signature = prechecked.parsed
  const credential = await resolveCredential(
    deps.credentials,
    signature.accessKeyId,
    signature.sessionToken,
  )
  const result = verifySignature(request, prechecked, credential.secretAccessKey, {
    crypto: deps.crypto,
    keyCache: deps.keyCache,
  })
  if (!result.ok) {
    // What the client signed is for our log only: it helps a user find their signing bug.
    deps.logger.debug(
      { canonicalRequest: result.canonicalRequest, stringToSign: result.stringToSign },
      'signature mismatch',
    )
    throw result.error
  }
  const authenticated = {
    caller: credential.caller,
    region: signature.scope.region,
    service: signature.scope.service,
  }
  // Only a verified signature counts as use (AWS does not report unauthenticated requests),
  // whatever authorisation decides next.
  if (deps.usage) {
    const { service, region } = authenticated
    noteCallerUse(deps.usage, authenticated.caller, { service, region, at: now })
  }
  return authenticated
}
