/**
 * multipart/form-data as a browser posts a form, read with busboy from the body stream fastify
 * hands a content-type parser (after the preParsing hook that measures it against the body
 * limit). Files are not taken: a form that sends one is refused (413), like a field over the limit.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import busboy from 'busboy';
import type { SentField } from './lead.js';

/** What the parser leaves as the request's body. */
export interface MultipartBody {
  multipart: SentField[];
}

const MAX_PARTS = 200;

export function parseMultipart(
  headers: IncomingHttpHeaders,
  payload: Readable,
  bodyLimit: number,
  done: (err: Error | null, body?: MultipartBody) => void,
): void {
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers,
      defParamCharset: 'utf8',
      limits: { files: 0, fields: MAX_PARTS, parts: MAX_PARTS, fieldSize: bodyLimit, fieldNameSize: 200 },
    });
  } catch {
    return done(status(400)); // no boundary
  }
  const fields: SentField[] = [];
  let finished = false;
  const finish = (err: Error | null) => {
    if (finished) return;
    finished = true;
    if (err) {
      payload.unpipe(parser);
      payload.resume(); // read the rest away so the answer can be sent
      done(err);
    } else done(null, { multipart: fields });
  };
  parser.on('field', (label, value, info) => {
    if (info.nameTruncated || info.valueTruncated) finish(status(413));
    else fields.push({ label, value });
  });
  parser.on('file', (_name, stream) => stream.resume());
  for (const limit of ['filesLimit', 'fieldsLimit', 'partsLimit'] as const)
    parser.on(limit, () => finish(status(413)));
  parser.on('error', () => finish(status(400)));
  parser.on('close', () => finish(null));
  payload.on('error', (err: { statusCode?: number }) => finish(status(err.statusCode === 413 ? 413 : 400)));
  payload.pipe(parser);
}

function status(code: number): Error {
  return Object.assign(new Error(code === 413 ? 'body too large' : 'malformed multipart body'), {
    statusCode: code,
  });
}
