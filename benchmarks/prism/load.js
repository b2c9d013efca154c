// node load.js '<autocannon options as JSON>': run autocannon, print its result as one JSON line.
//
// The load tool of the benchmarks when wrk is not installed. autocannon's own latency
// percentiles are whole milliseconds; `latencyMicroseconds` adds percentiles of every 2xx
// answer at microsecond resolution. SIGINT stops the run early and still prints the result.
'use strict'

const autocannon = require('autocannon')

const options = JSON.parse(process.argv[2])
const latencies = []

function percentile (sorted, q) {
  if (sorted.length === 0) return null
  const rank = Math.ceil((q / 100) * sorted.length)
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]
}

const instance = autocannon(options, (error, result) => {
  if (error) {
    console.error(String(error))
    process.exit(1)
  }
  latencies.sort((a, b) => a - b)
  result.latencyMicroseconds = {}
  for (const q of [50, 75, 90, 99]) {
    const ms = percentile(latencies, q)
    result.latencyMicroseconds[String(q)] = ms === null ? null : Math.round(ms * 1000)
  }
  result.autocannonVersion = require('autocannon/package.json').version
  process.stdout.write(JSON.stringify(result) + '\n')
})

instance.on('response', (client, statusCode, bytes, milliseconds) => {
  if (statusCode >= 200 && statusCode < 300) latencies.push(milliseconds)
})

process.once('SIGINT', () => instance.stop())
