// GetFederationToken: a federated user session for an IAM user (or the root user, for at most an
// hour), named by the caller. Its permissions are the user's intersected with the session policies
// passed, and none without them; it may call no IAM operation and no STS one but GetCallerIdentity.
// https://docs.aws.amazon.com/STS/latest/APIReference/API_GetFederationToken.html
import { federatedUserArn } from '../core/arn.js'
import { notWithSessionCredentials } from './aws-messages.js'
import { ROOT_SESSION_MAX_SECONDS, DEFAULT_USER_SESSION_SECONDS } from './get-session-token.js'
import * as field from './input-fields.js'
import { defineStsOperation, signedCaller } from './operation.js'
import { packedPolicySize } from './packed-size.js'
import { credentialsResult } from './results.js'
import { checkSessionPolicies } from './session-policies.js'
import { sessionTagSet, tagContext } from './session-tags.js'
import type { SessionDraft } from './session-token.js'
import { issueSessionCredentials } from './session-token.js'

export const getFederationToken = defineStsOperation({
  name: 'GetFederationToken',
  // Authorised below on the federated user it names, once the caller is known to be long-term.
  authorizesItself: true,
  input: {
    Name: field.federatedUserName(),
    Policy: field.sessionPolicy(),
    PolicyArns: field.policyArnList(),
    DurationSeconds: field.userSessionDuration(),
    Tags: field.sessionTags(),
  },
  async run(input, context) {
    const caller = signedCaller(context)
    const { deps, request } = context
    const principal = { id: caller.userId, name: caller.name, arn: caller.arn }
    // "You must call the GetFederationToken operation using the long-term security credentials".
    if (caller.session) {
      throw notWithSessionCredentials('GetFederationToken', {
        principal,
        action: 'sts:GetFederationToken',
        resource: '*',
      })
    }
    const policies = checkSessionPolicies(input.Policy, input.PolicyArns)
    const tags = sessionTagSet(input.Tags, [], undefined)
    const arn = federatedUserArn(caller.accountId, input.Name)
    const conditionKeys = tagContext(tags)
    await deps.authorizer.authorize(caller, 'sts:GetFederationToken', arn, conditionKeys, request)
    if (tags.requested.length > 0) {
      await deps.authorizer.authorize(caller, 'sts:TagSession', arn, conditionKeys, request)
    }
    // AWS answers 0 when no policy and no tag was passed (recorded: aws-shapes test_sts).
    const packed =
      packedPolicySize({
        policy: policies.policy,
        policyArns: policies.policyArns,
        tags: tags.tags,
      }) ?? 0
    const requested = input.DurationSeconds ?? DEFAULT_USER_SESSION_SECONDS
    // "If the specified duration is longer than one hour, the session obtained by using root user
    // credentials defaults to one hour."
    const duration =
      caller.type === 'root' ? Math.min(requested, ROOT_SESSION_MAX_SECONDS) : requested
    const draft: SessionDraft = {
      accountId: caller.accountId,
      // The user (or root) behind the session: its policies bound what the session may do.
      principal: {
        type: 'federated-user',
        id: caller.type === 'root' ? '' : caller.principalId,
        name: caller.name,
        arn: caller.arn,
      },
      sessionName: input.Name,
      obtainedBy: 'GetFederationToken',
      chained: false,
    }
    if (policies.policy !== undefined) draft.policy = policies.policy
    if (policies.policyArns !== undefined) draft.policyArns = policies.policyArns
    if (tags.tags.length > 0) draft.tags = tags.tags
    const issued = await issueSessionCredentials(
      deps.keyring,
      deps.ids,
      draft,
      request.now,
      duration,
    )
    return {
      Credentials: credentialsResult(issued),
      FederatedUser: { FederatedUserId: `${caller.accountId}:${input.Name}`, Arn: arn },
      PackedPolicySize: packed,
    }
  },
})
