// AWS's enhanced AccessDenied messages: who, what, on which resource, and which policy type
// denied it, explicitly ("with an explicit deny in ...") or implicitly ("because no ... allows").
// https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html

import type { Decision, PolicyType } from './decision.js'

const EXPLICIT: Record<PolicyType, string> = {
  identity: 'with an explicit deny in an identity-based policy',
  resource: 'with an explicit deny in a resource-based policy',
  boundary: 'with an explicit deny in a permissions boundary',
  session: 'with an explicit deny in a session policy',
  scp: 'with an explicit deny in a service control policy',
  rcp: 'with an explicit deny in a resource control policy',
}

const IMPLICIT: Record<PolicyType, string> = {
  identity: 'identity-based policy',
  resource: 'resource-based policy',
  boundary: 'permissions boundary',
  session: 'session policy',
  scp: 'service control policy',
  rcp: 'resource control policy',
}

/**
 * IAM names a managed policy `policy ARN` in its messages ("is not authorized to perform:
 * iam:DeletePolicyVersion on resource: policy arn:aws:iam::866996500832:policy/Route53TerraformDeploy
 * because no identity-based policy allows ...", as AWS answered in cds-snc/dns#523).
 */
const IAM_POLICY = /^arn:aws[\w-]*:iam::(\d{12}|aws):policy\//

/**
 * `User: <arn> is not authorized to perform: <action> on resource: <resource> because no
 * identity-based policy allows the <action> action`. Without a resource the `on resource:` part
 * is left out, as AWS does. A role trust policy that does not allow the caller gets AWS's plain
 * AssumeRole wording, with no reason.
 */
export function accessDeniedMessage(
  principalArn: string,
  action: string,
  resource: string | undefined,
  decision: Decision,
): string {
  let message = `User: ${principalArn} is not authorized to perform: ${action}`
  if (resource !== undefined && resource !== '') {
    message += ` on resource: ${IAM_POLICY.test(resource) ? 'policy ' : ''}${resource}`
  }
  const type = decision.decidedBy
  if (decision.decision === 'Allowed' || type === 'root-user' || type === 'always-allowed') {
    return message
  }
  if (decision.decision === 'ExplicitlyDenied') return `${message} ${EXPLICIT[type]}`
  if (type === 'resource' && decision.resourcePolicyKind === 'trust') return message
  return `${message} because no ${IMPLICIT[type]} allows the ${action} action`
}
