// IAM's exact MalformedPolicyDocument wording, in one place so every check and test agrees on it.
// Sources: the iam-policy-grammar corpus (CreatePolicy answers) and AWS answers quoted in issues.

export const policyMessages = {
  syntax: 'Syntax errors in policy.',
  /** CreateRole/UpdateAssumeRolePolicy answer for text that is not JSON (recorded against AWS). */
  invalidJson: 'This policy contains invalid Json',
  version: 'Policy document must be version 2012-10-17 or greater.',
  legacy: 'The policy failed legacy parsing',
  sidNotUnique: 'Statement IDs (SID) in a single policy must be unique.',
  needActions: 'Policy statement must contain actions.',
  needResources: 'Policy statement must contain resources.',
  actionNeedsVendor: 'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.',
  actionOneColon: 'Actions/Condition can contain only one colon.',
  vendorInvalid: (vendor: string) => `Vendor ${vendor} is not valid`,
  resourceNotArn: (resource: string) => `Resource ${resource} must be in ARN format or "*".`,
  partitionInvalid: (partition: string, resource: string) =>
    `Partition "${partition}" is not valid for resource "${resource}".`,
  resourceVendor: 'Resource vendor must be fully qualified and cannot contain regexes.',
  iamRegion: (resource: string) => `IAM resource ${resource} cannot contain region information.`,
  s3Region: (resource: string) => `Resource ${resource} can not contain region information.`,
  iamPath: (prefixes: readonly string[]) =>
    `IAM resource path must either be "*" or start with ${prefixes.join(', ')}.`,
  principalNotAllowed: 'Policy document should not specify a principal.',
  prohibitedField: (field: string) => `Has prohibited field ${field}`,
  trustActions: 'AssumeRole policy may only specify STS AssumeRole actions.',
  trustNoPrincipal:
    'Invalid principal in policy: com.amazon.balsa.error.InvalidPolicyException: ' +
    'The passed in policy has a statement with no principals!',
  resourcePolicyNoPrincipal: 'Missing required field Principal',
  invalidPrincipal: (type: string, value: string) =>
    `Invalid principal in policy: "${type}":"${value}"`,
} as const
