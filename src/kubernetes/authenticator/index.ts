// EKS-style bearer tokens (`aws eks get-token`) verified against rolegate's own STS in process and
// mapped through a cluster's aws-auth: the public surface the kubectl face and the webhook call.
//
//   const authenticator = new TokenAuthenticator({ verifier, awsAuthOf })
//   authenticator.authenticateToken(token: string, cluster: ClusterSnapshot)
//     : Promise<{ user: UserInfo; identity: AwsIdentity } | { error: string; kind: RejectionKind }>
//
// - `token` is the bearer token as received (`k8s-aws-v1.` + base64url of a presigned
//   GetCallerIdentity URL that signs `x-k8s-aws-id: CLUSTER`); `cluster` the cluster it is for.
// - `user` is the TokenReview's status.user: username and groups from aws-auth (plus
//   `system:authenticated`), uid `aws-iam-authenticator:ACCOUNT:USERID`, and the authenticator's
//   extra fields (arn, canonicalArn, sessionName, accessKeyId, principalId and
//   sigs.k8s.io/aws-iam-authenticator/principalId).
// - `error` is aws-iam-authenticator's wording (`input token was not properly formatted: ...`,
//   `sts getCallerIdentity failed: ...`, `identity is not mapped: ARN ...`); `kind` says which
//   step refused ('format' | 'sts' | 'mapping'). A bad token never throws.
//
// The composition root wires the ports: `verifier` is a TokenVerifier over the HTTP layer's
// credential resolvers, its crypto and clock, and rolegate's public URL as the one STS endpoint
// (src/composition/compose-app.ts, `eksTokens`); `awsAuthOf` is the cluster objects' aws-auth parser.
export type { AwsIdentity, CallerIdentityResult } from './aws-identity.js'
export { awsIdentity, callerIdentityResult } from './aws-identity.js'
export type { CanonicalArn, PrincipalType } from './canonical-arn.js'
export { PARTITIONS, canonicalizeArn, rolePathWarning, stripRolePath } from './canonical-arn.js'
export type { MappedUser } from './map-identity.js'
export { RESERVED_USERNAME_PREFIXES, mapIdentity } from './map-identity.js'
export type { PresignedCall, ReadTokenOptions, StsEndpoint } from './read-token.js'
export {
  ALLOWED_QUERY_PARAMETERS,
  CLUSTER_ID_HEADER,
  MAX_TOKEN_BYTES,
  TOKEN_LIFETIME_SECONDS,
  TOKEN_PREFIX,
  readToken,
  stsEndpoint,
} from './read-token.js'
export { privateDnsName, renderTemplate } from './render-template.js'
export type {
  AwsAuthOf,
  TokenAuthentication,
  TokenAuthenticatorDeps,
} from './token-authenticator.js'
export { AUTHENTICATED_GROUP, TokenAuthenticator, userInfo } from './token-authenticator.js'
export type { RejectionKind } from './token-rejection.js'
export { TokenRejection } from './token-rejection.js'
export type { TokenVerification, TokenVerifierDeps } from './token-verifier.js'
export { TokenVerifier } from './token-verifier.js'
