// The slice of OpenAPI v3 kubectl reads before it writes: the index at /openapi/v3 and, per group
// version, each resource's PATCH operation with its group-version-kind and the `fieldValidation`
// query parameter. That tells kubectl the server validates fields itself (it then sends
// `fieldValidation=Strict` and validates nothing client-side), and, with no request body schema
// listed, that it should compute apply patches from its own built-in types.
import { createHash } from 'node:crypto'
import { KUBERNETES_VERSION } from './discovery.js'
import type { GroupVersion } from './resources.js'
import { groupVersions } from './resources.js'

const FIELD_VALIDATION = {
  name: 'fieldValidation',
  in: 'query',
  description:
    'fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore - Warn - Strict',
  schema: { type: 'string', uniqueItems: true },
}

const pathOf = (entry: GroupVersion): string =>
  entry.group === '' ? `api/${entry.version}` : `apis/${entry.group}/${entry.version}`

/** The OpenAPI v3 documents, built once; each group version's has a hash kubectl caches by. */
export class OpenApiV3 {
  private readonly documents = new Map<string, { body: string; hash: string }>()
  private readonly index: string

  constructor() {
    const paths: Record<string, { serverRelativeURL: string }> = {}
    for (const entry of groupVersions()) {
      const body = JSON.stringify(this.groupVersionDocument(entry))
      const hash = createHash('sha512').update(body).digest('hex').toUpperCase()
      const path = pathOf(entry)
      this.documents.set(path, { body, hash })
      paths[path] = { serverRelativeURL: `/openapi/v3/${path}?hash=${hash}` }
    }
    this.index = JSON.stringify({ paths })
  }

  /** GET /openapi/v3. */
  root(): string {
    return this.index
  }

  /** GET /openapi/v3/PATH (PATH: `api/v1`, `apis/GROUP/VERSION`), or undefined. */
  document(path: string): { body: string; hash: string } | undefined {
    return this.documents.get(path)
  }

  private groupVersionDocument(entry: GroupVersion): object {
    const paths: Record<string, object> = {}
    for (const resource of entry.resources) {
      if (!resource.verbs.includes('patch')) continue
      const scope = resource.namespaced ? 'namespaces/{namespace}/' : ''
      paths[`/${pathOf(entry)}/${scope}${resource.resource}/{name}`] = {
        patch: {
          description: `partially update the specified ${resource.kind}`,
          operationId: `patch${resource.kind}`,
          parameters: [FIELD_VALIDATION],
          responses: { '200': { description: 'OK' } },
          'x-kubernetes-action': 'patch',
          'x-kubernetes-group-version-kind': {
            group: resource.group,
            version: resource.version,
            kind: resource.kind,
          },
        },
      }
    }
    return {
      openapi: '3.0.0',
      info: { title: 'Kubernetes', version: KUBERNETES_VERSION.gitVersion },
      paths,
    }
  }
}
