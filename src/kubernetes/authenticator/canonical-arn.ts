// The ARN an identity is mapped by, as aws-iam-authenticator canonicalises it: an STS role
// session `assumed-role/NAME/SESSION` stands for its role `role/NAME`; users, root and federated
// users stand for themselves. And the path-stripping of role ARNs written in aws-auth, which EKS
// documents as needed (its mapRoles entries cannot carry a path).

/** What kind of principal an ARN names. */
export type PrincipalType = 'role' | 'user' | 'root' | 'federated-user' | 'assumed-role'

/** The partitions the authenticator recognises. */
export const PARTITIONS: readonly string[] = [
  'aws',
  'aws-cn',
  'aws-us-gov',
  'aws-iso',
  'aws-iso-b',
  'aws-iso-e',
  'aws-iso-f',
  'aws-eusc',
]

interface ArnParts {
  partition: string
  service: string
  account: string
  resource: string
}

/** The ARN's sections, or an error in the words of the AWS SDK's ARN parser. */
function split(arn: string): ArnParts {
  if (!arn.startsWith('arn:')) throw new Error(`arn '${arn}' is invalid: 'arn: invalid prefix'`)
  const sections = arn.split(':')
  if (sections.length < 6) {
    throw new Error(`arn '${arn}' is invalid: 'arn: not enough sections'`)
  }
  const [, partition = '', service = '', , account = ''] = sections
  if (!PARTITIONS.includes(partition)) {
    throw new Error(`arn '${arn}' does not have a recognized partition`)
  }
  return { partition, service, account, resource: sections.slice(5).join(':') }
}

export interface CanonicalArn {
  type: PrincipalType
  arn: string
}

/** The canonical principal ARN of a caller's ARN; throws an Error saying why it has none. */
export function canonicalizeArn(arn: string): CanonicalArn {
  const { partition, service, account, resource } = split(arn)
  const parts = resource.split('/')
  const kind = parts[0]
  if (service === 'sts') {
    if (kind === 'federated-user') return { type: 'federated-user', arn }
    if (kind === 'assumed-role') {
      if (parts.length < 3) throw new Error(`assumed-role arn '${arn}' does not have a role`)
      // Everything between the kind and the session name; STS writes no path there, but if it
      // ever did, it would stay part of the role.
      const role = parts.slice(1, -1).join('/')
      return { type: 'assumed-role', arn: `arn:${partition}:iam::${account}:role/${role}` }
    }
    throw new Error(`unrecognized resource ${resource} for service sts`)
  }
  if (service === 'iam') {
    if (kind === 'role' || kind === 'user' || kind === 'root') return { type: kind, arn }
    throw new Error(`unrecognized resource ${resource} for service iam`)
  }
  throw new Error(`service ${service} in arn ${arn} is not a valid service for identities`)
}

/**
 * A role ARN without its path (`role/team/admin` -> `role/admin`), as a mapRoles entry must be
 * written to match the pathless role of an assumed-role session; other ARNs are unchanged.
 */
export function stripRolePath(arn: string): string {
  const { partition, account, resource } = split(arn)
  const parts = resource.split('/')
  if (parts[0] !== 'role' || parts.length <= 2) return arn
  return `arn:${partition}:iam::${account}:role/${parts[parts.length - 1] ?? ''}`
}

/**
 * The warning for a mapRoles ARN written with a path, which the mapping loads without it; undefined
 * for an ARN without a path (or no ARN at all, which the parser refuses on its own).
 */
export function rolePathWarning(rolearn: string): string | undefined {
  let stripped: string
  try {
    stripped = stripRolePath(rolearn)
  } catch {
    return undefined
  }
  if (stripped === rolearn) return undefined
  return (
    `mapRoles rolearn ${rolearn} has a path, which aws-auth ARNs cannot carry ` +
    `(https://docs.aws.amazon.com/eks/latest/userguide/troubleshooting_iam.html): ` +
    `it is matched as ${stripped}`
  )
}
