// The policies a simulation reads: stored ones (a fault of ours when one no longer parses) and ones
// passed in the request (the caller's InvalidInput), each compiled once per text in the cache the
// caller owns, and named as the simulator reports them.
import { AwsError, invalidInput } from '../core/errors.js'
import { stringList } from '../core/input.js'
import { compilePolicy } from '../policy/index.js'
import type { CompiledPolicy, CompiledPolicyKind, PolicyCache } from '../policy/index.js'
import type { PolicyText } from '../authorization/authorizer.js'
import { POLICY_DOCUMENT } from './names.js'

/** One policy document in simulator input, with IAM's length and character rules. */
export const documentItem = { min: 1, max: 131072, pattern: POLICY_DOCUMENT }
/** A list of policy documents, as the simulator's *PolicyInputList parameters take them. */
export const policyList = (required = false) => stringList({ required, item: documentItem })

/**
 * IAM's SourcePolicyId for a stored policy: a managed policy's name (`AdministratorAccess`), and
 * `TYPE_ENTITY_POLICY` for an inline one (recorded from AWS for roles:
 * `role_ecs-task-execution-role-ce-grp-4r_ecs_execution_secrets`; users and groups follow suit).
 */
export function sourcePolicyId(policy: PolicyText): string {
  if (policy.source.startsWith('arn:'))
    return policy.source.slice(policy.source.lastIndexOf('/') + 1)
  // Entity and policy names cannot hold `/`, so the label splits cleanly.
  return policy.source.split('/').join('_')
}

/** A stored policy, compiled once per text in the caller's cache. */
export function compileStored(policy: PolicyText, policies: PolicyCache): CompiledPolicy {
  const id = sourcePolicyId(policy)
  // A boundary naming a policy that no longer exists allows nothing, as at authorisation.
  if (policy.text === undefined) return compilePolicy({ statements: [] }, id, policy.kind)
  try {
    return policies.get(policy.text, policy.kind, id)
  } catch (error) {
    const reason = error instanceof AwsError ? error.message : String(error)
    throw new Error(`stored policy ${policy.source} does not parse: ${reason}`, { cause: error })
  }
}

/** A policy passed in the request: a document that does not parse is the caller's InvalidInput. */
export function compileInput(
  policies: PolicyCache,
  text: string,
  kind: CompiledPolicyKind,
  id: string,
): CompiledPolicy {
  try {
    return policies.get(text, kind, id)
  } catch (error) {
    if (error instanceof AwsError && error.code === 'MalformedPolicyDocument') {
      throw invalidInput(error.message)
    }
    throw error
  }
}
