/** `npm run bench`: every server's benchmark, each printing its figures beside a baseline from the same run. */
import { filesBench } from './files-bench.js';

const only = process.argv[2];
const size = process.env.BENCH_MB ? Number(process.env.BENCH_MB) * 1024 * 1024 : undefined;

if (!only || only === 'files') await filesBench({ sizeBytes: size });
