/**
 * tshark as an independent oracle: packets (SIP messages over UDP) → a text2pcap capture → the fields tshark decodes,
 * one row per packet. Integer fields come back in decimal (tshark prints some in hex, `0x0d`); `textFields` are
 * returned as printed.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const TSHARK = '/usr/bin/tshark';
export const TEXT2PCAP = '/usr/bin/text2pcap';
export const hasTshark = existsSync(TSHARK) && existsSync(TEXT2PCAP);

/** The IAM fields the interworking oracles compare (Wireshark packet-isup.c names), and the SDP beside the IAM. */
export const IAM_FIELDS = [
  'isup.message_type',
  'isup.called',
  'isup.called_party_nature_of_address_indicator',
  'isup.calling',
  'isup.calling_party_nature_of_address_indicator',
  'isup.address_presentation_restricted_indicator',
  'isup.calling_partys_category',
  'isup.transmission_medium_requirement',
  'sdp.media',
] as const;

/** text2pcap hex dump: one packet per block, offsets restart at 0. */
function hexDump(packets: readonly Buffer[]): string {
  let out = '';
  for (const p of packets) {
    for (let i = 0; i < p.length; i += 16) {
      const line = [...p.subarray(i, i + 16)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
      out += `${i.toString(16).padStart(6, '0')} ${line}\n`;
    }
    out += '\n';
  }
  return out;
}

/** Writes the packets as a UDP capture (192.0.2.1 → 192.0.2.2, port 5060) and returns tshark's fields per packet. */
export function dissect<F extends string>(packets: readonly Buffer[], fields: readonly F[], textFields: readonly string[]): Record<F, string>[] {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-tshark-'));
  try {
    const dump = join(dir, 'dump.txt');
    const pcap = join(dir, 'dump.pcap');
    writeFileSync(dump, hexDump(packets));
    execFileSync(TEXT2PCAP, ['-q', '-4', '192.0.2.1,192.0.2.2', '-u', '5060,5060', dump, pcap], { timeout: 20_000, stdio: 'pipe' });
    const args = ['-r', pcap, '-T', 'fields', '-E', 'separator=\t', '-E', 'occurrence=f', ...fields.flatMap((f) => ['-e', f])];
    const out = execFileSync(TSHARK, args, { timeout: 30_000, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const text = new Set(textFields);
    return out
      .trim()
      .split('\n')
      .map((line) => {
        const cols = line.split('\t');
        return Object.fromEntries(
          fields.map((f, i) => {
            const v = cols[i] ?? '';
            return [f, text.has(f) || v === '' ? v : String(Number(v))];
          }),
        ) as Record<F, string>;
      });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
