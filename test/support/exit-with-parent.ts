// Loaded (node --import) into backend processes that tests, benchmarks and npm run chaos start:
// the parent holds the child's stdin open, so when the parent ends in any way (SIGKILL and
// `timeout` included, where no exit handler runs) stdin closes and the child exits too. Without
// it, a chaos run stopped from outside left its backend processes running for hours.
process.stdin.on('end', () => process.exit(1))
process.stdin.on('error', () => process.exit(1))
process.stdin.resume()
