package exporter

import (
	"errors"
	"fmt"
)

// ExportError is what ccotel's OTLP exporters return when an export did not
// deliver everything: the Collector rejected part of the batch (OTLP partial
// success) or the whole batch failed after retries. Export returning nil means
// every item was delivered; otherwise Rejected items (Rejected == Items when
// the whole batch failed) are lost and the rest were delivered.
//
// Items are data points for metrics, log records for logs and spans for
// traces, the units of OTLP's partial_success rejected_* counts.
type ExportError struct {
	Signal   string // "metrics", "logs" or "traces"
	Protocol string // "grpc", "http/protobuf" or "http/json"
	Endpoint string // with userinfo and query masked
	Items    int    // items in the batch
	Rejected int    // items not delivered
	Err      error  // the cause: the last attempt's error, or the Collector's partial-success message
}

// Error reads, once each: signal, exporter, protocol, masked endpoint,
// outcome, what was lost and the cause.
func (e *ExportError) Error() string {
	what := "failed"
	if e.Rejected < e.Items {
		what = "partially rejected"
	}
	return fmt.Sprintf("ccotel: %s otlp exporter (%s %s): export %s: %d of %d %s lost: %v",
		e.Signal, e.Protocol, e.Endpoint, what, e.Rejected, e.Items, itemNoun(e.Signal), e.Err)
}

func (e *ExportError) Unwrap() error { return e.Err }

func itemNoun(signal string) string {
	switch signal {
	case "metrics":
		return "data points"
	case "logs":
		return "events"
	case "traces":
		return "spans"
	}
	return "items"
}

// ErrLost is matched (errors.Is) by every report of lost telemetry: an
// export that failed or was partly rejected, records dropped by a full
// queue, points folded into an overflow series. telemetry.ErrLost is it.
var ErrLost = errors.New("ccotel: telemetry lost")

// Is makes an ExportError match ErrLost: it is only made when items were
// lost.
func (e *ExportError) Is(target error) bool { return target == ErrLost }

// lostError is a report of lost telemetry that is not an ExportError, or
// wraps one: it matches ErrLost.
type lostError struct {
	msg string
	err error
}

func (e *lostError) Error() string        { return e.msg }
func (e *lostError) Unwrap() error        { return e.err }
func (e *lostError) Is(target error) bool { return target == ErrLost }

// lostf returns a report of lost telemetry with the message of
// fmt.Errorf(format, args...), which wraps what it wraps.
func lostf(format string, args ...any) error {
	err := fmt.Errorf(format, args...)
	return &lostError{msg: err.Error(), err: errors.Unwrap(err)}
}
