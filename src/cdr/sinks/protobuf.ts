/**
 * Length-delimited protobuf: each `tandem.cdr.Cdr` message preceded by its length as a varint (the framing of
 * protobuf's writeDelimitedTo/parseDelimitedFrom). A torn tail is a length or body cut short.
 */
import type { CdrRecord } from '../cdr-record.js';
import { decodeCdr, encodeCdrDelimited, peekCdrId, splitDelimited } from '../encode.js';
import type { FileScan, SinkFormat } from './sink-format.js';

/** The length-delimited protobuf format (`.pb` files). */
export const protobufFormat: SinkFormat = {
  kind: 'protobuf',
  ext: 'pb',
  preamble: Buffer.alloc(0),
  encode: (r: CdrRecord) => {
    const bytes = encodeCdrDelimited(r);
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  },
  scanIds(buf: Buffer): FileScan<string> {
    const { messages, end } = splitDelimited(buf);
    return { items: messages.map((m) => peekCdrId(m) ?? decodeCdr(m).id), end };
  },
  scanRecords(buf: Buffer): FileScan<CdrRecord> {
    const { messages, end } = splitDelimited(buf);
    return { items: messages.map(decodeCdr), end };
  },
};
