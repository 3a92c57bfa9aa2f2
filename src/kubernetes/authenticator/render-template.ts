// The templates aws-auth usernames and groups may hold: {{AccountID}}, {{SessionName}} (with `@`
// turned into `-`), {{SessionNameRaw}}, {{AccessKeyID}}, and {{EC2PrivateDNSName}}, which reads the
// session name as an EC2 instance id and finds that instance among the cluster's Node objects
// (where aws-iam-authenticator asks EC2's DescribeInstances).
import type { Node } from '../objects.js'
import type { AwsIdentity } from './aws-identity.js'

/** An EC2 instance id as the authenticator recognises one in a session name. */
const INSTANCE_ID = /^i-(\w{8}|\w{17})$/
/** A node's spec.providerID on AWS: `aws:///ZONE/INSTANCE_ID`. */
const AWS_PROVIDER_ID = /^aws:\/\/\/[^/]+\/(i-\w+)$/
const PLACEHOLDER = /\{\{(EC2PrivateDNSName|AccountID|SessionName|SessionNameRaw|AccessKeyID)\}\}/g

/** The private DNS name of an instance: the InternalDNS address of the node it runs. */
export function privateDnsName(nodes: readonly Node[], instanceId: string): string | undefined {
  for (const node of nodes) {
    const match = AWS_PROVIDER_ID.exec(node.spec?.providerID ?? '')
    if (match?.[1] !== instanceId) continue
    const address = node.status?.addresses?.find((entry) => entry.type === 'InternalDNS')
    if (address && address.address !== '') return address.address
  }
  return undefined
}

export type TemplateIdentity = Pick<AwsIdentity, 'accountId' | 'sessionName' | 'accessKeyId'>

/** A username or group with its placeholders filled in; throws an Error when one cannot be. */
export function renderTemplate(
  template: string,
  identity: TemplateIdentity,
  nodes: readonly Node[],
): string {
  let dnsName: string | undefined
  if (template.includes('{{EC2PrivateDNSName}}')) {
    if (!INSTANCE_ID.test(identity.sessionName)) {
      throw new Error('SessionName did not contain an instance id')
    }
    dnsName = privateDnsName(nodes, identity.sessionName)
    if (dnsName === undefined) throw new Error(`failed to find node ${identity.sessionName}`)
  }
  // One pass, so that a value (a node's address is cluster data) is never read as a template.
  return template.replace(PLACEHOLDER, (_, name: string) => {
    switch (name) {
      case 'EC2PrivateDNSName':
        return dnsName ?? ''
      case 'AccountID':
        return identity.accountId
      case 'SessionName':
        return identity.sessionName.replaceAll('@', '-')
      case 'SessionNameRaw':
        return identity.sessionName
      default:
        return identity.accessKeyId
    }
  })
}
