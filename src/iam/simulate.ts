// IAM's policy simulator: SimulatePrincipalPolicy and SimulateCustomPolicy, answered by the same
// policy engine that authorises requests; with the GetContextKeysFor*Policy calls, the family.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_testing-policies.html
import { parseArn } from '../core/arn.js'
import { invalidInput } from '../core/errors.js'
import { optionalString, stringList } from '../core/input.js'
import type { ResultObject } from '../core/result.js'
import { simulatePolicies } from '../policy/index.js'
import type {
  CompiledPolicy,
  PolicyCache,
  RequestContext,
  RequestPrincipal,
} from '../policy/index.js'
import { arn } from './names.js'
import type { IamOperation } from './operation.js'
import { defineOperation } from './operation.js'
import { paginate, pagingInput } from './pagination.js'
import { contextKeyOperations } from './simulate-context-keys.js'
import { contextEntryList, simulationContext } from './simulation-context.js'
import type { ContextEntry } from './simulation-context.js'
import { compileInput, documentItem, policyList } from './simulation-policies.js'
import { loadPrincipalSimulation, simulatedPrincipal } from './simulation-principal.js'
import { renderEvaluationResult } from './simulation-result.js'

/** ResourceOwner is an account id, or (SimulateCustomPolicy) an account's `...:root` ARN. */
function resourceOwnerAccount(owner: string | undefined): string | undefined {
  if (owner === undefined) return undefined
  const parsed = parseArn(owner)
  return parsed === undefined ? owner : parsed.account
}

/** Everything one simulation call evaluates. */
export interface SimulationSetup {
  principal: RequestPrincipal
  identity: readonly CompiledPolicy[]
  boundary: CompiledPolicy | undefined
  resourcePolicy: CompiledPolicy | undefined
  resourceOwner: string | undefined
  context: RequestContext
}

/** Runs one action over the resources (`*` when none) and renders AWS's EvaluationResult. */
function simulateAction(
  setup: SimulationSetup,
  action: string,
  resources: readonly string[] | undefined,
): ResultObject {
  const results = simulatePolicies({
    principal: setup.principal,
    actions: [action],
    ...(resources === undefined ? {} : { resources }),
    ...(setup.resourceOwner === undefined ? {} : { resourceOwner: setup.resourceOwner }),
    context: setup.context,
    identityPolicies: setup.identity,
    ...(setup.boundary === undefined ? {} : { permissionsBoundary: setup.boundary }),
    ...(setup.resourcePolicy === undefined ? {} : { resourcePolicy: setup.resourcePolicy }),
  })
  const given = resources !== undefined && resources.length > 0
  return renderEvaluationResult(action, results, given)
}

const sharedInput = {
  PermissionsBoundaryPolicyInputList: policyList(),
  ActionNames: stringList({ required: true, item: { min: 3, max: 128 } }),
  ResourceArns: stringList({ item: { min: 1, max: 2048 } }),
  ResourcePolicy: optionalString(documentItem),
  ResourceOwner: optionalString({ min: 1, max: 2048 }),
  CallerArn: optionalString({ min: 1, max: 2048 }),
  ContextEntries: contextEntryList(),
  ResourceHandlingOption: optionalString({ min: 1, max: 64 }),
  ...pagingInput,
}

interface SharedInput {
  PolicyInputList?: string[] | undefined
  PermissionsBoundaryPolicyInputList?: string[] | undefined
  ResourcePolicy?: string | undefined
  ResourceOwner?: string | undefined
  CallerArn?: string | undefined
  ContextEntries?: ContextEntry[] | undefined
}

/** The policies and context a request passes in, compiled (InvalidInput when one does not parse). */
function inputPolicies(input: SharedInput, policies: PolicyCache) {
  const identity = (input.PolicyInputList ?? []).map((text, i) =>
    compileInput(policies, text, 'identity', `PolicyInputList.${i + 1}`),
  )
  const boundaries = input.PermissionsBoundaryPolicyInputList ?? []
  if (boundaries.length > 1) {
    throw invalidInput('The list of Permissions Boundary policies cannot exceed 1 items.')
  }
  const boundary =
    boundaries[0] === undefined
      ? undefined
      : compileInput(policies, boundaries[0], 'boundary', 'PermissionsBoundaryPolicyInputList.1')
  const resourcePolicy =
    input.ResourcePolicy === undefined
      ? undefined
      : resourcePolicyInput(policies, input.ResourcePolicy)
  return { identity, boundary, resourcePolicy }
}

/**
 * The ResourcePolicy of a simulation: a resource-based policy, or a role trust policy (which
 * names no Resource), so that sts:AssumeRole* is simulated under the trust policy's own rule
 * that it must allow the caller itself.
 */
function resourcePolicyInput(policies: PolicyCache, text: string): CompiledPolicy {
  try {
    return compileInput(policies, text, 'resource', 'ResourcePolicy')
  } catch (asResource) {
    try {
      return compileInput(policies, text, 'trust', 'ResourcePolicy')
    } catch {
      throw asResource
    }
  }
}

/** Only an IAM user can be the simulated caller; its Principal is what a ResourcePolicy checks. */
function checkCallerArn(callerArn: string | undefined): void {
  if (callerArn === undefined) return
  const parsed = parseArn(callerArn)
  if (parsed === undefined || parsed.service !== 'iam' || !parsed.resource.startsWith('user/')) {
    throw invalidInput(`Invalid CallerArn: ${callerArn} is not the ARN of an IAM user.`)
  }
}

const simulatePrincipalPolicy = defineOperation({
  name: 'SimulatePrincipalPolicy',
  input: { PolicySourceArn: arn(), PolicyInputList: policyList(), ...sharedInput },
  // Authorised against the user, group or role whose policies are disclosed.
  resource: (input) => input.PolicySourceArn,
  store: 'read',
  async run(input, context) {
    const own = await loadPrincipalSimulation(
      context.repo,
      context.accountId,
      input.PolicySourceArn,
      context.policies,
    )
    checkCallerArn(input.CallerArn)
    const extra = inputPolicies(input, context.policies)
    if (extra.resourcePolicy !== undefined && own.entity.type !== 'user' && !input.CallerArn) {
      throw invalidInput(
        'CallerArn is required when a ResourcePolicy is simulated for a PolicySourceArn that is not a user.',
      )
    }
    const setup: SimulationSetup = {
      principal: simulatedPrincipal(context.accountId, input.CallerArn, {
        type: own.entity.type,
        arn: own.arn,
      }),
      identity: [...own.identity, ...extra.identity],
      // A boundary passed in replaces the entity's own for the simulation.
      boundary: extra.boundary ?? own.boundary,
      resourcePolicy: extra.resourcePolicy,
      resourceOwner: resourceOwnerAccount(input.ResourceOwner),
      context: simulationContext(input.ContextEntries),
    }
    return paginate(input.ActionNames ?? [], input, 'EvaluationResults', (action) =>
      simulateAction(setup, action, input.ResourceArns),
    )
  },
})

const simulateCustomPolicy = defineOperation({
  name: 'SimulateCustomPolicy',
  input: { PolicyInputList: policyList(true), ...sharedInput },
  resource: () => '*',
  store: 'read',
  async run(input, context) {
    checkCallerArn(input.CallerArn)
    const policies = inputPolicies(input, context.policies)
    if (policies.resourcePolicy !== undefined && input.CallerArn === undefined) {
      throw invalidInput('CallerArn is required when a ResourcePolicy is simulated.')
    }
    const setup: SimulationSetup = {
      principal: simulatedPrincipal(context.accountId, input.CallerArn),
      ...policies,
      resourceOwner: resourceOwnerAccount(input.ResourceOwner),
      context: simulationContext(input.ContextEntries),
    }
    return paginate(input.ActionNames ?? [], input, 'EvaluationResults', (action) =>
      simulateAction(setup, action, input.ResourceArns),
    )
  },
})

export const simulateOperations: IamOperation[] = [
  simulatePrincipalPolicy,
  simulateCustomPolicy,
  ...contextKeyOperations,
]
