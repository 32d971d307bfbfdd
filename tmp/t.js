const t0 = Date.now();
const orig = console.log;
process.on('exit', () => orig('total', Date.now() - t0));
