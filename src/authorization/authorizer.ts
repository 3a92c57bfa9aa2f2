// The authoriser as services call it: may this caller perform this action on this resource? A
// port: iam/ implements it over the policy engine, and sts/ and admin-api/ use it without
// reaching into iam/.
import type { Caller, RequestInfo } from '../core/caller.js'
import type { CompiledPolicyKind } from '../policy/index.js'

/** Request context keys an operation adds for authorisation, e.g. `aws:RequestTag/team`. */
export type AuthorizationContext = Record<string, string | string[]>

/** One policy's text as loaded for a principal, before compiling. */
export interface PolicyText {
  /** Undefined for a boundary naming a policy that no longer exists: it allows nothing. */
  text: string | undefined
  kind: CompiledPolicyKind
  /** `TYPE/ENTITY/POLICY` (e.g. `user/bob/s3-read`) for inline policies, else the ARN. */
  source: string
}

/** What a call may add to the caller's own policies (STS: the role's trust policy). */
export interface AuthorizeOptions {
  /** The resource's own policy, e.g. the trust policy of the role being assumed. */
  resourcePolicy?: PolicyText
  /** The account owning the resource, when its ARN does not say. */
  resourceAccount?: string
  /**
   * When the request itself proved MFA (AssumeRole with SerialNumber and TokenCode): the decision
   * sees aws:MultiFactorAuthPresent true, even from long-term credentials.
   */
  mfaAuthenticatedAt?: Date
}

export interface Authorizer {
  /**
   * Throws AccessDenied, in AWS's words, unless the caller may perform `action` on `resource`;
   * with a resource policy (a role's trust policy) when the call brings one.
   */
  authorize(
    caller: Caller,
    action: string,
    resource: string,
    context: AuthorizationContext,
    request: RequestInfo,
    options?: AuthorizeOptions,
  ): Promise<void>
}
