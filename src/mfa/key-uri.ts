// The otpauth:// key URI an authenticator app reads from a virtual MFA device's QR code, in the
// form AWS writes it: `otpauth://totp/Amazon%20Web%20Services:DEVICE@ACCOUNT?secret=SEED&issuer=
// Amazon%20Web%20Services`, where ACCOUNT is the account's alias or, without one, its id. The API
// Reference (VirtualMFADevice, QRCodePNG) documents `otpauth://totp/$virtualMFADeviceName@
// $AccountName?secret=$Base32String`; AWS's codes also name the issuer, in the label and as a
// parameter, as the Google Authenticator key URI format asks.

export const AWS_ISSUER = 'Amazon Web Services'

export function awsKeyUri(deviceName: string, accountName: string, seed: string): string {
  const issuer = encodeURIComponent(AWS_ISSUER)
  const label = `${issuer}:${encodeURIComponent(deviceName)}@${encodeURIComponent(accountName)}`
  return `otpauth://totp/${label}?secret=${seed}&issuer=${issuer}`
}
