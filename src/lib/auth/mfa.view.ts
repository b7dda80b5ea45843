import QRCode from 'qrcode';
import { decodeTotpSecret, groupSecret, totpKeyUri } from './mfa';

/** What the enrolment page shows for a pending secret: the QR code (SVG, as an image) and the secret as text. */
export interface EnrolmentView {
  /** data: URL of the QR code as SVG, made on the server (no script, no request to anyone). */
  qrCodeSrc: string;
  /** The secret in groups of four, to type into an app that cannot scan. */
  groupedSecret: string;
}

/** Builds the enrolment view of a pending secret for the account `email`. */
export async function buildEnrolmentView(email: string, secret: string): Promise<EnrolmentView> {
  const svg = await QRCode.toString(totpKeyUri(email, decodeTotpSecret(secret)), {
    type: 'svg',
    errorCorrectionLevel: 'M',
    margin: 2,
  });
  return {
    qrCodeSrc: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`,
    groupedSecret: groupSecret(secret),
  };
}
