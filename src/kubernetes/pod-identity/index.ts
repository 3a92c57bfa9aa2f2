// Pod identity (IRSA): the mutating admission webhook of amazon-eks-pod-identity-webhook, pure.
// readPod -> decidePatch -> podPatch, wrapped in the AdmissionReview exchange.
export { ADMISSION_VERSIONS, badRequest, reviewPodAdmission } from './admission-review.js'
export type {
  AdmissionResponse,
  AdmissionReviewAnswer,
  MutationSettings,
  ReviewStatus,
  WebhookAnswer,
} from './admission-review.js'
export * from './annotations.js'
export { clusterMutationSettings, indexCluster } from './cluster-settings.js'
export type { ClusterIndex } from './cluster-settings.js'
export {
  DEFAULT_MOUNT_PATH,
  TOKEN_FILE_NAME,
  TOKEN_VOLUME_NAME,
  decidePatch,
} from './patch-config.js'
export type {
  ContainerCredentials,
  Credentials,
  PatchConfig,
  PatchDecision,
  WebhookSettings,
} from './patch-config.js'
export { POD_IDENTITY_LABEL, jsonPointer, podPatch, tokenFilePath } from './pod-patch.js'
export type { PatchOperation } from './pod-patch.js'
export { PodDecodeError, readPod } from './pod-view.js'
export type { ContainerView, PodView } from './pod-view.js'
export {
  MAX_SERVICE_ACCOUNT_TOKEN_SECONDS,
  MIN_SERVICE_ACCOUNT_TOKEN_SECONDS,
  mintServiceAccountToken,
  projectedDefaults,
} from './service-account-token.js'
export type { ServiceAccountTokenRequest } from './service-account-token.js'
export { PodIdentityWebhook } from './pod-identity-webhook.js'
export { issuerServiceAccountTokens } from './issuer-tokens.js'
export type { IssuerTokenDeps } from './issuer-tokens.js'
