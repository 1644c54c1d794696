/**
 * @module Parallelism degrees (TP, PP, EP, DP) and the collectives they add per step, costed on
 * the catalog's scale-up link: time = bytes sent per device / link bandwidth + the link's measured
 * small-collective latency (once per collective).
 */

import { InferscopeError } from '../../base/errors.js';
import type { HardwareSpec } from './hardware.js';
import type { CommSpec, Op, OpContext } from './ops.js';

export interface Parallelism {
  tp: number;
  pp: number;
  ep: number;
  dp: number;
  /** TP with sequence parallelism: reduce-scatter + all-gather instead of each all-reduce. */
  sequenceParallel: boolean;
}

export const NO_PARALLELISM: Parallelism = { tp: 1, pp: 1, ep: 1, dp: 1, sequenceParallel: false };

export interface Link {
  name: string;
  bandwidthBytesPerS: number;
  latencyS: number;
}

/** The device's scale-up link (else scale-out, else pair bridge); latency 0 when not catalogued. */
export function pickLink(hw: HardwareSpec): Link | null {
  for (const scope of ['scale_up', 'scale_out', 'pair'] as const) {
    const l = hw.interconnects.find((i) => i.scope === scope);
    if (l) {
      return {
        name: l.name,
        bandwidthBytesPerS: l.bandwidth_bytes_per_s.value,
        latencyS: l.latency_s?.value ?? 0,
      };
    }
  }
  return null;
}

/** Checks degrees against the model; returns the device count of one deployment (tp·pp·dp). */
export function validateParallelism(p: Parallelism, experts: number | null): number {
  const bad = (field: string, msg: string, hint: string) =>
    new InferscopeError('USAGE', msg, { field, hint });
  for (const k of ['tp', 'pp', 'ep', 'dp'] as const) {
    if (!Number.isInteger(p[k]) || p[k] < 1)
      throw bad(k, `--${k} must be a positive integer`, '1, 2, 4, 8…');
  }
  if (p.ep > 1) {
    if (experts === null) throw bad('ep', '--ep needs a MoE model', 'drop --ep for a dense model');
    if ((p.tp * p.dp) % p.ep !== 0) {
      throw bad(
        'ep',
        `--ep ${p.ep} must divide tp·dp = ${p.tp * p.dp}`,
        'experts are spread over the tp·dp devices of a stage',
      );
    }
  }
  return p.tp * p.pp * p.dp;
}

/** Ring all-reduce: each device sends 2(n−1)/n · S over 2(n−1) hops. */
export function allReduce(payloadBytes: number, n: number): CommSpec {
  return {
    collective: 'all_reduce',
    devices: n,
    payloadBytes,
    bytesPerDevice: (2 * (n - 1) * payloadBytes) / n,
    hops: 2 * (n - 1),
  };
}

/** Ring reduce-scatter or all-gather: (n−1)/n · S over n−1 hops. */
export function halfRing(
  kind: 'reduce_scatter' | 'all_gather',
  payloadBytes: number,
  n: number,
): CommSpec {
  return {
    collective: kind,
    devices: n,
    payloadBytes,
    bytesPerDevice: ((n - 1) * payloadBytes) / n,
    hops: n - 1,
  };
}

/**
 * Seconds of one collective on a link. The catalog's link latency is the smallest measured
 * collective (a 2-GPU all-reduce), not one hop: a collective over more devices is never faster, so
 * it is charged once per collective, which keeps SOL a lower bound (hops × it would not be).
 */
export function commSeconds(c: CommSpec, link: Link): { bandwidthS: number; latencyS: number } {
  return {
    bandwidthS: c.bytesPerDevice / link.bandwidthBytesPerS,
    latencyS: c.hops > 0 ? link.latencyS : 0,
  };
}

function commOp(name: string, count: number, comm: CommSpec): Op {
  return {
    name,
    cls: 'comm',
    count,
    shape: `${comm.collective} ${(comm.payloadBytes / 1e6).toFixed(3)} MB over ${comm.devices}`,
    flops: 0,
    bytes: { weights: 0, activations: 0, kv_read: 0, kv_write: 0 },
    computeDtype: 'bf16',
    comm,
  };
}

/**
 * Collectives of one step. TP: one all-reduce of the bf16 hidden states [T, H] after attention and
 * after each MLP (with sequence parallelism, a reduce-scatter + all-gather pair instead). EP: the MoE
 * layers replace their MLP all-reduce by an all-to-all dispatch (top-k copies of each token, in the
 * activation format) and combine (bf16); each device sends the (ep−1)/ep share that leaves it, one
 * hop; each TP rank dispatches 1/tp of the tokens, so an all-gather over tp follows. PP: pp−1 point-to-point sends of [T, H] bf16.
 */
export function commOps(ctx: OpContext, p: Parallelism): Op[] {
  const { m, tokens: T } = ctx;
  const payload = T * m.hidden * 2;
  const moeLayers = m.moe?.moeLayers.length ?? 0;
  const ops: Op[] = [];
  const tpCollectives = (name: string, count: number) => {
    if (p.tp === 1 || count === 0) return;
    if (p.sequenceParallel) {
      ops.push(commOp(`${name} reduce_scatter`, count, halfRing('reduce_scatter', payload, p.tp)));
      ops.push(commOp(`${name} all_gather`, count, halfRing('all_gather', payload, p.tp)));
    } else {
      ops.push(commOp(`${name} all_reduce`, count, allReduce(payload, p.tp)));
    }
  };
  tpCollectives('attention', m.layers);
  tpCollectives('mlp', p.ep > 1 ? m.layers - moeLayers : m.layers);
  if (p.ep > 1 && m.moe && moeLayers > 0) {
    const perDeviceCopies = (T / p.tp) * m.moe.expertsPerToken;
    const share = (p.ep - 1) / p.ep;
    const a2a = (bytes: number): CommSpec => ({
      collective: 'all_to_all',
      devices: p.ep,
      payloadBytes: perDeviceCopies * m.hidden * bytes,
      bytesPerDevice: perDeviceCopies * m.hidden * bytes * share,
      hops: 1,
    });
    ops.push(commOp('moe dispatch', moeLayers, a2a(ctx.ba)));
    ops.push(commOp('moe combine', moeLayers, a2a(2)));
    if (p.tp > 1) {
      // each TP rank dispatched its 1/tp of the tokens: re-replicate them for the next attention
      ops.push(commOp('moe all_gather', moeLayers, halfRing('all_gather', payload, p.tp)));
    }
  }
  if (p.pp > 1) {
    ops.push(
      commOp('pp send', p.pp - 1, {
        collective: 'p2p',
        devices: 2,
        payloadBytes: payload,
        bytesPerDevice: payload,
        hops: 1,
      }),
    );
  }
  return ops;
}
