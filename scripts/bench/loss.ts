// Item 3's packet loss: every packet a node sends on its LAN port is dropped with probability
// 5 %. This kernel has no netem qdisc (CONFIG_NET_SCH_NETEM unset), so the loss is an nftables
// rule with a random number generator, inside the node's own namespace (gone with it). It drops
// all IP traffic, not only UDP: keepalived's VRRP is IP protocol 112 and must see the same loss.
import type { Netns } from '../lab/netns.js';
import { LAB_NET } from '../lab/addresses.js';

export async function addEgressLoss(ns: Netns, percent: number): Promise<void> {
  const rules = `table inet tb_bench_loss {
  chain out {
    type filter hook output priority 0; policy accept;
    oifname "${LAB_NET.lanIf}" numgen random mod 100 < ${percent} counter drop
  }
}
`;
  await ns.exec(['nft', '-f', '-'], { input: rules });
}

/** Packets the loss rule dropped so far. */
export async function droppedPackets(ns: Netns): Promise<number> {
  const { stdout } = await ns.exec(['nft', 'list', 'table', 'inet', 'tb_bench_loss'], { allowFail: true });
  const match = /counter packets (\d+)/.exec(stdout);
  return match ? Number(match[1]) : 0;
}
