// Session policies passed to AssumeRole*: the inline `Policy` must parse as a session policy
// (MalformedPolicyDocument otherwise) and each of `PolicyArns` must be an ARN. The session carries
// them as given; managed ones are read when a request is authorised, like any attached policy.
import { parseArn } from '../core/arn.js'
import { parsePolicy } from '../policy/index.js'
import { invalidArn } from './aws-messages.js'

export interface SessionPolicies {
  policy?: string
  policyArns?: string[]
}

export function checkSessionPolicies(
  policy: string | undefined,
  policyArns: readonly string[] | undefined,
): SessionPolicies {
  if (policy !== undefined) parsePolicy(policy, 'session')
  for (const arn of policyArns ?? []) {
    const parsed = parseArn(arn)
    if (!parsed || parsed.resource === '') throw invalidArn(arn)
  }
  const checked: SessionPolicies = {}
  if (policy !== undefined) checked.policy = policy
  if (policyArns !== undefined && policyArns.length > 0) checked.policyArns = [...policyArns]
  return checked
}
