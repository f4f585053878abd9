import { it } from 'vitest';
import { benchMarts } from '../bench/marts.js';
it('bench', async () => {
  await benchMarts([process.env.BENCH_N ?? '2000', process.env.BENCH_ENGINES ?? 'postgres,sqlite,mysql']);
}, 3_600_000);
