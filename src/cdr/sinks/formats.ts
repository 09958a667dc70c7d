/** The sink formats by kind. */
import type { CdrFormat } from '../cdr-config.js';
import { csvFormat } from './csv.js';
import { jsonlFormat } from './jsonl.js';
import { protobufFormat } from './protobuf.js';
import type { SinkFormat } from './sink-format.js';

/** Every sink format, by kind. */
export const SINK_FORMATS: Readonly<Record<CdrFormat, SinkFormat>> = Object.freeze({
  csv: csvFormat,
  jsonl: jsonlFormat,
  protobuf: protobufFormat,
});
