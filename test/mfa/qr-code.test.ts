// The QR code a virtual MFA device is handed out with, decoded back from its PNG; and the key URI
// it holds, in the form AWS writes it.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { awsKeyUri, qrCodePng } from '../../src/mfa/index.js'
import { decodeQrPng } from '../support/qr-decode.js'

const SEED = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP'

test('the key URI names the device at the account, with the issuer AWS gives', () => {
  // As decoded from a QRCodePNG of `aws iam create-virtual-mfa-device` (device fvogtMFADevice,
  // account alias linux240b): otpauth://totp/Amazon%20Web%20Services:fvogtMFADevice@linux240b?
  // secret=<SECRET>&issuer=Amazon%20Web%20Services.
  assert.equal(
    awsKeyUri('fvogtMFADevice', 'linux240b', SEED),
    `otpauth://totp/Amazon%20Web%20Services:fvogtMFADevice@linux240b?secret=${SEED}&issuer=Amazon%20Web%20Services`,
  )
  // Characters a device name may hold that a URI path would misread are escaped.
  assert.equal(
    awsKeyUri('a+b=c,d@e', '123456789012', SEED),
    `otpauth://totp/Amazon%20Web%20Services:a%2Bb%3Dc%2Cd%40e@123456789012?secret=${SEED}&issuer=Amazon%20Web%20Services`,
  )
})

test('the PNG is a QR code that decodes to the text it was made from', async () => {
  const text = awsKeyUri('alice', '123456789012', SEED)
  const png = await qrCodePng(text)
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
  assert.equal(decodeQrPng(png), text)
})
