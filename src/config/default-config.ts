/**
 * The built-in default configuration, run by `tandem run` without --config and printed by `tandem config default`.
 * Later issues extend its shape but keep what is here.
 */
export const DEFAULT_CONFIG_YAML = `# Tandem built-in default configuration
listen:
  - udp://127.0.0.1:5060
  - tcp://127.0.0.1:5060
trunks:
  carrier-a:               # a peer that sends us calls
    from: [127.0.0.0/8]    # source addresses allowed to send requests on this trunk
    sessionTimer: { expires: 1800, minSE: 90 }   # RFC 4028 on this trunk's legs (or: off)
  carrier-b:               # a peer we send calls to
    to: sip:127.0.0.1:5080;transport=udp
    sessionTimer: { expires: 1800, minSE: 90 }
routes:                    # the longest matching prefix of the called number wins
  - prefix: ""
    trunks: [carrier-b]    # tried in order
`;
