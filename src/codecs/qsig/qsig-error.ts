import { TandemError } from '../../errors/tandem-error.js';

const oneLine = (text: string): string => text.replace(/[\r\n]+/g, ' ');

/**
 * A QSIG (Q.931-format) message could not be decoded: truncated, an element length past the end, a wrong protocol
 * discriminator, a malformed call reference or an unknown message type. `offset` counts octets from the protocol
 * discriminator (offset 0); `parameter` names the part (`protocolDiscriminator`, `callReference`, `messageType`,
 * an element name such as `calledPartyNumber`, or `informationElement(0x7e)`).
 */
export class QsigDecodeError extends TandemError {
  readonly offset: number;
  readonly parameter: string;

  constructor(offset: number, parameter: string, reason: string) {
    super('TANDEM_ERR_QSIG_DECODE', `QSIG decode error at offset ${offset} (${parameter}): ${oneLine(reason)}`);
    this.offset = offset;
    this.parameter = parameter;
  }
}

/**
 * A QSIG message object could not be encoded. `parameter` names the element or part, `path` the JSON path of
 * the bad field (e.g. `informationElements[2].value.digits`), `offset` the output octet being written.
 */
export class QsigEncodeError extends TandemError {
  readonly offset: number;
  readonly parameter: string;
  readonly path: string;

  constructor(offset: number, parameter: string, path: string, reason: string) {
    super('TANDEM_ERR_QSIG_ENCODE', `QSIG encode error at ${path === '' ? parameter : path}: ${oneLine(reason)}`);
    this.offset = offset;
    this.parameter = parameter;
    this.path = path;
  }
}
