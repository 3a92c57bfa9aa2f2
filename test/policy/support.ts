// Test helpers: policies written as JSON objects go through the real parser and compiler.
import { compilePolicy } from '../../src/policy/compile-policy.js'
import type { CompiledPolicy, CompiledPolicyKind } from '../../src/policy/compile-policy.js'
import { parsePolicy } from '../../src/policy/parse-policy.js'
import type { PolicyKind } from '../../src/policy/parse-policy.js'
import type { RequestPrincipal } from '../../src/policy/principal.js'

export const ACCOUNT = '123456789012'
export const OTHER = '210987654321'

const parseKind = (kind: CompiledPolicyKind): PolicyKind =>
  kind === 'scp' ? 'identity' : kind === 'rcp' ? 'resource' : kind

/** Parses (as `kind`) and compiles a policy given as a JSON object, pretty-printed. */
export function policy(
  document: unknown,
  id = 'test-policy',
  kind: CompiledPolicyKind = 'identity',
): CompiledPolicy {
  const text = JSON.stringify(document, null, 2)
  return compilePolicy(parsePolicy(text, parseKind(kind)), id, kind)
}

/** One-statement 2012-10-17 policy. */
export const allow = (statement: Record<string, unknown>, id?: string, kind?: CompiledPolicyKind) =>
  policy({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', ...statement }] }, id, kind)
export const deny = (statement: Record<string, unknown>, id?: string, kind?: CompiledPolicyKind) =>
  policy({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', ...statement }] }, id, kind)

export const user = (name: string, account = ACCOUNT): RequestPrincipal => ({
  kind: 'user',
  arn: `arn:aws:iam::${account}:user/${name}`,
  account,
})

export const roleSession = (
  role: string,
  session: string,
  account = ACCOUNT,
): RequestPrincipal => ({
  kind: 'assumed-role',
  arn: `arn:aws:sts::${account}:assumed-role/${role}/${session}`,
  account,
  roleArn: `arn:aws:iam::${account}:role/${role}`,
})

export const root = (account = ACCOUNT): RequestPrincipal => ({
  kind: 'root',
  arn: `arn:aws:iam::${account}:root`,
  account,
})
