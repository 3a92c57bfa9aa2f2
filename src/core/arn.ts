// ARN parsing and formatting. The partition is always `aws` for entities rolegate owns.

export interface Arn {
  partition: string
  service: string
  region: string
  account: string
  /** Everything after the fifth colon, e.g. `role/path/name`. */
  resource: string
}

export function parseArn(text: string): Arn | undefined {
  if (!text.startsWith('arn:')) return undefined
  const parts = text.split(':')
  if (parts.length < 6) return undefined
  const [, partition, service, region, account] = parts as [string, string, string, string, string]
  if (partition === '' || service === '') return undefined
  return { partition, service, region, account, resource: parts.slice(5).join(':') }
}

export const formatArn = (arn: Arn): string =>
  `arn:${arn.partition}:${arn.service}:${arn.region}:${arn.account}:${arn.resource}`

/** `arn:aws:iam::ACCOUNT:KIND/PATH/NAME`, where path starts and ends with `/`. */
export const iamArn = (account: string, kind: string, path: string, name: string): string =>
  `arn:aws:iam::${account}:${kind}${path}${name}`

export const assumedRoleArn = (account: string, roleName: string, sessionName: string): string =>
  `arn:aws:sts::${account}:assumed-role/${roleName}/${sessionName}`

/** A federated user session's ARN (GetFederationToken): `...:federated-user/NAME`. */
export const federatedUserArn = (account: string, name: string): string =>
  `arn:aws:sts::${account}:federated-user/${name}`

export const AWS_MANAGED_POLICY_PREFIX = 'arn:aws:iam::aws:policy'
