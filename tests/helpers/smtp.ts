import net from 'node:net';
import { SMTPServer } from 'smtp-server';

/** One message as the test SMTP server received it. */
export interface ReceivedMail {
  from: string | null;
  to: string[];
  subject: string | null;
  /** The body as a reader sees it (quoted-printable decoded). */
  text: string;
  raw: string;
}

/** The text body of a single-part message, quoted-printable decoded as mail clients do. */
function bodyText(raw: string): string {
  const split = raw.search(/\r?\n\r?\n/);
  const head = split < 0 ? raw : raw.slice(0, split);
  const body = split < 0 ? '' : raw.slice(split).replace(/^\r?\n\r?\n/, '');
  if (!/^Content-Transfer-Encoding: quoted-printable/im.test(head)) return body;
  const bytes = body
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

/** A header as a reader sees it: RFC 2047 encoded words (non-ASCII subjects) decoded, folded lines joined. */
function decodeHeader(value: string | null): string | null {
  if (value === null) return null;
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/\r?\n[ \t]+/g, ' ')
    .replace(/=\?utf-8\?([bq])\?([^?]*)\?=/gi, (_, encoding: string, text: string) =>
      encoding.toLowerCase() === 'b'
        ? Buffer.from(text, 'base64').toString('utf8')
        : Buffer.from(
            text
              .replace(/_/g, ' ')
              .replace(/=([0-9A-F]{2})/gi, (_match, hex: string) => String.fromCharCode(parseInt(hex, 16))),
            'latin1',
          ).toString('utf8'),
    );
}

/** A real SMTP server on loopback that keeps what it receives. */
export interface TestSmtpServer {
  url: string;
  port: number;
  messages: ReceivedMail[];
  stop: () => Promise<void>;
}

/** A port that nothing listens on right now (a mail server that is down). */
export async function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** Starts smtp-server on 127.0.0.1 (port 0 = any free one), without TLS or authentication. */
export async function startTestSmtpServer(port = 0): Promise<TestSmtpServer> {
  const messages: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      let raw = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => (raw += chunk));
      stream.on('end', () => {
        const mailFrom = session.envelope.mailFrom;
        messages.push({
          from: mailFrom ? mailFrom.address : null,
          to: session.envelope.rcptTo.map((r) => r.address),
          subject: decodeHeader(/^Subject: (.*(?:\r?\n[ \t].*)*)$/m.exec(raw)?.[1]?.trim() ?? null),
          text: bodyText(raw),
          raw,
        });
        callback();
      });
    },
  });
  const listening = await new Promise<net.AddressInfo>((resolve, reject) => {
    server.on('error', reject);
    const inner = server.listen(port, '127.0.0.1', () => resolve(inner.address() as net.AddressInfo));
  });
  return {
    url: `smtp://127.0.0.1:${listening.port}`,
    port: listening.port,
    messages,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
