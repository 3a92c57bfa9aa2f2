// The clusters' endpoints at `/clusters/NAME/...` (webhooks and the Kubernetes API face): the http
// layer only recognises the path and hands the request to the handler main.ts wired in.
import type { HttpRequest, HttpResponse } from './http-message.js'

/** What answers a cluster request; src/kubernetes/api's createClusterApi in rolegate. */
export interface ClusterEndpoints {
  handle(request: HttpRequest): Promise<HttpResponse>
}

/** True for the paths clusterRoute answers when clusters are served. */
export const isClusterPath = (path: string): boolean => path.startsWith('/clusters/')

/** The cluster endpoint's answer, or undefined when the path is not a cluster's. */
export async function clusterRoute(
  request: HttpRequest,
  clusters: ClusterEndpoints | undefined,
): Promise<HttpResponse | undefined> {
  if (!clusters || !isClusterPath(request.path)) return undefined
  return clusters.handle(request)
}
