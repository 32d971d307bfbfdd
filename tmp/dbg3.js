const fs = require('fs');
const { startCliGateway } = require('/work/wt/prio/dist/test/helpers/processes');
const { call } = require('/work/wt/prio/dist/test/helpers/ha-cluster');
const { startMockEngine } = require('/work/wt/prio/dist/src/mock-engine');
const YAML = `
classes:
  bulk: { reserved_floor: 0, queue_size: 16, queue_timeout_secs: 20, starvation_threshold_secs: 300, can_preempt: false }
  interactive: { reserved_floor: 0, queue_size: 16, queue_timeout_secs: 20, starvation_threshold_secs: 300, can_preempt: true }
  system: { reserved_floor: 0, queue_size: 16, queue_timeout_secs: 20, starvation_threshold_secs: 300, can_preempt: true }
`;
(async () => {
  const paced = await startMockEngine({ host: '127.0.0.1', port: 0, model: 'paced', tokenDelayMs: 100 });
  const held = await startMockEngine({ host: '127.0.0.1', port: 0, model: 'held', tokenDelayMs: 3000 });
  fs.writeFileSync('/work/wt/prio/tmp/s.yaml', YAML);
  const { proc, url } = await startCliGateway(['--workers', '3', '--worker-urls', paced.url, held.url, '--max-concurrent-requests', '4', '--priority-scheduler-enabled', '--priority-scheduler-config', '/work/wt/prio/tmp/s.yaml', '--priority-scheduler-default-max-class', 'system']);
  const chat = (m) => ({ model: m, max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] });
  let peak = 0; const w = setInterval(() => peak = Math.max(peak, paced.stats().running), 5);
  const rs = await Promise.all(Array.from({length: 10}, () => call(`${url}/v1/chat/completions`, 'POST', chat('paced'))));
  clearInterval(w);
  console.log('statuses', rs.map(r => r.status).join(','), 'peak', peak);
  const bulk = [0,1,2,3].map(() => call(`${url}/v1/chat/completions`, 'POST', chat('held'), { 'x-smg-priority': 'bulk' }));
  for (let i = 0; held.stats().running < 4; i++) { await new Promise(r => setTimeout(r, 50)); if (i % 20 === 0) console.log(JSON.stringify(held.stats())); if (i > 100) { console.log(proc.output().slice(-3000)); break; } }
  const t0 = Date.now();
  const f = await Promise.all([0,1,2,3,4].map(() => call(`${url}/v1/chat/completions`, 'POST', chat('paced'), { 'x-smg-priority': 'interactive' })));
  console.log('interactive', f.map(r => r.status).join(','), Date.now() - t0);
  console.log('bulk', (await Promise.all(bulk)).map(r => r.status).join(','));
  console.log(proc.output().split('\n').filter(l => /error|warn/i.test(l)).slice(0, 10).join('\n'));
  await proc.stop(); await paced.close(); await held.close();
  process.exit(0);
})();
