// Preloaded into Tandem by the memory phase of `npm run bench:calls` (node --expose-gc -r …): on SIGUSR2, five
// full garbage collections two seconds apart (V8's own memory reducer runs up to three), so the benchmark can also report
// resident memory once V8 has collected what an idle process leaves — V8 starts no major GC while nothing
// allocates, and freed pages go back to the system only after later collections. A measurement aid, not Tandem.
process.on('SIGUSR2', () => {
  for (const ms of [0, 2000, 4000, 6000, 8000]) setTimeout(() => globalThis.gc?.(), ms).unref();
});
