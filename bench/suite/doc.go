// Package suite is the benchmark suite behind `twin bench`: it runs (or,
// with Quick, quotes) each model's anchor comparison, measures the scaling
// curves of every model on synthetic cities (bench/scale), and writes one
// Markdown report with a PNG per curve beside it.
//
// The anchor comparisons are the per-model programs and benchmarks their
// owners keep (bench/hold, bench/traffic, bench/cvrp, bench/feed, the
// models' Go benchmarks), run as `go run` / `go test -bench` commands from
// the repository root, as `make bench` ran them before; their Markdown
// output is embedded as it comes. In quick mode they are not run: the
// report quotes the headline table of each model's committed report
// (bench/<model>.md) and says so.
package suite
