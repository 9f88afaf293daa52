package exporter

import (
	"errors"
	"io"
	"strings"
	"testing"
)

func TestExportErrorMessage(t *testing.T) {
	tests := []struct {
		name string
		err  *ExportError
		want []string
		not  []string
	}{
		{
			name: "whole batch",
			err:  &ExportError{Signal: "logs", Protocol: "http/json", Endpoint: maskEndpoint("https://u:secret@h:4318/v1/logs?api-key=k1"), Items: 7, Rejected: 7, Err: io.EOF},
			want: []string{"logs otlp exporter", "http/json", "https://xxxxx@h:4318/v1/logs", "export failed", "7 of 7 events lost", "EOF"},
			not:  []string{"secret", "api-key", "k1", "u:"},
		},
		{
			name: "partial",
			err:  &ExportError{Signal: "metrics", Protocol: "grpc", Endpoint: maskEndpoint("tok@h:4317"), Items: 10, Rejected: 2, Err: errors.New("bad points")},
			want: []string{"metrics otlp exporter (grpc xxxxx@h:4317)", "partially rejected", "2 of 10 data points lost", "bad points"},
			not:  []string{"tok"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg := tt.err.Error()
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("%q lacks %q", msg, w)
				}
			}
			for _, n := range tt.not {
				if strings.Contains(msg, n) {
					t.Errorf("%q leaks %q", msg, n)
				}
			}
			var ee *ExportError
			if !errors.As(error(tt.err), &ee) || !errors.Is(tt.err, tt.err.Err) {
				t.Error("errors.As / errors.Is do not see through ExportError")
			}
		})
	}
}
