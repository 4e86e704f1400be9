/** `npm run bench [files|jupyter|terminal]`: each server's benchmark, printing figures beside baselines from the same run. */
import { filesBench } from './files-bench.js';
import { jupyterBench } from './jupyter-bench.js';
import { terminalBench } from './terminal-bench.js';

const only = process.argv[2];
const size = process.env.BENCH_MB ? Number(process.env.BENCH_MB) * 1024 * 1024 : undefined;

if (!only || only === 'terminal') await terminalBench();
if (!only || only === 'files') await filesBench({ sizeBytes: size });
if (!only || only === 'jupyter') await jupyterBench();
