package telemetry

import (
	"errors"

	"github.com/ccotel/ccotel/internal/exporter"
)

// ErrLost is matched by errors.Is for every error that reports lost
// telemetry: the error handler's reports of failed or partly rejected
// exports (an *ExportError for OTLP), of records dropped by a full queue and
// of metric points folded into an overflow series, and a *DeliveryError
// that counts losses.
var ErrLost = exporter.ErrLost

// ExportError is reported to the error handler, and joined into a
// *DeliveryError's Err, when an OTLP export did not deliver everything: the
// endpoint rejected part of the batch (OTLP partial success) or the whole
// batch failed after retries. Rejected items are lost (all of them when the
// batch failed) and the rest were delivered. Items are data points for
// metrics, events for logs and spans for traces. It matches ErrLost.
type ExportError struct {
	Signal   string // "metrics", "logs" or "traces"
	Protocol string // "grpc", "http/protobuf" or "http/json"
	Endpoint string // with credentials and query masked
	Items    int    // items in the batch
	Rejected int    // items not delivered
	Err      error  // the last attempt's error, or the endpoint's partial-success message
}

func (e *ExportError) Error() string {
	if e == nil {
		return "ccotel: <nil ExportError>"
	}
	return (*exporter.ExportError)(e).Error()
}

func (e *ExportError) Unwrap() error {
	if e == nil {
		return nil
	}
	return e.Err
}

// Is matches ErrLost.
func (e *ExportError) Is(target error) bool { return target == ErrLost }

// Is makes a DeliveryError that counts lost data match ErrLost; one that
// only counts data still queued when a flush gave up does not.
func (e *DeliveryError) Is(target error) bool {
	if e == nil || target != ErrLost {
		return false
	}
	for _, x := range e.Exporters {
		if x.Lost() > 0 {
			return true
		}
	}
	return false
}

// publicError is err as the host sees it: the exporter's internal
// *ExportError, wherever it sits in err's chain, becomes an *ExportError of
// this package, the type hosts can name in errors.As. The chain around it
// only repeats what the ExportError says.
func publicError(err error) error {
	var ee *exporter.ExportError
	if err == nil || !errors.As(err, &ee) {
		return err
	}
	return (*ExportError)(ee)
}
