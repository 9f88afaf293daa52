package telemetry_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/ccotel/ccotel/config"
	"github.com/ccotel/ccotel/internal/otlptest"
	"github.com/ccotel/ccotel/pricing"
	"github.com/ccotel/ccotel/telemetry"
)

// TestTypedErrors: every kind of error ccotel gives its host can be told
// apart with errors.Is and errors.As, without reading messages: a
// configuration problem (*config.Error from Start), a failed export (an
// *ExportError to the handler and in the *DeliveryError of Shutdown, both
// matching ErrLost) and a model without a price (*pricing.UnknownModelError,
// once per model, to the handler; never from the emit call).
func TestTypedErrors(t *testing.T) {
	ctx := context.Background()

	_, err := telemetry.Start(ctx, env("CLAUDE_CODE_ENABLE_TELEMETRY=1", "OTEL_LOGS_EXPORTER=otlp", "OTEL_EXPORTER_OTLP_PROTOCOL=carrier-pigeon"))
	var cerr *config.Error
	if !errors.As(err, &cerr) || len(cerr.Problems) != 1 || cerr.Problems[0].Variable != "OTEL_EXPORTER_OTLP_PROTOCOL" {
		t.Errorf("Start with a bad protocol: %v, want a *config.Error naming OTEL_EXPORTER_OTLP_PROTOCOL", err)
	}

	_, err = telemetry.Start(ctx, env("CLAUDE_CODE_ENABLE_TELEMETRY=1", "OTEL_LOGS_EXPORTER=otlp", "OTEL_EXPORTER_OTLP_PROTOCOL=grpc", "OTEL_EXPORTER_OTLP_ENDPOINT=https://localhost:4317",
		"OTEL_EXPORTER_OTLP_CERTIFICATE="+filepath.Join(t.TempDir(), "missing.pem")))
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(fmt.Sprint(err), "OTEL_EXPORTER_OTLP_CERTIFICATE") {
		t.Errorf("Start with a missing CA file: %v, want an error naming the variable and matching fs.ErrNotExist", err)
	}

	// The receiver refuses every request (HTTP 401), which is not retried.
	rcv := otlptest.Start(t, otlptest.Options{RequiredHeaders: map[string]string{"Authorization": "Bearer right"}})
	var mu sync.Mutex
	var reports []error
	tel, err := telemetry.Start(ctx,
		env("CLAUDE_CODE_ENABLE_TELEMETRY=1", "OTEL_LOGS_EXPORTER=otlp", "OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf",
			"OTEL_EXPORTER_OTLP_LOGS_ENDPOINT="+rcv.HTTPURL(otlptest.Logs)),
		telemetry.WithErrorHandler(func(err error) { mu.Lock(); reports = append(reports, err); mu.Unlock() }))
	if err != nil {
		t.Fatal(err)
	}
	ctx, s := tel.StartSession(ctx)
	for _, model := range []string{"acme-large", "acme-large", "acme-small", "claude-sonnet-4-5"} {
		s.APIResponse(ctx, telemetry.APIResponse{Model: model, Usage: pricing.Usage{InputTokens: 10}})
	}
	err = tel.Shutdown(ctx)

	var derr *telemetry.DeliveryError
	if !errors.As(err, &derr) || !errors.Is(err, telemetry.ErrLost) {
		t.Fatalf("Shutdown after refused exports: %v, want a *DeliveryError matching ErrLost", err)
	}
	var eerr *telemetry.ExportError
	if !errors.As(err, &eerr) || eerr.Signal != "logs" || eerr.Protocol != "http/protobuf" || eerr.Rejected == 0 || eerr.Rejected != eerr.Items {
		t.Errorf("Shutdown's error holds %+v, want the logs *ExportError with every item rejected", eerr)
	}

	mu.Lock()
	defer mu.Unlock()
	var unpriced []string
	exports := 0
	for _, r := range reports {
		var u *pricing.UnknownModelError
		if errors.As(r, &u) {
			unpriced = append(unpriced, u.Model)
			continue
		}
		var e *telemetry.ExportError
		if errors.As(r, &e) {
			exports++
			if !errors.Is(r, telemetry.ErrLost) {
				t.Errorf("export report %v does not match ErrLost", r)
			}
			continue
		}
		t.Errorf("untyped report: %v", r)
	}
	if len(unpriced) != 2 || unpriced[0] != "acme-large" || unpriced[1] != "acme-small" {
		t.Errorf("unknown-price reports for %q, want one each for acme-large and acme-small", unpriced)
	}
	if exports == 0 {
		t.Error("no *ExportError reported to the handler")
	}
}

// TestDeliveryErrorIsLostOnlyWhenLost: a flush that gave up with data still
// queued but nothing lost is a *DeliveryError that does not match ErrLost.
func TestDeliveryErrorIsLostOnlyWhenLost(t *testing.T) {
	queued := &telemetry.DeliveryError{Op: "flush", Exporters: []telemetry.ExporterStats{{Signal: "logs", Queued: 3}}}
	if errors.Is(queued, telemetry.ErrLost) {
		t.Error("a DeliveryError with nothing lost matches ErrLost")
	}
	lost := &telemetry.DeliveryError{Op: "flush", Exporters: []telemetry.ExporterStats{{Signal: "logs", Dropped: 1}}}
	if !errors.Is(lost, telemetry.ErrLost) {
		t.Error("a DeliveryError counting a drop does not match ErrLost")
	}
}
