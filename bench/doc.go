// Package bench measures ccotel against a hand-written OpenTelemetry SDK
// equivalent in one process; see docs/PERFORMANCE.md. It has benchmarks only:
//
//	go test -run='^$' -bench=. -benchmem ./bench/
//
// It reads no environment variables: every benchmark configures ccotel in code.
package bench
