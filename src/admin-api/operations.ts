// Every operation of rolegate's admin API, gathered from the families that implement them.
import type { Shape } from '../core/input.js'
import { accountOperations } from './accounts.js'
import { clusterOperations } from './clusters.js'
import { clusterTokenOperations } from './cluster-tokens.js'
import { issuerOperations } from './issuers.js'
import { idpDirectoryOperations } from './idp-directory.js'
import type { AdminOperation } from './operation.js'
import { sessionKeyOperations } from './session-keys.js'

export const adminOperations: readonly AdminOperation<Shape, unknown>[] = [
  ...issuerOperations,
  ...sessionKeyOperations,
  ...accountOperations,
  ...clusterOperations,
  ...idpDirectoryOperations,
  ...clusterTokenOperations,
]
