// What the client probe measured, computed from raw answers by a pure function so it can be
// unit-tested without a network.

/** One answer: [ms since probe start, request sequence number, node that answered]. */
export type Answer = [atMs: number, seq: number, node: string];

export interface Switch {
  /** When the first answer from the new node arrived (ms since start). */
  atMs: number;
  from: string;
  to: string;
  /** Silence before that answer: from the previous answer to this one. */
  gapMs: number;
}

/** What the probe records while it runs. */
export interface ProbeRun {
  target: string;
  port: number;
  intervalMs: number;
  /** Wall-clock start, epoch ms (to line events up with other logs). */
  startedAtMs: number;
  durationMs: number;
  sent: number;
  /** [ms since start, seq, node] in arrival order. */
  answers: Answer[];
}

/** The run plus what it means for a client. */
export interface ProbeReport extends ProbeRun {
  received: number;
  answersByNode: Record<string, number>;
  firstAnswerMs: number | null;
  lastAnswerMs: number | null;
  /**
   * The client-observed outage: the longest time between two consecutive answers. Silence
   * before the first answer and after the last one is reported separately, not counted here.
   */
  longestGapMs: number;
  longestGap: { fromMs: number; toMs: number; before: string; after: string } | null;
  /** Time from the last answer to the end of the run (an outage still going on at the end). */
  silentAtEndMs: number;
  /** Each change of the answering node, in order. */
  switches: Switch[];
}

export function summarize(run: ProbeRun): ProbeReport {
  const answersByNode: Record<string, number> = {};
  const switches: Switch[] = [];
  let longestGap: ProbeReport['longestGap'] = null;
  let previous: Answer | undefined;
  for (const answer of run.answers) {
    const [atMs, , node] = answer;
    answersByNode[node] = (answersByNode[node] ?? 0) + 1;
    if (previous) {
      const gapMs = atMs - previous[0];
      if (longestGap === null || gapMs > longestGap.toMs - longestGap.fromMs) {
        longestGap = { fromMs: previous[0], toMs: atMs, before: previous[2], after: node };
      }
      if (node !== previous[2]) switches.push({ atMs, from: previous[2], to: node, gapMs });
    }
    previous = answer;
  }
  const first = run.answers[0];
  const last = run.answers[run.answers.length - 1];
  return {
    ...run,
    received: run.answers.length,
    answersByNode,
    firstAnswerMs: first ? first[0] : null,
    lastAnswerMs: last ? last[0] : null,
    longestGapMs: longestGap ? longestGap.toMs - longestGap.fromMs : 0,
    longestGap,
    silentAtEndMs: last ? run.durationMs - last[0] : run.durationMs,
    switches,
  };
}
