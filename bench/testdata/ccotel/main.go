// Ccotel is the program BenchmarkProgram builds and runs against
// ../rawsdk/main.go: Start with the exporters the environment names, then
// per session (BENCH_SESSIONS) a session start and one API response (its
// cost and token points, its api_request event), then Shutdown.
package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/ccotel/ccotel/pricing"
	"github.com/ccotel/ccotel/telemetry"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "ccotel:", err)
		os.Exit(1)
	}
}

func run() error {
	ctx := context.Background()
	sessions, _ := strconv.Atoi(os.Getenv("BENCH_SESSIONS"))
	tel, err := telemetry.Start(ctx, telemetry.WithServiceVersion("1.0.0"))
	if err != nil {
		return err
	}
	kept := make([]context.Context, 0, sessions)
	for range sessions {
		sctx, s := tel.StartSession(ctx)
		s.APIResponse(sctx, telemetry.APIResponse{
			Model:     "claude-sonnet-4-5-20250929",
			Usage:     pricing.Usage{InputTokens: 107, OutputTokens: 45, CacheReadTokens: 2000, CacheCreationTokens: 300},
			Duration:  1200 * time.Millisecond,
			RequestID: "req_011CExample",
		})
		kept = append(kept, sctx)
	}
	// The resident set with the sessions alive, garbage returned to the
	// system: what BenchmarkProgram compares.
	debug.FreeOSMemory()
	fmt.Printf("rss_kib=%d\n", rssKiB())
	if err := tel.Shutdown(ctx); err != nil {
		return err
	}
	fmt.Fprintln(os.Stderr, len(kept), "sessions")
	return nil
}

// rssKiB is VmRSS from /proc/self/status, 0 where there is none.
func rssKiB() int {
	status, _ := os.ReadFile("/proc/self/status")
	for line := range bytes.Lines(status) {
		if v, ok := bytes.CutPrefix(line, []byte("VmRSS:")); ok {
			n, _ := strconv.Atoi(string(bytes.TrimSpace(bytes.TrimSuffix(bytes.TrimSpace(v), []byte("kB")))))
			return n
		}
	}
	return 0
}
