package telemetry

import (
	"context"
	"errors"
	"testing"
)

// A DeliveryError reads each thing once: the operation, then per exporter
// its signal, exporter, masked endpoint, counts and last cause (without the
// exporter and endpoint an *ExportError repeats), then the operation's own
// distinct causes, leaving out the export errors a provider's Shutdown
// returns again.
func TestDeliveryErrorReadsOnce(t *testing.T) {
	const endpoint = "https://****@h:4318/v1/logs?api_key=****"
	export := &ExportError{Signal: "logs", Protocol: "http/protobuf", Endpoint: endpoint, Items: 3, Rejected: 3,
		Err: errors.New("dial tcp h:4318: connect: connection refused")}
	op := errors.Join(context.DeadlineExceeded, context.DeadlineExceeded, export)
	e := &DeliveryError{Op: "shutdown",
		Exporters: []ExporterStats{
			{Signal: "logs", Exporter: "otlp", Endpoint: endpoint, Unit: "events", Exported: 2, Failed: 3},
			{Signal: "traces", Exporter: "otlp", Endpoint: "h:4317", Unit: "spans", Dropped: 4, Queued: 1},
		},
		causes: []error{export, nil}, opErr: op, Err: errors.Join(op, export)}
	const want = "ccotel: shutdown: telemetry lost:" +
		" logs otlp exporter (https://****@h:4318/v1/logs?api_key=****): 2 events exported, 0 dropped, 3 failed: dial tcp h:4318: connect: connection refused;" +
		" traces otlp exporter (h:4317): 0 spans exported, 4 dropped, 0 failed, 1 still queued" +
		" (context deadline exceeded)"
	if got := e.Error(); got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	var ee *ExportError
	if !errors.As(e, &ee) || !errors.Is(e, context.DeadlineExceeded) {
		t.Error("the causes are not reachable with errors.As and errors.Is")
	}
	// Built by hand, with Err only: printed once at the end.
	hand := &DeliveryError{Op: "flush", Exporters: e.Exporters[1:], Err: errors.New("x")}
	if got := hand.Error(); got != "ccotel: flush: telemetry lost: traces otlp exporter (h:4317): 0 spans exported, 4 dropped, 0 failed, 1 still queued (x)" {
		t.Errorf("by hand: %q", got)
	}
}
