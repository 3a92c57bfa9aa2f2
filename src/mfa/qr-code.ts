// A QR code as a PNG image, made by the qrcode package: what CreateVirtualMFADevice answers in
// QRCodePNG for an authenticator app to scan.
import { toBuffer } from 'qrcode'

export const qrCodePng = (text: string): Promise<Buffer> =>
  toBuffer(text, { type: 'png', errorCorrectionLevel: 'M' })
