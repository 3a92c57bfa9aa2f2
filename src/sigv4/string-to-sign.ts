// Step 2: the string to sign: algorithm, request time, credential scope, hash of the canonical request.

import type { Sigv4Crypto } from './crypto.js'
import { ALGORITHM } from './request.js'

export const stringToSign = (
  crypto: Sigv4Crypto,
  amzDate: string,
  credentialScope: string,
  canonicalRequest: string,
): string => [ALGORITHM, amzDate, credentialScope, crypto.sha256Hex(canonicalRequest)].join('\n')
