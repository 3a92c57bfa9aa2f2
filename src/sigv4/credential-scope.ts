// Step 2 (scope part): the credential scope date/region/service/aws4_request that binds a signature
// to one day, one region and one service.

import { SCOPE_TERMINATOR } from './request.js'

export interface CredentialScope {
  /** YYYYMMDD */
  date: string
  region: string
  service: string
}

export const formatCredentialScope = (scope: CredentialScope): string =>
  `${scope.date}/${scope.region}/${scope.service}/${SCOPE_TERMINATOR}`
