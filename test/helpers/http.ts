import http from 'node:http';

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: any;
}

export interface RawRequest {
  method?: string;
  headers?: Record<string, string>;
  /** Exact bytes to send; Content-Length is set to their length unless a header says otherwise. */
  body?: Buffer | string;
}

/** An HTTP request with exact bytes (fetch would re-encode text and refuse some headers). */
export function rawRequest(url: string, { method = 'POST', headers = {}, body }: RawRequest = {}): Promise<RawResponse> {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const lengthHeader = bytes && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-length') ? { 'content-length': String(bytes.length) } : {};
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method, headers: { ...lengthHeader, ...headers } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text.startsWith('{') ? JSON.parse(text) : text });
      });
    });
    request.on('error', reject);
    request.end(bytes);
  });
}

/** A multipart/form-data body by hand, byte for byte. */
export function multipartBody(boundary: string, parts: Array<{ name: string; value: Buffer | string; filename?: string }>): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const disposition = `form-data; name="${part.name}"${part.filename ? `; filename="${part.filename}"` : ''}`;
    const type = part.filename ? 'Content-Type: image/png\r\n' : '';
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n${type}\r\n`), Buffer.from(part.value), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}
