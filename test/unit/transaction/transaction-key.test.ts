import { describe, expect, it } from 'vitest';
import { clientKey, isRfc3261Branch, mergeKey, rfc2543Key, sentBy, serverKey } from '../../../src/transaction/transaction-key.js';
import { classifyResponse, classifyTuResponse, responseClass } from '../../../src/transaction/transaction-input.js';
import { buildRequest, buildResponse, sameBranchAs, via, withNewBranch } from '../../support/builders.js';

describe('transaction keys', () => {
  it('recognises the RFC 3261 magic cookie', () => {
    expect(isRfc3261Branch('z9hG4bK776asdhds')).toBe(true);
    expect(isRfc3261Branch('776asdhds')).toBe(false);
    expect(isRfc3261Branch(undefined)).toBe(false);
  });

  it('client key = branch + method', () => {
    expect(clientKey('z9hG4bKa', 'INVITE')).not.toBe(clientKey('z9hG4bKa', 'CANCEL'));
  });

  it('server key: ACK maps to INVITE, CANCEL stays apart, asMethod overrides', () => {
    const invite = buildRequest();
    expect(serverKey(sameBranchAs(invite, 'ACK'))).toBe(serverKey(invite));
    expect(serverKey(sameBranchAs(invite, 'CANCEL'))).not.toBe(serverKey(invite));
    expect(serverKey(sameBranchAs(invite, 'CANCEL'), 'INVITE')).toBe(serverKey(invite));
    expect(serverKey(buildRequest({ branch: null }))).toBeUndefined();
  });

  it('sent-by is case-insensitive in the host and fills in default ports', () => {
    expect(sentBy(via('Example.COM', undefined, undefined))).toBe('example.com:5060');
    expect(sentBy(via('example.com', undefined, undefined, 'TLS'))).toBe('example.com:5061');
  });

  it('RFC 2543 key ignores the method and To tag but not Call-ID, CSeq number, From tag or Via', () => {
    const invite = buildRequest({ branch: null });
    expect(rfc2543Key(sameBranchAs(invite, 'ACK', 'tag'))).toBe(rfc2543Key(invite));
    expect(rfc2543Key(withNewBranch(invite))).not.toBe(rfc2543Key(invite));
    expect(rfc2543Key(buildRequest({ branch: null, callId: invite.callId, fromTag: invite.from.tag! }))).toBe(
      rfc2543Key(invite),
    );
    expect(rfc2543Key(buildRequest({ branch: null, callId: invite.callId, fromTag: 'other' }))).not.toBe(
      rfc2543Key(invite),
    );
  });

  it('merge key = From tag + Call-ID + CSeq', () => {
    const invite = buildRequest();
    expect(mergeKey(withNewBranch(invite))).toBe(mergeKey(invite));
    expect(mergeKey(sameBranchAs(invite, 'CANCEL'))).not.toBe(mergeKey(invite));
  });
});

describe('input classification', () => {
  it('classifies responses by class', () => {
    const invite = buildRequest();
    expect(classifyResponse(buildResponse(invite, 100)).kind).toBe('1xx');
    expect(classifyResponse(buildResponse(invite, 299)).kind).toBe('2xx');
    expect(classifyResponse(buildResponse(invite, 699)).kind).toBe('3xx-6xx');
    expect(classifyTuResponse(buildResponse(invite, 302)).kind).toBe('tu-3xx-6xx');
    expect(() => responseClass(99)).toThrow(TypeError);
    expect(() => responseClass(700)).toThrow(TypeError);
  });
});
