// The one-paragraph, human summary of a decision (audit records, `rolegate explain` headers).

import type { Decision, MatchedStatement } from './decision.js'
import { POLICY_TYPE_LABEL } from './decision.js'
import type { ProtectedResourceKind } from './protected-resources.js'

const PROTECTED: Record<ProtectedResourceKind, string> = {
  'aws-managed-policy': 'It is an AWS managed policy, which only AWS can change.',
  'service-linked-role':
    'It is a service-linked role, whose permissions only its service can change.',
  'reserved-role': 'It is a role IAM Identity Center reserves, which only that service can change.',
}

const name = (m: MatchedStatement): string =>
  `${m.sid === undefined ? `statement ${m.statementIndex + 1}` : `statement "${m.sid}"`} of ${
    POLICY_TYPE_LABEL[m.policyType]
  } ${m.policyId}`

export function summarize(d: Decision): string {
  const what = `${d.principalArn} ${d.decision === 'Allowed' ? 'may' : 'may not'} perform ${
    d.action
  } on ${d.resource}`
  const parts: string[] = []
  if (d.decision === 'ExplicitlyDenied') {
    const deny = d.matchedStatements.find(
      (m) => m.effect === 'Deny' && m.policyType === d.decidedBy,
    )
    parts.push(
      `Explicitly denied: ${what}.`,
      deny === undefined
        ? `A Deny in a ${POLICY_TYPE_LABEL[d.decidedBy as keyof typeof POLICY_TYPE_LABEL]} applies.`
        : `${capital(name(deny))} denies it, and an explicit deny overrides every allow.`,
    )
  } else if (d.decision === 'ImplicitlyDenied') {
    const label = POLICY_TYPE_LABEL[d.decidedBy as keyof typeof POLICY_TYPE_LABEL]
    parts.push(`Implicitly denied: ${what}.`)
    parts.push(
      d.protectedResource !== undefined
        ? PROTECTED[d.protectedResource]
        : d.decidedBy === 'resource' && d.resourcePolicyKind === 'trust'
          ? 'The role trust policy does not allow this principal.'
          : d.decidedBy === 'resource' && d.crossAccount
            ? 'The request crosses accounts and no resource-based policy allows it.'
            : `No ${label} allows it.`,
    )
  } else {
    const allows = d.matchedStatements.filter((m) => m.effect === 'Allow')
    parts.push(`Allowed: ${what}.`)
    if (d.decidedBy === 'root-user') parts.push('The account root user needs no identity policy.')
    if (d.decidedBy === 'always-allowed') {
      parts.push(`AWS allows ${d.action} whatever the policies say.`)
    }
    const shown = allows.slice(0, 3).map(name)
    if (shown.length > 0) {
      parts.push(
        `Allowed by ${shown.join('; ')}${allows.length > 3 ? ` and ${allows.length - 3} more` : ''}.`,
      )
    }
    if (d.crossAccount) parts.push('Cross-account: both the caller and the resource side allow it.')
  }
  if (d.missingContextKeys.length > 0) {
    parts.push(`Context keys missing from the request: ${d.missingContextKeys.join(', ')}.`)
  }
  return parts.join(' ')
}

const capital = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1)
