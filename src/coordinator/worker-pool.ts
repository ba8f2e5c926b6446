/**
 * The worker threads of a run. piscina is used as a thread manager (docs/architecture.md
 * section 11): one long task per worker for the whole run, `atomics: 'disabled'`
 * because the default 'sync' mode parks a worker's event loop between tasks and
 * would freeze its sockets. Messages flow over one MessageChannel per worker.
 */
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { PacsLoadError, fromErrorData, toErrorData } from '../errors.js';
import type { CoordinatorMessage, WorkerMessage, WorkerTask, WorkerTaskResult } from '../wire/messages.js';

export interface WorkerPoolOptions {
  /** Absolute path of the compiled worker entry (dist/workers/load-worker.js). */
  workerFilename: string;
  tasks: Array<Omit<WorkerTask, 'port'>>;
  /** Called for every message from every worker, in arrival order, on the coordinator thread. */
  onMessage: (message: WorkerMessage) => void;
  /** Called when a worker's task rejects (its thread died or threw past the task), with the task's worker index. */
  onTaskFailed?: (workerIndex: number, error: PacsLoadError) => void;
}

/** A running set of worker tasks. */
export interface WorkerPool {
  /** Sends a message to every worker. */
  broadcast(message: CoordinatorMessage): void;
  /** Resolves when every task has finished; rejects with the first worker failure. */
  done: Promise<WorkerTaskResult[]>;
  /** Resolves when every task has finished or failed (to wait for the others after a crash). */
  settled: Promise<void>;
  /** Stops every thread (after `done`, or to give up). */
  close(): Promise<void>;
}

/** A worker that threw sends its error as data; anything else is a crash. */
function asWorkerFailure(error: unknown): PacsLoadError {
  const data = toErrorData(error);
  return data.code === 'ERR_INTERNAL'
    ? new PacsLoadError('ERR_WORKER_FAILED', `A worker thread failed: ${data.message}`, {
        hint: 'This is a bug in pacs-load (or the machine ran out of memory); report it with the profile and the command you ran.',
        cause: error,
      })
    : fromErrorData(data);
}

export function startWorkerPool(options: WorkerPoolOptions): WorkerPool {
  const workerCount = options.tasks.length;
  const piscina = new Piscina({
    filename: options.workerFilename,
    minThreads: workerCount,
    maxThreads: workerCount,
    atomics: 'disabled',
    idleTimeout: 1_000,
    concurrentTasksPerWorker: 1,
  });
  const ports: MessagePort[] = [];
  const runs = options.tasks.map((task) => {
    const channel = new MessageChannel();
    ports.push(channel.port1);
    channel.port1.on('message', (message: WorkerMessage) => options.onMessage(message));
    const fullTask: WorkerTask = { ...task, port: channel.port2 };
    return (piscina.run(fullTask, { transferList: [channel.port2] }) as Promise<WorkerTaskResult>).catch((error: unknown) => {
      const failure = asWorkerFailure(error);
      options.onTaskFailed?.(task.workerIndex, failure);
      throw failure;
    });
  });
  const done = Promise.all(runs);
  // Callers may wait on `settled` instead; a failure is reported through onTaskFailed either way.
  done.catch(() => {});
  return {
    broadcast(message) {
      for (const port of ports) port.postMessage(message);
    },
    done,
    settled: Promise.allSettled(runs).then(() => undefined),
    async close() {
      for (const port of ports) port.close();
      await piscina.destroy();
    },
  };
}
