import * as pty from '@lydell/node-pty';
let lost = 0;
for (let i = 0; i < 20; i++) {
  await new Promise<void>((resolve) => {
    const t = pty.spawn('/bin/bash', ['-c', 'sleep 0.05; echo final-line'], { cols: 80, rows: 24, env: { PATH: process.env.PATH! } });
    let out = '';
    t.onData((d) => (out += d));
    t.onExit(() => setTimeout(() => { if (!out.includes('final-line')) lost++; resolve(); }, 50));
    const until = Date.now() + 400; while (Date.now() < until) {} // the event loop stalls while the command ends
  });
}
console.log('lost final output in', lost, 'of 20 runs');
