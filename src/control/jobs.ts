/** Background-job status per worker URL (SMG `job_status`), kept by the primary. */
export type JobType = 'AddWorker' | 'UpdateWorker' | 'RemoveWorker';
export type JobState = 'pending' | 'processing' | 'failed';

export interface JobStatus {
  readonly job_type: JobType;
  readonly worker_url: string;
  readonly status: JobState;
  readonly message: string | null;
  /** Unix seconds. */
  readonly timestamp: number;
}

const FAILED_TTL_MS = 5 * 60_000;

export interface JobTable {
  set(url: string, type: JobType, status: JobState, message?: string): void;
  get(url: string): JobStatus | undefined;
  /** Pending or processing. */
  active(url: string): boolean;
  clear(url: string): void;
  /** Every job, in start order. */
  list(): readonly JobStatus[];
  /** Drops failed entries older than 5 minutes. */
  sweep(): void;
}

export function createJobTable(now: () => number = Date.now): JobTable {
  const jobs = new Map<string, JobStatus>();
  return {
    set(url, type, status, message) {
      jobs.set(url, {
        job_type: type,
        worker_url: url,
        status,
        message: message ?? null,
        timestamp: Math.floor(now() / 1000),
      });
    },
    get: (url) => jobs.get(url),
    active(url) {
      const j = jobs.get(url);
      return j !== undefined && j.status !== 'failed';
    },
    clear: (url) => void jobs.delete(url),
    list: () => [...jobs.values()],
    sweep() {
      const cutoff = now() - FAILED_TTL_MS;
      for (const [url, j] of jobs)
        if (j.status === 'failed' && j.timestamp * 1000 < cutoff) jobs.delete(url);
    },
  };
}
