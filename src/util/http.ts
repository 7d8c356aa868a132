/**
 * HTTP requests that may need a private CA: `fetch` cannot be given one in Node 20, so a request to an https URL with
 * a CA goes through node:https; every other request through fetch. Both end within `timeoutMs`.
 */
import { request as httpsRequest } from 'node:https';

/** What came back: the status and the body's text. */
export interface HttpAnswer {
  status: number;
  ok: boolean;
  text: string;
}

/** A request to `url`, trusting `ca` (PEM) for https when given. */
export async function httpRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string; ca?: string; timeoutMs: number },
): Promise<HttpAnswer> {
  if (!options.ca || !url.startsWith('https:')) {
    try {
      const response = await fetch(url, { method: options.method, headers: options.headers, body: options.body, signal: AbortSignal.timeout(options.timeoutMs) });
      return { status: response.status, ok: response.ok, text: await response.text() };
    } catch (error) {
      // fetch says only "fetch failed"; the reason (a refused connection, an untrusted certificate) is its cause.
      const cause = (error as { cause?: { message?: string } }).cause?.message;
      throw new Error(`${options.method ?? 'GET'} ${url}: ${cause ?? (error as Error).message}`);
    }
  }
  return new Promise((resolve, reject) => {
    const request = httpsRequest(url, { method: options.method ?? 'GET', headers: options.headers, ca: options.ca, timeout: options.timeoutMs }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, ok: (response.statusCode ?? 0) >= 200 && (response.statusCode ?? 0) < 300, text }));
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error(`${options.method ?? 'GET'} ${url}: no answer within ${options.timeoutMs} ms`)));
    request.on('error', reject);
    request.end(options.body);
  });
}
