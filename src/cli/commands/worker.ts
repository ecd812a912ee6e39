import type { Command } from 'commander';
import { QueueWorkerOptions, startQueueWorker } from '../../actions/queueWorker.ts';
import { schemaOption } from '../common.ts';

/** `deja worker --queue <url>`: encodes a distributed ingest's photos until SIGINT or SIGTERM. */
export function register(program: Command): void {
  program
    .command('worker')
    .description('encode photos for `deja index --queue` on this machine (run any number, on any machines) until interrupted')
    .addOption(schemaOption(QueueWorkerOptions, 'queue', '--queue <url>', 'Redis URL of the writer’s queue (redis://host:6379)').makeOptionMandatory())
    .addOption(schemaOption(QueueWorkerOptions, 'name', '--name <queue>', 'serve only this queue (see `deja index --queue <url> --status`); default: every collection’s queue on this Redis'))
    .addOption(schemaOption(QueueWorkerOptions, 'concurrency', '--concurrency <n>', 'photos encoded at once'))
    .addOption(schemaOption(QueueWorkerOptions, 'threads', '--threads', 'encode in --concurrency worker threads (one process using several cores)'))
    .addOption(schemaOption(QueueWorkerOptions, 'lockSeconds', '--lock-seconds <s>', 'job lock; a killed worker’s job is retried after about this plus --stalled-seconds'))
    .addOption(schemaOption(QueueWorkerOptions, 'stalledSeconds', '--stalled-seconds <s>', 'how often to look for jobs of dead workers'))
    .addOption(schemaOption(QueueWorkerOptions, 'maxStalled', '--max-stalled <n>', 'times a job may lose its worker before it fails'))
    .action(async (opts) => {
      const log = (line: string) => process.stderr.write(`${line}\n`);
      const worker = startQueueWorker(
        { queue: opts.queue, name: opts.name, concurrency: opts.concurrency, threads: opts.threads, lockSeconds: opts.lockSeconds, stalledSeconds: opts.stalledSeconds, maxStalled: opts.maxStalled },
        log,
      );
      await new Promise<void>((resolve) => {
        const stop = () => {
          log('worker: finishing the jobs in hand');
          void worker.close().then(resolve);
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}
