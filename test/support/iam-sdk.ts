// An @aws-sdk/client-iam client for a test server: no retries, so a refusal surfaces at once.
import { IAMClient } from '@aws-sdk/client-iam'
import type { Credentials } from './aws-cli.js'

export const iamSdk = (endpoint: string, credentials: Credentials): IAMClient =>
  new IAMClient({ endpoint, region: 'us-east-1', credentials, maxAttempts: 1 })

/** The error a promise rejected with (fails when it resolved). */
export async function rejection(promise: Promise<unknown>): Promise<Error & AwsErrorFields> {
  try {
    await promise
  } catch (error) {
    if (error instanceof Error) return error as Error & AwsErrorFields
    throw error
  }
  throw new Error('expected the call to fail, and it succeeded')
}

export interface AwsErrorFields {
  $fault?: string
  $metadata?: { httpStatusCode?: number; requestId?: string }
  Type?: string
}
