// The admin key the benchmark's replicas bootstrap with and the orchestrator sets them up with.
export const BENCH_ADMIN_KEY = { accessKeyId: 'AKIDBENCHADMIN', secretAccessKey: 'bench-secret' }
