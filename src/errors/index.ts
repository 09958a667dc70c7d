export { ErrorCode } from './codes.js';
export { TandemError, InvalidStateError, isTandemError } from './tandem-error.js';
