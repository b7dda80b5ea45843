import { describe, expect, it } from 'vitest';
import {
  bodyLimitFor,
  bodyTooLargeMessage,
  checkRequestBody,
  discardBody,
} from '../../src/lib/http/body-limit';

const limits = { maxBodyBytes: 1024, uploadMaxBytes: 4096 };

/** A body of unknown length (chunked): `chunks` chunks of `size` bytes. */
function chunked(chunks: number, size: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent++ >= chunks) controller.close();
      else controller.enqueue(new Uint8Array(size).fill(97));
    },
  });
}

const post = (body: BodyInit | null, headers: Record<string, string> = {}) =>
  new Request('http://localhost/anmelden', {
    method: 'POST',
    headers,
    body,
    ...({ duplex: 'half' } as object),
  });

describe('request body limit', () => {
  it('gives the import upload the larger limit and every other path the form limit', () => {
    expect(bodyLimitFor('/pflege/import', limits)).toBe(4096);
    expect(bodyLimitFor('/pflege/import/', limits)).toBe(4096);
    expect(bodyLimitFor('/anmelden', limits)).toBe(1024);
    expect(bodyLimitFor('/pflege/import-alt', limits)).toBe(1024);
  });

  it('refuses a declared length over the limit without reading', () => {
    expect(checkRequestBody(post('x', { 'content-length': '1025' }), 1024).kind).toBe('too_large');
    expect(checkRequestBody(post('x', { 'content-length': '1024' }), 1024).kind).toBe('fits');
  });

  it('leaves requests without a body alone', () => {
    expect(checkRequestBody(new Request('http://localhost/'), 1024).kind).toBe('fits');
    expect(checkRequestBody(post(null), 1024).kind).toBe('fits');
  });

  it('passes a chunked body within the limit through unchanged', async () => {
    const check = checkRequestBody(post(chunked(4, 256)), 1024);
    if (check.kind !== 'counted') throw new Error(`expected counted, got ${check.kind}`);
    expect((await check.request.text()).length).toBe(1024);
    expect(check.exceeded()).toBe(false);
  });

  it('fails a chunked body at the limit, having read no more than one chunk past it', async () => {
    let pulled = 0;
    const source = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new Uint8Array(256));
      },
    });
    const check = checkRequestBody(post(source), 1024);
    if (check.kind !== 'counted') throw new Error(`expected counted, got ${check.kind}`);
    await expect(check.request.arrayBuffer()).rejects.toThrow();
    expect(check.exceeded()).toBe(true);
    // 5 chunks of 256 bytes cross the limit; the stream's own read-ahead may pull one or two more.
    expect(pulled).toBeLessThanOrEqual(8);
  });

  it('keeps method, headers and the request URL of a counted body', () => {
    const check = checkRequestBody(post(chunked(1, 10), { 'content-type': 'text/plain', origin: 'x' }), 1024);
    if (check.kind !== 'counted') throw new Error(`expected counted, got ${check.kind}`);
    expect(check.request.method).toBe('POST');
    expect(check.request.url).toBe('http://localhost/anmelden');
    expect(check.request.headers.get('origin')).toBe('x');
  });

  it('names the limit in German', () => {
    expect(bodyTooLargeMessage(1024 * 1024)).toContain('Höchstens 1 MB');
    expect(bodyTooLargeMessage(50 * 1024 * 1024)).toContain('Höchstens 50 MB');
    expect(bodyTooLargeMessage(2048)).toContain('Höchstens 2 KB');
  });

  it('drops the rest of a refused body up to a bound, then cuts the sender off', async () => {
    let pulled = 0;
    let cancelled = false;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new Uint8Array(100));
      },
      cancel() {
        cancelled = true;
      },
    });
    await discardBody(endless.getReader(), 1000);
    expect(cancelled).toBe(true);
    expect(pulled).toBeLessThanOrEqual(13);

    let finiteCancelled = false;
    const finite = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new Uint8Array(100));
        controller.close();
      },
      cancel() {
        finiteCancelled = true;
      },
    });
    await discardBody(finite.getReader(), 1000);
    expect(finiteCancelled).toBe(false);
  });
});
