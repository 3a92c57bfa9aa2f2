// Types of scripts/extract-rbac-bootstrap.js, for the test that checks its output.
import type { ClusterRole, ClusterRoleBinding } from '../src/kubernetes/objects.js'

export interface BootstrapPolicyData {
  source: string
  clusterRoles: ClusterRole[]
  clusterRoleBindings: ClusterRoleBinding[]
}

export const NEWER_BINDINGS: ClusterRoleBinding[]
export function deriveBootstrapPolicy(
  clusterRolesYaml: string,
  clusterRoleBindingsYaml: string,
): BootstrapPolicyData
export function bootstrapPolicyJson(policy: BootstrapPolicyData, file: string): Promise<string>
