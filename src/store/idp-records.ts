// The built-in identity provider's records: its directory (users, groups, memberships), and per
// account the AWS Account Federation app (its settings, signing keys and role assignments).
// Secrets (TOTP seeds, the app's IAM secret key, its cookie key, signing keys) are sealed at rest.
import type { Tag } from './ports.js'

/** A person who signs in to the IdP: a name unique per account (without regard to case). */
export interface IdpUserRecord {
  accountId: string
  userId: string
  userName: string
  email: string | null
  /** An scrypt PHC string (core/password-hash.ts); the password itself is never kept. */
  passwordHash: string
  passwordChanged: Date
  /** The RFC 4648 base32 TOTP seed when a second factor is required; null when not. */
  totpSeed: string | null
  /** The last TOTP time step a code was accepted for, so that a code is good once. */
  totpLastStep: number | null
  /** Sent as `PrincipalTag:KEY` attributes: the session tags of the roles the user assumes. */
  sessionTags: Tag[]
  createDate: Date
}

export interface IdpGroupRecord {
  accountId: string
  groupId: string
  groupName: string
  createDate: Date
}

export type IdpPrincipalType = 'user' | 'group'

/** A user or group assigned to an IAM role: the app offers the role to them. */
export interface IdpAssignmentRecord {
  accountId: string
  principalType: IdpPrincipalType
  principalId: string
  roleArn: string
  createDate: Date
}

/** The AWS Account Federation app of one account. */
export interface IdpAppRecord {
  accountId: string
  createDate: Date
  /** The IAM user's access key the app lists the account's roles and aliases with. */
  accessKeyId: string | null
  secretAccessKey: string | null
  /** The IAM SAML provider assertions name; null: the one each role's trust policy names. */
  providerArn: string | null
  /** The SessionDuration attribute sent, in seconds. */
  sessionDuration: number
  /** 32 random bytes (base64) that seal the browser sessions' cookies. */
  cookieKey: string
}

/**
 * A key the app signs responses with. A key is published in the metadata from the moment it is
 * made, signs only once promoted (signingSince), and stays published a while after it retired.
 */
export interface IdpSigningKeyRecord {
  accountId: string
  keyId: string
  /** PKCS#8 PEM. */
  privateKey: string
  /** The self-signed X.509 certificate the metadata publishes, PEM. */
  certificate: string
  createDate: Date
  /** When it began signing; null while it is the next key. */
  signingSince: Date | null
  /** When it stopped signing; null until then. */
  retireDate: Date | null
}
