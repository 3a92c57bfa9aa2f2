// Every IAM operation rolegate serves, gathered from the families that implement them.
import type { IamOperation } from './operation.js'
import { userOperations } from './users.js'
import { groupOperations } from './groups.js'
import { accessKeyOperations } from './access-keys.js'
import { roleOperations } from './roles.js'
import { accountOperations } from './account.js'
import { managedPolicyOperations } from './managed-policies.js'
import { attachmentOperations } from './attachments.js'
import { inlinePolicyOperations } from './inline-policies.js'
import { oidcProviderOperations } from './oidc-providers.js'
import { samlProviderOperations } from './saml-providers.js'
import { simulateOperations } from './simulate.js'
import { mfaDeviceOperations } from './mfa-devices.js'
import { serviceLinkedRoleOperations } from './service-linked-roles.js'
import { credentialReportOperations } from './credential-report.js'
import { instanceProfileOperations } from './instance-profiles.js'
import { loginProfileOperations } from './login-profiles.js'
import { passwordPolicyOperations } from './password-policy.js'
import { accountSummaryOperations } from './account-summary.js'

export const iamOperations: readonly IamOperation[] = [
  ...userOperations,
  ...groupOperations,
  ...accessKeyOperations,
  ...roleOperations,
  ...accountOperations,
  ...managedPolicyOperations,
  ...attachmentOperations,
  ...inlinePolicyOperations,
  ...oidcProviderOperations,
  ...samlProviderOperations,
  ...simulateOperations,
  ...mfaDeviceOperations,
  ...serviceLinkedRoleOperations,
  ...credentialReportOperations,
  ...instanceProfileOperations,
  ...loginProfileOperations,
  ...passwordPolicyOperations,
  ...accountSummaryOperations,
]
