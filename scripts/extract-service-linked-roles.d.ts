// Types of scripts/extract-service-linked-roles.js, for the test that checks its output.
import type { ServiceLinkedRoleService } from '../src/iam/service-linked-roles.js'

export function trustPolicyFor(service: string): unknown
export function deriveServiceLinkedRoles(snapshot: unknown): ServiceLinkedRoleService[]
export function serviceLinkedRolesJson(
  entries: readonly ServiceLinkedRoleService[],
  file: string,
): Promise<string>
