package telemetry_test

import (
	"context"
	"errors"
	"testing"

	"github.com/ccotel/ccotel/config"
	"github.com/ccotel/ccotel/telemetry"
)

// TestStartHandsWarningsToTheHandler: a mistaken variable reaches the error
// handler as a config.Warning naming the variable meant.
func TestStartHandsWarningsToTheHandler(t *testing.T) {
	var got []error
	tel, err := telemetry.Start(context.Background(),
		telemetry.WithLoadOptions(config.WithEnviron([]string{"CLAUDE_CODE_ENABLE_TELEMETRY=1", "OTEL_METRICS_EXPORTERS=otlp"}), config.WithoutManagedSettings()),
		telemetry.WithErrorHandler(func(err error) { got = append(got, err) }))
	if err != nil {
		t.Fatal(err)
	}
	defer tel.Shutdown(context.Background())
	var w config.Warning
	if len(got) != 1 || !errors.As(got[0], &w) || w.Kind != config.WarningUnknownVariable || w.Suggestion != "OTEL_METRICS_EXPORTER" {
		t.Errorf("handler got %v", got)
	}
}
