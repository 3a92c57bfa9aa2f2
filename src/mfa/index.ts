// Virtual MFA devices' cryptography, shared by IAM (enabling, resyncing) and STS (signing in).
export {
  SEED_BYTES,
  SIGN_IN_WINDOW,
  SYNC_WINDOW,
  acceptConsecutiveCodes,
  acceptSignInCode,
  seedFromBytes,
  timeStep,
} from './totp.js'
export type { AcceptedCode, DeviceClock } from './totp.js'
export { AWS_ISSUER, awsKeyUri } from './key-uri.js'
export { qrCodePng } from './qr-code.js'
