// Who signed a request: the resolvers that turn an access key id into its secret and the Caller it
// stands for, tried in turn (long-term IAM keys, then STS session credentials).
import type { Caller } from '../core/caller.js'
import { AwsError } from '../core/errors.js'

export interface ResolvedCredential {
  /** The secret the request's signature must have been made with. */
  secretAccessKey: string
  caller: Caller
}

/**
 * One source of credentials. Resolvers are tried in order; one that does not know the key
 * answers undefined so the next can try. One that knows it but refuses it throws an AwsError.
 * Temporary credentials (ASIA keys with X-Amz-Security-Token) arrive as a second resolver.
 */
export interface CredentialResolver {
  resolve(
    accessKeyId: string,
    sessionToken: string | undefined,
  ): Promise<ResolvedCredential | undefined>
}

/** AWS's answer for a key it does not know, and for one it knows but will not honour. */
export const invalidClientTokenId = () =>
  new AwsError('InvalidClientTokenId', 'The security token included in the request is invalid.')

/** Tries each resolver in turn; a key none of them knows is AWS's InvalidClientTokenId. */
export async function resolveCredential(
  resolvers: readonly CredentialResolver[],
  accessKeyId: string,
  sessionToken: string | undefined,
): Promise<ResolvedCredential> {
  for (const resolver of resolvers) {
    const found = await resolver.resolve(accessKeyId, sessionToken)
    if (found) return found
  }
  throw invalidClientTokenId()
}
