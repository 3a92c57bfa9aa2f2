// Builders the RBAC tests share: requests in the apiserver's attribute shape and cluster objects
// from Kubernetes YAML.
import { parseAllDocuments } from 'yaml'
import type { ClusterObject, RequestAttributes, UserInfo } from '../../../src/kubernetes/objects.js'

export interface ResourceFields {
  group?: string
  resource: string
  subresource?: string
  namespace?: string
  name?: string
}

export function resourceRequest(
  user: UserInfo,
  verb: string,
  fields: ResourceFields,
): RequestAttributes {
  return {
    user,
    resourceRequest: true,
    verb,
    apiGroup: fields.group ?? '',
    apiVersion: 'v1',
    resource: fields.resource,
    subresource: fields.subresource ?? '',
    namespace: fields.namespace ?? '',
    name: fields.name ?? '',
  }
}

export const pathRequest = (user: UserInfo, verb: string, path: string): RequestAttributes => ({
  user,
  resourceRequest: false,
  verb,
  path,
})

export const userNamed = (username: string, ...groups: string[]): UserInfo => ({
  username,
  groups,
})

/** Every document of a multi-document YAML text, as cluster objects. */
export function objectsFromYaml(text: string): ClusterObject[] {
  return parseAllDocuments(text)
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(doc.errors.map((e) => e.message).join('; '))
      return doc.toJS() as ClusterObject | null
    })
    .filter((object): object is ClusterObject => object !== null)
}
