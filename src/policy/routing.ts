/**
 * Routing decisions (brief, issue 3), pure: which trunk a request came in on (ACL by source address), and which
 * trunks a called number goes to (longest prefix of `routes`; trunks in order).
 */
import type { Cidr } from '../config/cidr.js';
import { cidrContains, parseCidr } from '../config/cidr.js';
import type { Config } from '../config/load.js';

export interface RouteTable {
  /** The inbound trunk whose `from` covers `address`, or undefined (→ 403, no call). */
  ingressTrunk(address: string): string | undefined;
  /** Trunks for a called number, longest matching prefix first; undefined when no route matches. */
  trunksFor(called: string): readonly string[] | undefined;
}

export function buildRouteTable(config: Config): RouteTable {
  const acl: { trunk: string; cidrs: Cidr[] }[] = [];
  for (const [name, t] of Object.entries(config.trunks)) {
    if (t.from === undefined) continue;
    const cidrs = t.from.map((c) => parseCidr(c)).filter((c): c is Cidr => typeof c !== 'string');
    acl.push({ trunk: name, cidrs });
  }
  // Longest prefix first; ties keep configuration order.
  const routes = [...config.routes].sort((a, b) => b.prefix.length - a.prefix.length);
  return {
    ingressTrunk(address) {
      for (const a of acl) if (a.cidrs.some((c) => cidrContains(c, address))) return a.trunk;
      return undefined;
    },
    trunksFor(called) {
      for (const r of routes) if (called.startsWith(r.prefix)) return r.trunks;
      return undefined;
    },
  };
}
