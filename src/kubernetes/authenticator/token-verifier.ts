// Step 2 of EKS token authentication: what aws-iam-authenticator asks STS, answered in process by
// rolegate's own STS logic: the presigned GetCallerIdentity request is checked and its caller
// resolved exactly as src/http/authenticate.ts does for a request on the socket (SigV4 precheck,
// the credential resolvers, the signature in constant time, last use noted), then read as the
// authenticator reads STS's answer. No request leaves the process.
import type { Caller } from '../../core/caller.js'
import type { Clock } from '../../core/clock.js'
import { AwsError, isAwsError } from '../../core/errors.js'
import { resolveCredential } from '../../credentials/credential-resolver.js'
import type { CredentialResolver } from '../../credentials/credential-resolver.js'
import { noteCallerUse } from '../../credentials/usage-recorder.js'
import type { UsageNotes } from '../../credentials/usage-recorder.js'
import type { Sigv4Crypto } from '../../sigv4/crypto.js'
import { parseSignature } from '../../sigv4/parse-signature.js'
import type { SignableRequest } from '../../sigv4/request.js'
import { SigningKeyCache } from '../../sigv4/signing-key.js'
import {
  SIGNATURE_MISMATCH_MESSAGE,
  precheckSignature,
  verifySignature,
} from '../../sigv4/verify-signature.js'
import { awsIdentity, callerIdentityResult } from './aws-identity.js'
import type { AwsIdentity } from './aws-identity.js'
import { CLUSTER_ID_HEADER, TOKEN_LIFETIME_SECONDS, readToken, stsEndpoint } from './read-token.js'
import type { PresignedCall, StsEndpoint } from './read-token.js'
import { TokenRejection, stsError } from './token-rejection.js'
import type { RejectionKind } from './token-rejection.js'

/**
 * What the composition root wires in: the pieces of rolegate's STS the HTTP layer uses, passed as
 * ports so that src/kubernetes imports neither http/ nor sts/.
 */
export interface TokenVerifierDeps {
  /**
   * The credential resolvers the HTTP layer authenticates with, in its order: long-term access
   * keys, then STS session credentials (ASIA keys with X-Amz-Security-Token).
   */
  credentials: readonly CredentialResolver[]
  crypto: Sigv4Crypto
  clock: Clock
  /**
   * The URLs rolegate's STS answers at (its public URL); a token naming any other host is refused
   * and never fetched. Asked per token: the public URL is known only once the socket listens.
   */
  stsEndpoints: () => readonly string[]
  /** Signing keys kept across tokens; one of 1,000 entries unless given. */
  keyCache?: SigningKeyCache | undefined
  /** Where the key or role that signed a token is noted as used, as for any STS call. */
  usage?: UsageNotes | undefined
}

export type TokenVerification =
  { identity: AwsIdentity } | { error: string; kind: Exclude<RejectionKind, 'mapping'> }

/** The services a token's credential scope may name: GetCallerIdentity is STS's. */
const STS_SERVICE = ['sts'] as const
const EMPTY_BODY = new Uint8Array(0)

export class TokenVerifier {
  readonly #deps: TokenVerifierDeps
  readonly #keyCache: SigningKeyCache
  #endpointUrls: readonly string[] = []
  #endpoints: readonly StsEndpoint[] = []

  constructor(deps: TokenVerifierDeps) {
    this.#deps = deps
    this.#keyCache = deps.keyCache ?? new SigningKeyCache(deps.crypto, 1000)
  }

  /** Who signed `token` for the cluster named `clusterName`, or why it does not count. */
  async verify(token: string, clusterName: string): Promise<TokenVerification> {
    const now = this.#deps.clock.now()
    try {
      const call = readToken(token, { endpoints: this.#currentEndpoints(), now })
      const caller = await this.#signedCaller(call, clusterName, now)
      return { identity: awsIdentity(callerIdentityResult(caller), call.accessKeyId, call.host) }
    } catch (error) {
      if (error instanceof TokenRejection && error.kind !== 'mapping') {
        return { error: error.message, kind: error.kind }
      }
      throw error
    }
  }

  #currentEndpoints(): readonly StsEndpoint[] {
    const urls = this.#deps.stsEndpoints()
    const same =
      urls.length === this.#endpointUrls.length &&
      urls.every((url, i) => url === this.#endpointUrls[i])
    if (!same) {
      this.#endpoints = urls.map(stsEndpoint)
      this.#endpointUrls = [...urls]
    }
    return this.#endpoints
  }

  /** The caller STS would answer the presigned request with, as the cluster's verifier sends it. */
  async #signedCaller(call: PresignedCall, clusterName: string, now: Date): Promise<Caller> {
    // The authenticator replays the URL with the cluster header set to its own cluster: a token
    // signed for another cluster then fails the signature, since the header is signed, not sent.
    const request: SignableRequest = {
      method: 'GET',
      path: call.path,
      query: call.query,
      headers: [
        ['host', call.host],
        [CLUSTER_ID_HEADER, clusterName],
      ],
      body: EMPTY_BODY,
    }
    try {
      const parsed = parseSignature(request)
      if (!parsed) {
        throw new AwsError('MissingAuthenticationToken', 'Request is missing Authentication Token')
      }
      // STS honours the URL for its fifteen minutes whatever X-Amz-Expires says; readToken has
      // held the token to them already.
      const prechecked = precheckSignature(
        { ...parsed, expiresSeconds: TOKEN_LIFETIME_SECONDS },
        now,
        { services: STS_SERVICE },
      )
      const credential = await resolveCredential(
        this.#deps.credentials,
        parsed.accessKeyId,
        parsed.sessionToken,
      )
      const result = verifySignature(request, prechecked, credential.secretAccessKey, {
        crypto: this.#deps.crypto,
        keyCache: this.#keyCache,
      })
      if (!result.ok) throw result.error
      if (this.#deps.usage) {
        noteCallerUse(this.#deps.usage, credential.caller, {
          service: parsed.scope.service,
          region: parsed.scope.region,
          at: now,
        })
      }
      return credential.caller
    } catch (error) {
      if (!isAwsError(error)) throw error
      // A signature that does not match with the right secret is most often a token made for
      // another cluster: say which cluster it was checked for.
      const hint =
        error.message === SIGNATURE_MISMATCH_MESSAGE
          ? ` (the token was checked for cluster "${clusterName}")`
          : ''
      throw stsError(
        `error from STS (expected 200, got ${error.status}): ${error.code}: ${error.message}${hint}`,
      )
    }
  }
}
