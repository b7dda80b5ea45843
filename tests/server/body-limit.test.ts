import fs from 'node:fs';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';

const MB = 1024 * 1024;

interface Sent {
  status: number;
  body: string;
  /** Bytes the client had written when the answer came. */
  sent: number;
}

/**
 * POSTs up to `total` bytes of form data in chunks (Transfer-Encoding: chunked, no length), or announces `declared`
 * bytes as Content-Length; stops sending as soon as the answer arrives.
 */
function post(url: string, options: { total: number; declared?: number; origin: string }): Promise<Sent> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {
      'content-type': 'application/x-www-form-urlencoded',
      origin: options.origin,
    };
    if (options.declared !== undefined) headers['content-length'] = String(options.declared);
    const request = http.request(url, { method: 'POST', headers });
    const chunk = Buffer.alloc(64 * 1024, 'a');
    let sent = 0;
    let answered = false;
    request.on('response', (response) => {
      answered = true;
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (part: string) => (body += part));
      response.on('end', () => {
        resolve({ status: response.statusCode ?? 0, body, sent });
        request.destroy();
      });
    });
    // The server closes the connection after a 413: writing on then fails, which is expected.
    request.on('error', (error) => {
      if (!answered) reject(error);
    });
    if (options.declared !== undefined && options.total === 0) {
      // Only the announcement: a server that waits for the body never answers, which the test would notice.
      request.flushHeaders();
      return;
    }
    const pump = () => {
      while (!answered && sent < options.total) {
        sent += chunk.length;
        if (!request.write(chunk)) {
          request.once('drain', pump);
          return;
        }
      }
      if (!answered) request.end();
    };
    pump();
  });
}

/** The peak resident memory of a process in bytes (Linux), or null elsewhere. */
function peakRssOf(pid: number): number | null {
  const file = `/proc/${pid}/status`;
  if (!fs.existsSync(file)) return null;
  const match = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(file, 'utf8'));
  return match ? Number(match[1]) * 1024 : null;
}

describe('request body limit over HTTP', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => server?.stop());

  it('refuses a 200 MB chunked anonymous POST with a German 413 without reading it, and keeps serving', async () => {
    const peakBefore = peakRssOf(server.pid);
    const answer = await post(`${server.url}/anmelden`, { total: 200 * MB, origin: server.url });
    expect(answer.status).toBe(413);
    expect(answer.body).toContain('Die gesendeten Daten sind zu groß');
    expect(answer.body).toContain('Höchstens 1 MB');
    expect(answer.sent).toBeLessThan(200 * MB);
    const peakAfter = peakRssOf(server.pid);
    if (peakBefore !== null && peakAfter !== null) expect(peakAfter - peakBefore).toBeLessThan(64 * MB);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it('refuses a declared Content-Length over the limit at once', async () => {
    const answer = await post(`${server.url}/anmelden`, {
      total: 0,
      declared: 200 * MB,
      origin: server.url,
    });
    expect(answer.status).toBe(413);
    expect(answer.body).toContain('zu groß');
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it('reads a chunked form within the limit as usual', async () => {
    const answer = await post(`${server.url}/anmelden`, { total: 64 * 1024, origin: server.url });
    expect(answer.status).not.toBe(413);
    expect(answer.status).toBeLessThan(500);
  });

  it('lets the import upload send more than a form, up to its own limit', async () => {
    // Anonymous: the import page redirects to sign-in, but the body limit of the path is the larger one.
    const answer = await post(`${server.url}/pflege/import`, {
      total: 0,
      declared: 2 * MB,
      origin: server.url,
    });
    expect(answer.status).not.toBe(413);
    const tooMuch = await post(`${server.url}/pflege/import`, {
      total: 0,
      declared: 51 * MB,
      origin: server.url,
    });
    expect(tooMuch.status).toBe(413);
    expect(tooMuch.body).toContain('Höchstens 50 MB');
  });
});
