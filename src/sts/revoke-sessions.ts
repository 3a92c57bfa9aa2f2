// Revoking a role's active sessions the way AWS's console does: an inline role policy named
// AWSRevokeOlderSessions that denies everything to sessions issued before now. Sessions issued
// later are unaffected; putting it again moves the cut-off.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_revoke-sessions.html

export const REVOKE_OLDER_SESSIONS_POLICY_NAME = 'AWSRevokeOlderSessions'

/**
 * The policy document AWS's console puts on the role, with `now` as the cut-off. The cut-off keeps
 * its milliseconds (sessions record their issue time to the millisecond), so a session issued a
 * moment later in the same second is not revoked with the older ones.
 */
export function revokeOlderSessionsPolicy(now: Date): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Deny',
        Action: ['*'],
        Resource: ['*'],
        Condition: { DateLessThan: { 'aws:TokenIssueTime': now.toISOString() } },
      },
    ],
  })
}
