package exporter

import (
	"context"
	"errors"
	"regexp"
	"strconv"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	otellog "go.opentelemetry.io/otel/log"
	sdklog "go.opentelemetry.io/otel/sdk/log"
)

type gatedLogExporter struct {
	gate     chan struct{}
	mu       sync.Mutex
	received int
}

func (e *gatedLogExporter) Export(ctx context.Context, rs []sdklog.Record) error {
	<-e.gate
	e.mu.Lock()
	e.received += len(rs)
	e.mu.Unlock()
	return nil
}
func (e *gatedLogExporter) Shutdown(context.Context) error   { return nil }
func (e *gatedLogExporter) ForceFlush(context.Context) error { return nil }

// A full queue drops records; the drops reach the error handler, and once
// the queue has been flushed their count is exact.
func TestQueueDropsAreReported(t *testing.T) {
	var mu sync.Mutex
	var reports []string
	notLost := 0
	drops := newTally("logs", "otlp", "", "logs test", "events", defaultMaxQueueSize,
		func(err error) {
			mu.Lock()
			reports = append(reports, err.Error())
			if !errors.Is(err, ErrLost) {
				notLost++
			}
			mu.Unlock()
		})
	inner := &gatedLogExporter{gate: make(chan struct{})}
	p := &countingLogProcessor{tally: drops, Processor: sdklog.NewBatchProcessor(&logExporter{Exporter: inner, lifecycle: newPipelines().lifecycle(), tally: drops},
		sdklog.WithExportInterval(10*time.Millisecond), sdklog.WithMaxQueueSize(defaultMaxQueueSize), sdklog.WithExportMaxBatchSize(defaultMaxBatchSize))}
	lp := sdklog.NewLoggerProvider(sdklog.WithProcessor(p))
	logger := lp.Logger("t")

	const emitted = 6000
	for i := 0; i < emitted; i++ {
		var r otellog.Record
		r.SetBody(attribute.IntValue(i))
		logger.Emit(context.Background(), r)
	}
	close(inner.gate) // the endpoint comes back
	if err := lp.ForceFlush(context.Background()); err != nil {
		t.Fatal(err)
	}
	inner.mu.Lock()
	received := inner.received
	inner.mu.Unlock()
	if received >= emitted {
		t.Fatalf("the queue of %d dropped nothing of %d records; the test needs a full queue", defaultMaxQueueSize, emitted)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(reports) == 0 {
		t.Fatalf("%d records dropped and nothing reported", emitted-received)
	}
	if notLost > 0 {
		t.Errorf("%d of %d drop reports do not match ErrLost", notLost, len(reports))
	}
	total := regexp.MustCompile(`\((\d+) in all\)`).FindStringSubmatch(reports[len(reports)-1])
	if total == nil {
		t.Fatalf("report without a total: %s", reports[len(reports)-1])
	}
	if n, _ := strconv.Atoi(total[1]); n != emitted-received {
		t.Errorf("reported %d dropped in all, %d were: %v", n, emitted-received, reports)
	}
	if err := lp.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
}
