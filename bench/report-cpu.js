// @ts-check
// Preloaded (node --require) by bench/cli-startup.ts into the CLI it times: writes the process's
// CPU time (user + system, all threads, ms) at exit to $SG_BENCH_CPU_FILE. CPU time barely moves
// with the machine's load, where wall time does.
const file = process.env.SG_BENCH_CPU_FILE;
if (file) {
  process.on('exit', () => {
    const { user, system } = process.cpuUsage();
    require('node:fs').writeFileSync(file, String((user + system) / 1000));
  });
}
