"use client";

import { useSyncExternalStore } from "react";
import type { AnswerQueue, QueueState } from "./answer-queue";

const EMPTY: QueueState = {
  pending: 0,
  pendingIndices: [],
  sending: false,
  attempts: 0,
  lastError: null,
  nextRetryAt: null,
  failures: [],
  persistent: true,
};

/** The queue's state, re-rendering on every change (EMPTY during server rendering or without a queue). */
export function useAnswerQueueState(queue: AnswerQueue | null): QueueState {
  return useSyncExternalStore(
    (onStoreChange) => (queue ? queue.onChange(onStoreChange) : () => {}),
    () => (queue ? queue.state() : EMPTY),
    () => EMPTY,
  );
}
