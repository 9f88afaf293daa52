// Package bench measures ccotel against a hand-written OpenTelemetry SDK
// equivalent in one process, the two interleaved; see docs/PERFORMANCE.md:
//
//	go test -run='^$' -bench=. -count=5 ./bench/
//
// Its tests check that every public method is allocation-free with telemetry
// off.
//
// It reads no environment variables: every benchmark configures ccotel in code.
package bench
