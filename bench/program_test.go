package bench

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ccotel/ccotel/internal/otlptest"
)

// program is one built benchmark program.
type program struct {
	path string
	size int64
}

// buildPrograms builds testdata/ccotel (this module) and testdata/rawsdk
// (its own module, with the SDK's exporters) the same way.
func buildPrograms(b *testing.B) (ours, raw program) {
	dir := b.TempDir()
	build := func(name, pkgDir string, args ...string) program {
		out := filepath.Join(dir, name)
		cmd := exec.Command("go", append([]string{"build", "-o", out}, args...)...)
		cmd.Dir = pkgDir
		cmd.Env = append(os.Environ(), "GOWORK=off")
		if msg, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("building %s: %v\n%s", name, err, msg)
		}
		fi, err := os.Stat(out)
		if err != nil {
			b.Fatal(err)
		}
		return program{path: out, size: fi.Size()}
	}
	return build("ccotel", "testdata/ccotel", "."), build("rawsdk", "testdata/rawsdk", ".")
}

// runProgram runs p with n sessions, exporting metrics and events over
// OTLP/HTTP to endpoint, and returns its wall time and its resident set with
// the n sessions alive (VmRSS after debug.FreeOSMemory, as the program
// prints it), in KiB. The developer's own variables do not reach it.
func runProgram(b *testing.B, p program, endpoint string, n int) (time.Duration, int) {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "OTEL_") && !strings.HasPrefix(kv, "CLAUDE_") && !strings.HasPrefix(kv, "CCOTEL_") &&
			!strings.HasPrefix(kv, "HOME=") {
			env = append(env, kv)
		}
	}
	env = append(env, "HOME="+b.TempDir(), "BENCH_SESSIONS="+strconv.Itoa(n),
		"CLAUDE_CODE_ENABLE_TELEMETRY=1", "OTEL_METRICS_EXPORTER=otlp", "OTEL_LOGS_EXPORTER=otlp",
		"OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf", "OTEL_EXPORTER_OTLP_ENDPOINT="+endpoint,
		// 1000 sessions make 4000 token series: above the default limit of
		// 2000 on both sides, so both get the same higher one.
		"CCOTEL_METRICS_CARDINALITY_LIMIT=10000", "OTEL_GO_X_CARDINALITY_LIMIT=10000")
	cmd := exec.Command(p.path)
	cmd.Env = env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	out, err := cmd.Output()
	took := time.Since(start)
	if err != nil {
		b.Fatalf("%s: %v\n%s", p.path, err, stderr.Bytes())
	}
	_, v, _ := strings.Cut(string(out), "rss_kib=")
	rss, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || rss <= 0 {
		b.Fatalf("%s printed no resident set: %q", p.path, out)
	}
	return took, rss
}

// BenchmarkProgram compares whole programs: testdata/ccotel (telemetry.Start,
// sessions with one API response each, Shutdown) against testdata/rawsdk,
// the hand-written SDK equivalent with the same exporters to choose from and
// the same points and api_request records, both exporting to an in-process
// OTLP/HTTP receiver:
//
//   - binary_size: the size of each binary (x-raw: ccotel's over raw's);
//   - startup: a run with no session, exec to exit (Start and Shutdown, the
//     runtime's and the packages' initialisation), the two alternating;
//     ns/op is both runs, ns/run ccotel's;
//   - rss_per_1k_sessions: the resident set with 1000 sessions alive minus
//     that with none (each program returns its garbage to the system first).
func BenchmarkProgram(b *testing.B) {
	ours, raw := buildPrograms(b)
	rcv := otlptest.Start(b, otlptest.Options{})
	endpoint := rcv.HTTPEndpoint()
	b.Run("binary_size", func(b *testing.B) {
		for b.Loop() {
		}
		b.ReportMetric(float64(ours.size), "bytes")
		b.ReportMetric(float64(raw.size), "raw-bytes")
		b.ReportMetric(float64(ours.size)/float64(raw.size), "x-raw")
	})
	b.Run("startup", func(b *testing.B) {
		var oursT, rawT time.Duration
		for i := 0; b.Loop(); i++ {
			if i%2 == 0 {
				t, _ := runProgram(b, raw, endpoint, 0)
				rawT += t
			}
			t, _ := runProgram(b, ours, endpoint, 0)
			oursT += t
			if i%2 == 1 {
				t, _ := runProgram(b, raw, endpoint, 0)
				rawT += t
			}
		}
		b.ReportMetric(float64(oursT.Nanoseconds())/float64(b.N), "ns/run")
		b.ReportMetric(float64(rawT.Nanoseconds())/float64(b.N), "raw-ns/run")
		b.ReportMetric(float64(oursT)/float64(rawT), "x-raw")
	})
	b.Run("rss_per_1k_sessions", func(b *testing.B) {
		var oursKB, rawKB int
		for b.Loop() {
			_, r0 := runProgram(b, raw, endpoint, 0)
			_, o0 := runProgram(b, ours, endpoint, 0)
			_, o1 := runProgram(b, ours, endpoint, 1000)
			_, r1 := runProgram(b, raw, endpoint, 1000)
			oursKB += o1 - o0
			rawKB += r1 - r0
		}
		b.ReportMetric(float64(oursKB)/float64(b.N), "KiB/1k-sessions")
		b.ReportMetric(float64(rawKB)/float64(b.N), "raw-KiB/1k-sessions")
		if rawKB > 0 {
			b.ReportMetric(float64(oursKB)/float64(rawKB), "x-raw")
		}
	})
}
